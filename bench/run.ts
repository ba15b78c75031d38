import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { printTable, type BenchResult } from './lib.js';

// npm run bench -- <name> [args]: runs bench/<name>.ts, prints its table, writes bench/results/<name>-<time>.json.

const benches: Record<string, () => Promise<{ run: (args: string[]) => Promise<BenchResult> }>> = {
  intake: () => import('./intake.js'),
  alarms: () => import('./alarms.js'),
  email: () => import('./email.js'),
  fanout: () => import('./fanout.js'),
  reports: () => import('./reports.js'),
  webform: () => import('./webform.js'),
  cluster: () => import('./cluster.js'),
  search: () => import('./search.js'),
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const load = name ? benches[name] : undefined;
  if (!load) {
    process.stderr.write(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [args]\n`);
    process.exit(2);
  }
  const result = await (await load()).run(args);
  printTable(result.rows);
  for (const n of result.notes ?? []) process.stdout.write(`${n}\n`);
  const dir = fileURLToPath(new URL('./results', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/${result.name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, JSON.stringify({
    ...result, at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  }, null, 2));
  process.stdout.write(`results written to ${file}\n`);
  process.exit(0);
}

await main();
