import type { DbOrTx } from '../../db/client.js';
import { ReportResult, type ReportInfo, type ReportName, type ReportQuery } from '../contracts/api/reports.js';
import { BadRequest, pgErrorCode, pgMessage } from '../platform/errors.js';
import { alarmRate, earlyLife, faultCodes, flapping } from './alarms.js';
import { costs, parts } from './costs.js';
import { acceptance, complaints, firstTimeFix, orderSla, satisfaction } from './orders.js';
import { responseTimes, sla, slaBreaches, volume } from './requests.js';
import type { ReportDefinition, ReportParams } from './sql.js';

/** Every report by name: the Record type makes the list exhaustive against ReportName. */
export const REPORTS: Record<ReportName, ReportDefinition> = {
  volume, sla, 'order-sla': orderSla, 'sla-breaches': slaBreaches, 'response-times': responseTimes,
  'fault-codes': faultCodes, 'alarm-rate': alarmRate, 'early-life': earlyLife, flapping,
  complaints, 'first-time-fix': firstTimeFix, acceptance, satisfaction, costs, parts,
};

/** a year and a bit: longer ranges belong in an export job, not an interactive report */
export const MAX_RANGE_DAYS = 732;
const DAY_MS = 86_400_000;

export function catalogue(): ReportInfo[] {
  return Object.entries(REPORTS).map(([name, d]) => ({
    name: name as ReportName, title: d.title, description: d.description, rangeOn: d.rangeOn,
    buckets: d.buckets, defaultBucket: d.defaultBucket, groupBys: d.groupBys, defaultGroupBy: d.defaultGroupBy,
  }));
}

/** Defaults and the checks that depend on the report (its buckets and groupings) and on today. */
export function resolveParams(d: ReportDefinition, q: Omit<ReportQuery, 'format'>, today = new Date()): ReportParams {
  const timeZone = q.timeZone ?? 'UTC';
  const to = q.to ?? dayIn(today, timeZone);
  const from = q.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * DAY_MS).toISOString().slice(0, 10);
  const fields: Record<string, string> = {};
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  if (days < 1) fields.from = 'must not be after to';
  if (days > MAX_RANGE_DAYS) fields.to = `the range is at most ${MAX_RANGE_DAYS} days`;
  if (q.bucket && !d.buckets.includes(q.bucket)) fields.bucket = d.buckets.length ? `one of ${d.buckets.join(', ')}` : 'this report has no time buckets';
  if (q.groupBy && !d.groupBys.includes(q.groupBy)) fields.groupBy = d.groupBys.length ? `one of ${d.groupBys.join(', ')}` : 'this report has no grouping';
  if (Object.keys(fields).length) throw new BadRequest('the report parameters are not valid', fields);
  return { from, to, timeZone, bucket: q.bucket ?? d.defaultBucket, groupBy: q.groupBy ?? d.defaultGroupBy };
}

/** the calendar day (YYYY-MM-DD) it is in a zone at that instant */
function dayIn(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

export async function runReport(db: DbOrTx, name: ReportName, q: Omit<ReportQuery, 'format'>): Promise<ReportResult> {
  const d = REPORTS[name];
  const params = resolveParams(d, q);
  const out = await d.run(db, params).catch((err: unknown) => {
    // A zone the browser knows but this database's zone table does not (22023): the caller's input, not our fault.
    if (pgErrorCode(err) === '22023' && /time zone/i.test(pgMessage(err))) throw new BadRequest('the database does not know this time zone', { timeZone: 'unknown time zone' });
    throw err;
  });
  return {
    name, title: d.title, params, generatedAt: new Date().toISOString(),
    columns: out.columns, rows: out.rows, chart: out.chart, notes: out.notes ?? [],
  };
}
