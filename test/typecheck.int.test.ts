import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// vitest strips types without checking them, so a type error (e.g. a socket event the hub added
// and the console's restated list lacks) would pass every other test. The suite checks both
// projects, the hub's and the console's, as `npm run typecheck` does.
describe('types', () => {
  it('npm run typecheck passes for the hub and the console', async () => {
    const run = promisify(execFile)('npm', ['run', 'typecheck', '--silent'], { maxBuffer: 16 * 2 ** 20 });
    const result = await run.then(() => ({ ok: true, out: '' }), (err: { stdout?: string; stderr?: string }) => ({ ok: false, out: `${err.stdout ?? ''}${err.stderr ?? ''}` }));
    expect(result.out).toBe('');
    expect(result.ok).toBe(true);
  }, 240_000);
});
