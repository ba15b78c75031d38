import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The checkout's root, the nearest folder above this module that holds package.json: the same
 * answer when the hub runs from source (tsx, this file in hub/platform/) and from the built
 * bundle (dist/hub.js), so files shipped beside the code (migrations, console, portal pages)
 * are found either way.
 */
export const projectRoot = findRoot(path.dirname(fileURLToPath(import.meta.url)));

/** A path inside the checkout, e.g. `fromRoot('db', 'migrations')`. */
export function fromRoot(...parts: string[]): string {
  return path.join(projectRoot, ...parts);
}

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}
