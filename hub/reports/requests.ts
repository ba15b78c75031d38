import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { GroupBy } from '../contracts/api/reports.js';
import { bucketOf, col, hoursBetween, NONE, percent, queryRows, rangeOf, withDayBuckets, type ReportDefinition } from './sql.js';

// Request reports: volume, SLA shares, current breaches, response and repair times.
// Merged requests are left out everywhere: they were duplicates of one real problem.

const REQUEST_JOINS = sql`
  from service_requests r
  left join teams t on t.id = r.team_id
  left join assets a on a.id = r.asset_id
  left join sites s on s.id = a.site_id
  left join customers c on c.id = r.customer_id
  left join product_models pm on pm.id = a.model_id`;

/** The region of a request is its unit's site region, else its customer's. */
export function requestGroup(g: GroupBy): SQL {
  switch (g) {
    case 'channel': return sql`r.channel::text`;
    case 'type': return sql`r.type::text`;
    case 'priority': return sql`r.priority::text`;
    case 'team': return sql`coalesce(t.name, '(unrouted)')`;
    case 'region': return sql`coalesce(s.region, c.region, ${NONE})`;
    case 'productLine': return sql`coalesce(pm.product_line, ${NONE})`;
    case 'model': return sql`coalesce(pm.code, ${NONE})`;
    case 'technician': case 'orderKind': case 'faultCode':
      throw new Error(`requests are not grouped by ${g}`);
  }
}

const OPEN = sql`r.status not in ('resolved', 'closed', 'closed_unresolved')`;
const REQUEST_GROUPS: GroupBy[] = ['channel', 'type', 'region', 'productLine', 'team', 'priority'];

export const volume: ReportDefinition = {
  title: 'Request volume',
  description: 'Requests opened per time bucket and group (merged duplicates left out).',
  rangeOn: 'request created',
  buckets: ['day', 'week', 'month'], defaultBucket: 'day',
  groupBys: REQUEST_GROUPS, defaultGroupBy: 'channel',
  async run(db, p) {
    const { lo, hi } = rangeOf(p);
    const rows = await queryRows(db, withDayBuckets(sql`
      select ${bucketOf(sql`r.created_at`, p)} as bucket, ${requestGroup(p.groupBy!)} as "group", count(*)::int as requests
      ${REQUEST_JOINS}
      where r.created_at >= ${lo} and r.created_at < ${hi} and r.merged_into_id is null
      group by 1, 2`, ['group', 'requests'], 2), z.object({ bucket: z.string(), group: z.string(), requests: z.number() }));
    return {
      columns: [col('bucket', p.bucket!), col('group', p.groupBy!), col('requests', 'Requests', 'integer')],
      rows, chart: { kind: 'stacked-bar', x: 'bucket', series: 'group', y: ['requests'] },
    };
  },
};

const SlaRow = z.object({
  group: z.string(), requests: z.number(),
  responseMet: z.number(), responseMissed: z.number(), responseShare: z.number().nullable(),
  resolutionMet: z.number(), resolutionMissed: z.number(), resolutionShare: z.number().nullable(),
  breachedOpen: z.number(),
});

export const sla: ReportDefinition = {
  title: 'SLA: requests answered and resolved in time',
  description: 'Met: answered (resolved) by its due time. Missed: answered (resolved) late, or not yet and past due. '
    + 'Share = met / (met + missed); requests still within their time count in neither. Priority is the current one (a warning raises it).',
  rangeOn: 'request created',
  buckets: [], defaultBucket: null,
  groupBys: ['priority', 'team', 'channel', 'region'], defaultGroupBy: 'priority',
  async run(db, p) {
    const { lo, hi } = rangeOf(p);
    const resMet = sql`r.response_due_at is not null and r.first_responded_at <= r.response_due_at`;
    const resMissed = sql`r.response_due_at is not null and (r.first_responded_at > r.response_due_at or (r.first_responded_at is null and r.response_due_at < now()))`;
    const solMet = sql`r.resolution_due_at is not null and r.resolved_at <= r.resolution_due_at`;
    const solMissed = sql`r.resolution_due_at is not null and (r.resolved_at > r.resolution_due_at or (r.resolved_at is null and ${OPEN} and r.resolution_due_at < now()))`;
    const n = (cond: SQL) => sql`(count(*) filter (where ${cond}))::int`;
    const rows = await queryRows(db, sql`
      select ${requestGroup(p.groupBy!)} as "group", count(*)::int as requests,
        ${n(resMet)} as "responseMet", ${n(resMissed)} as "responseMissed", ${percent(n(resMet), sql`${n(resMet)} + ${n(resMissed)}`)} as "responseShare",
        ${n(solMet)} as "resolutionMet", ${n(solMissed)} as "resolutionMissed", ${percent(n(solMet), sql`${n(solMet)} + ${n(solMissed)}`)} as "resolutionShare",
        ${n(sql`${OPEN} and ((r.first_responded_at is null and r.response_due_at < now()) or r.resolution_due_at < now())`)} as "breachedOpen"
      ${REQUEST_JOINS}
      where r.created_at >= ${lo} and r.created_at < ${hi} and r.merged_into_id is null
      group by 1 order by 1`, SlaRow);
    return {
      columns: [
        col('group', p.groupBy!), col('requests', 'Requests', 'integer'),
        col('responseMet', 'Answered in time', 'integer'), col('responseMissed', 'Answered late / overdue', 'integer'), col('responseShare', 'Answered in time %', 'percent'),
        col('resolutionMet', 'Resolved in time', 'integer'), col('resolutionMissed', 'Resolved late / overdue', 'integer'), col('resolutionShare', 'Resolved in time %', 'percent'),
        col('breachedOpen', 'Open and past due now', 'integer'),
      ],
      rows, chart: { kind: 'bar', x: 'group', y: ['responseShare', 'resolutionShare'] },
    };
  },
};

const BreachRow = z.object({
  number: z.string(), subject: z.string(), team: z.string(), priority: z.string(), clock: z.string(), dueAt: z.string(), overdueHours: z.number(),
});

export const slaBreaches: ReportDefinition = {
  title: 'SLA breaches now',
  description: 'Open requests past their response or resolution time, and orders not yet on site past their on-site time, as of now '
    + '(a paused request counts only if it was past due when paused). The date range does not apply.',
  rangeOn: 'none: the current state',
  buckets: [], defaultBucket: null, groupBys: [], defaultGroupBy: null,
  async run(db) {
    const due = (c: SQL) => sql`to_char(${c} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
    const notPaused = (c: SQL) => sql`(r.sla_paused_at is null or ${c} < r.sla_paused_at)`;
    const reqNo = sql`'SR-' || lpad(r.number::text, 6, '0')`;
    const rows = await queryRows(db, sql`
      select * from (
        select ${reqNo} as number, r.subject, coalesce(t.name, '(unrouted)') as team, r.priority::text as priority, 'response' as clock,
          ${due(sql`r.response_due_at`)} as "dueAt", round(${hoursBetween(sql`r.response_due_at`, sql`now()`)}::numeric, 1)::float8 as "overdueHours"
        from service_requests r left join teams t on t.id = r.team_id
        where ${OPEN} and r.merged_into_id is null and r.first_responded_at is null and r.response_due_at < now() and ${notPaused(sql`r.response_due_at`)}
        union all
        select ${reqNo}, r.subject, coalesce(t.name, '(unrouted)'), r.priority::text, 'resolution',
          ${due(sql`r.resolution_due_at`)}, round(${hoursBetween(sql`r.resolution_due_at`, sql`now()`)}::numeric, 1)::float8
        from service_requests r left join teams t on t.id = r.team_id
        where ${OPEN} and r.merged_into_id is null and r.resolution_due_at < now() and ${notPaused(sql`r.resolution_due_at`)}
        union all
        select 'WO-' || lpad(o.number::text, 6, '0'), r.subject, coalesce(t.name, '(unrouted)'), o.priority::text, 'on-site',
          ${due(sql`o.on_site_due_at`)}, round(${hoursBetween(sql`o.on_site_due_at`, sql`now()`)}::numeric, 1)::float8
        from service_orders o join service_requests r on r.id = o.request_id left join teams t on t.id = r.team_id
        where o.status in ('new', 'planned', 'dispatched', 'en_route') and o.on_site_due_at < now() and ${notPaused(sql`o.on_site_due_at`)}
      ) b order by "overdueHours" desc, number limit 1000`, BreachRow);
    return {
      columns: [
        col('number', 'Number'), col('subject', 'Subject'), col('team', 'Team'), col('priority', 'Priority'), col('clock', 'Clock'),
        col('dueAt', 'Due', 'datetime'), col('overdueHours', 'Overdue (h)', 'hours'),
      ],
      rows, chart: null, notes: rows.length === 1000 ? ['the 1,000 most overdue are shown'] : [],
    };
  },
};

const TimesRow = z.object({
  bucket: z.string(), group: z.string(), requests: z.number(),
  responded: z.number(), meanResponseHours: z.number().nullable(), resolved: z.number(), meanRepairHours: z.number().nullable(),
});

export const responseTimes: ReportDefinition = {
  title: 'Time to respond and to repair',
  description: 'Mean hours (wall-clock) from a request\'s creation to the first agent action (taking it in progress or a reply) and to its resolution.',
  rangeOn: 'request created',
  buckets: ['day', 'week', 'month'], defaultBucket: 'week',
  groupBys: ['priority', 'team', 'channel', 'type', 'region'], defaultGroupBy: 'priority',
  async run(db, p) {
    const { lo, hi } = rangeOf(p);
    const mean = (end: SQL) => sql`round(avg(${hoursBetween(sql`r.created_at`, end)})::numeric, 2)::float8`;
    const rows = await queryRows(db, withDayBuckets(sql`
      select ${bucketOf(sql`r.created_at`, p)} as bucket, ${requestGroup(p.groupBy!)} as "group", count(*)::int as requests,
        count(r.first_responded_at)::int as responded, ${mean(sql`r.first_responded_at`)} as "meanResponseHours",
        count(r.resolved_at)::int as resolved, ${mean(sql`r.resolved_at`)} as "meanRepairHours"
      ${REQUEST_JOINS}
      where r.created_at >= ${lo} and r.created_at < ${hi} and r.merged_into_id is null
      group by 1, 2`, ['group', 'requests', 'responded', 'meanResponseHours', 'resolved', 'meanRepairHours'], 2), TimesRow);
    return {
      columns: [
        col('bucket', p.bucket!), col('group', p.groupBy!), col('requests', 'Requests', 'integer'),
        col('responded', 'Responded', 'integer'), col('meanResponseHours', 'Mean time to respond (h)', 'hours'),
        col('resolved', 'Resolved', 'integer'), col('meanRepairHours', 'Mean time to repair (h)', 'hours'),
      ],
      rows, chart: { kind: 'line', x: 'bucket', series: 'group', y: ['meanRepairHours'] },
    };
  },
};
