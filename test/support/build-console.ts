import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/** The e2e tests drive the console as users get it: built by Vite, served by the hub. */
export default async function setup(): Promise<void> {
  await build({ configFile: fileURLToPath(new URL('../../console/vite.config.ts', import.meta.url)), logLevel: 'warn' });
}
