import { z } from '@hono/zod-openapi';

// Reports (issue 9): aggregate SQL over requests, orders, alarms and costs, as JSON or CSV.

export const REPORT_NAMES = [
  'volume', 'sla', 'order-sla', 'sla-breaches', 'fault-codes', 'alarm-rate', 'early-life', 'flapping',
  'complaints', 'first-time-fix', 'response-times', 'acceptance', 'satisfaction', 'costs', 'parts',
] as const;
export const ReportName = z.enum(REPORT_NAMES);
export type ReportName = z.infer<typeof ReportName>;

export const BUCKETS = ['day', 'week', 'month'] as const;
export const Bucket = z.enum(BUCKETS);
export type Bucket = z.infer<typeof Bucket>;

/** every grouping any report offers; each report lists the ones it takes */
export const GROUP_BYS = [
  'channel', 'type', 'region', 'productLine', 'team', 'priority', 'model', 'technician', 'orderKind', 'faultCode',
] as const;
export const GroupBy = z.enum(GROUP_BYS);
export type GroupBy = z.infer<typeof GroupBy>;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'not a calendar date');

const timeZone = z.string().min(1).max(64).refine((tz) => {
  try { new Intl.DateTimeFormat('en', { timeZone: tz }); return true; } catch { return false; }
}, 'unknown IANA time zone');

export const ReportQuery = z.object({
  from: isoDate.optional().describe('first day, inclusive; default: 29 days before `to`'),
  to: isoDate.optional().describe('last day, inclusive; default: today'),
  timeZone: timeZone.optional().describe('IANA zone whose days the range and the buckets follow; default UTC'),
  bucket: Bucket.optional().describe('time bucket for reports over time; default: the report\'s own'),
  groupBy: GroupBy.optional().describe('grouping; each report lists the ones it takes (GET /api/reports)'),
  format: z.enum(['json', 'csv']).default('json'),
});
export type ReportQuery = z.infer<typeof ReportQuery>;

export const ColumnType = z.enum(['string', 'integer', 'number', 'percent', 'hours', 'money', 'datetime']);
export const ReportColumn = z.object({ key: z.string(), label: z.string(), type: ColumnType });
export type ReportColumn = z.infer<typeof ReportColumn>;

export const ChartSpec = z.object({
  kind: z.enum(['bar', 'stacked-bar', 'line']),
  /** the column on the x axis (a bucket or a group) */
  x: z.string(),
  /** the column whose values name the series (stacked bars, lines); absent: one series per `y` */
  series: z.string().optional(),
  y: z.array(z.string()).min(1),
}).openapi('ReportChart');
export type ChartSpec = z.infer<typeof ChartSpec>;

export const ReportInfo = z.object({
  name: ReportName,
  title: z.string(),
  description: z.string(),
  /** the date range filters on this (e.g. "request created") */
  rangeOn: z.string(),
  buckets: z.array(Bucket),
  defaultBucket: Bucket.nullable(),
  groupBys: z.array(GroupBy),
  defaultGroupBy: GroupBy.nullable(),
}).openapi('ReportInfo');
export type ReportInfo = z.infer<typeof ReportInfo>;

export const ReportCell = z.union([z.string(), z.number(), z.null()]);
export const ReportResult = z.object({
  name: ReportName,
  title: z.string(),
  params: z.object({ from: z.string(), to: z.string(), timeZone: z.string(), bucket: Bucket.nullable(), groupBy: GroupBy.nullable() }),
  generatedAt: z.string(),
  columns: z.array(ReportColumn),
  rows: z.array(z.record(z.string(), ReportCell)),
  chart: ChartSpec.nullable(),
  notes: z.array(z.string()),
}).openapi('ReportResult');
export type ReportResult = z.infer<typeof ReportResult>;
