import { readdirSync, readFileSync } from 'node:fs';

export interface BenchResult {
  name: string;
  /** rows of the printed table */
  rows: Array<Record<string, string | number>>;
  notes?: string[];
}

export function printTable(rows: Array<Record<string, string | number>>): void {
  if (!rows.length) return;
  const cols = Object.keys(rows[0]!);
  const cell = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(1)) : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padStart(widths[i]!)).join('  ');
  process.stdout.write(`${line(cols)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const r of rows) process.stdout.write(`${line(cols.map((c) => cell(r[c])))}\n`);
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Linux clock ticks per second (USER_HZ), what /proc/<pid>/stat counts in */
export const CLOCK_TICKS = 100;

export function cpuCount(): number {
  return readFileSync('/proc/stat', 'utf8').split('\n').filter((l) => /^cpu\d+ /.test(l)).length;
}

/** CPU ticks a process has used so far (user + system); 0 once it is gone */
function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch { return 0; }
}

/**
 * CPU ticks used so far by each group of processes, by every postgres process, and by the
 * machine (busy and all). Two snapshots around a phase give its CPU split.
 */
export function cpuSnapshot<K extends string>(groups: Record<K, number[]>) {
  let pg = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/stat`, 'utf8').includes('(postgres)')) pg += processTicks(Number(d));
    } catch { /* gone */ }
  }
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  const idle = cpu[3]! + (cpu[4] ?? 0);
  const all = cpu.reduce((a, b) => a + b, 0);
  const ticks = Object.fromEntries(Object.entries<number[]>(groups).map(([k, pids]) => [k, pids.reduce((s, p) => s + processTicks(p), 0)])) as Record<K, number>;
  return { ...ticks, pg, busy: all - idle, all };
}
