import type { ReportResult } from '../../../../hub/contracts/api/reports.js';

// From a report's rows to chart.js labels and datasets: pure, so it is tested without a canvas.

/** counts get whole-number ticks on the y axis */
export function isCount(r: ReportResult): boolean {
  return r.chart!.y.every((y) => r.columns.find((c) => c.key === y)?.type === 'integer');
}

export function isPercent(r: ReportResult): boolean {
  return r.chart!.y.every((y) => r.columns.find((c) => c.key === y)?.type === 'percent');
}

/** Every bucket start from `from` to `to`, so days (weeks, months) without data show as gaps, not as missing. */
export function bucketsBetween(from: string, to: string, bucket: 'day' | 'week' | 'month'): string[] {
  const out: string[] = [];
  const d = new Date(`${from}T00:00:00Z`);
  if (bucket === 'week') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  if (bucket === 'month') d.setUTCDate(1);
  const end = Date.parse(`${to}T00:00:00Z`);
  while (d.getTime() <= end && out.length < 1000) {
    out.push(d.toISOString().slice(0, 10));
    if (bucket === 'day') d.setUTCDate(d.getUTCDate() + 1);
    else if (bucket === 'week') d.setUTCDate(d.getUTCDate() + 7);
    else d.setUTCMonth(d.getUTCMonth() + 1);
  }
  return out;
}

/** Labels on the x axis and one dataset per series value × measure, from the report's rows. */
export function chartData(r: ReportResult) {
  const spec = r.chart!;
  const label = (key: string) => r.columns.find((c) => c.key === key)?.label ?? key;
  const xs = spec.x === 'bucket' && r.params.bucket
    ? bucketsBetween(r.params.from, r.params.to, r.params.bucket)
    : [...new Set(r.rows.map((row) => String(row[spec.x] ?? '')))];
  const seriesValues = spec.series ? [...new Set(r.rows.map((row) => String(row[spec.series!] ?? '')))] : [null];
  const datasets = seriesValues.flatMap((s) => spec.y.map((y) => {
    const byX = new Map<string, number | null>();
    for (const row of r.rows) {
      if (s !== null && String(row[spec.series!]) !== s) continue;
      const v = row[y];
      byX.set(String(row[spec.x] ?? ''), typeof v === 'number' ? v : null);
    }
    const name = s === null ? label(y) : spec.y.length > 1 ? `${s} · ${label(y)}` : s;
    return { name, data: xs.map((x) => byX.get(x) ?? (spec.series && spec.kind !== 'line' ? 0 : null)) };
  }));
  return { labels: xs, datasets };
}

