import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { GroupBy } from '../contracts/api/reports.js';
import { requestGroup } from './requests.js';
import { bucketOf, col, NONE, percent, queryRows, rangeOf, withDayBuckets, type ReportDefinition } from './sql.js';

// Order and service-quality reports. `o` is service_orders, `r` its request, `u` its technician.

const ORDER_JOINS = sql`
  from service_orders o
  join service_requests r on r.id = o.request_id
  left join users u on u.id = o.technician_id
  left join teams t on t.id = r.team_id
  left join assets a on a.id = r.asset_id
  left join sites s on s.id = a.site_id
  left join customers c on c.id = r.customer_id
  left join product_models pm on pm.id = a.model_id`;

function orderGroup(g: GroupBy): SQL {
  if (g === 'technician') return sql`coalesce(u.name, '(unassigned)')`;
  if (g === 'orderKind') return sql`o.kind::text`;
  if (g === 'priority') return sql`o.priority::text`;
  return requestGroup(g);
}
const n = (cond: SQL) => sql`(count(*) filter (where ${cond}))::int`;
const REACHED_SITE = sql`o.status in ('on_site', 'completed', 'accepted', 'rejected', 'closed')`;
const BEFORE_SITE = sql`o.status in ('new', 'planned', 'dispatched', 'en_route')`;
/** the SLA engine marks a breached on-site clock on the request: sla_marks["on_site:<order id>.breached"] */
const ON_SITE_MARKED = sql`(r.sla_marks ->> ('on_site:' || o.id::text || '.breached')) is not null`;

export const orderSla: ReportDefinition = {
  title: 'SLA: orders on site and completed in time',
  description: 'On site in time: the technician reached the site before the on-site due time (no breach recorded). Missed: a breach recorded, '
    + 'or still not on site and past due. Completed in time: completed by the order\'s due date. Share = met / (met + missed).',
  rangeOn: 'order created',
  buckets: [], defaultBucket: null,
  groupBys: ['priority', 'team', 'technician', 'orderKind', 'region'], defaultGroupBy: 'priority',
  async run(db, p) {
    const { lo, hi } = rangeOf(p);
    const siteMet = sql`o.on_site_due_at is not null and ${REACHED_SITE} and not ${ON_SITE_MARKED}`;
    const siteMissed = sql`o.on_site_due_at is not null and (${ON_SITE_MARKED} or (${BEFORE_SITE} and o.on_site_due_at < now()))`;
    const doneMet = sql`o.due_at is not null and o.completed_at <= o.due_at`;
    const doneMissed = sql`o.due_at is not null and (o.completed_at > o.due_at or (o.completed_at is null and o.status <> 'cancelled' and o.due_at < now()))`;
    const rows = await queryRows(db, sql`
      select ${orderGroup(p.groupBy!)} as "group", count(*)::int as orders,
        ${n(siteMet)} as "onSiteMet", ${n(siteMissed)} as "onSiteMissed", ${percent(n(siteMet), sql`${n(siteMet)} + ${n(siteMissed)}`)} as "onSiteShare",
        ${n(doneMet)} as "completedMet", ${n(doneMissed)} as "completedMissed", ${percent(n(doneMet), sql`${n(doneMet)} + ${n(doneMissed)}`)} as "completedShare"
      ${ORDER_JOINS}
      where o.created_at >= ${lo} and o.created_at < ${hi}
      group by 1 order by 1`,
    z.object({ group: z.string(), orders: z.number(), onSiteMet: z.number(), onSiteMissed: z.number(), onSiteShare: z.number().nullable(),
      completedMet: z.number(), completedMissed: z.number(), completedShare: z.number().nullable() }));
    return {
      columns: [col('group', p.groupBy!), col('orders', 'Orders', 'integer'),
        col('onSiteMet', 'On site in time', 'integer'), col('onSiteMissed', 'On site late / overdue', 'integer'), col('onSiteShare', 'On site in time %', 'percent'),
        col('completedMet', 'Completed by due date', 'integer'), col('completedMissed', 'Completed late / overdue', 'integer'), col('completedShare', 'Completed in time %', 'percent')],
      rows, chart: { kind: 'bar', x: 'group', y: ['onSiteShare', 'completedShare'] },
    };
  },
};

export const COMPLAINT_DAYS = 30;

export const complaints: ReportDefinition = {
  title: 'Complaint rate',
  description: 'Per region, team or product line: complaints among all requests opened. Per technician: completed orders followed by a complaint '
    + `about the same unit within ${COMPLAINT_DAYS} days.`,
  rangeOn: 'request created (per technician: order completed)',
  buckets: [], defaultBucket: null,
  groupBys: ['region', 'team', 'productLine', 'technician'], defaultGroupBy: 'region',
  async run(db, p) {
    const { lo, hi } = rangeOf(p);
    const Row = z.object({ group: z.string(), base: z.number(), complaints: z.number(), rate: z.number().nullable() });
    const rows = p.groupBy === 'technician'
      ? await queryRows(db, sql`
        select ${orderGroup('technician')} as "group", count(*)::int as base,
          ${n(sql`exists (select 1 from service_requests k where k.type = 'complaint' and k.asset_id = r.asset_id and k.merged_into_id is null
            and k.created_at >= o.completed_at and k.created_at < o.completed_at + interval '${sql.raw(String(COMPLAINT_DAYS))} days')`)} as complaints
        ${ORDER_JOINS}
        where o.completed_at >= ${lo} and o.completed_at < ${hi} group by 1`, Row.omit({ rate: true }))
      : await queryRows(db, sql`
        select ${requestGroup(p.groupBy!)} as "group", count(*)::int as base, ${n(sql`r.type = 'complaint'`)} as complaints
        from service_requests r left join teams t on t.id = r.team_id left join assets a on a.id = r.asset_id
        left join sites s on s.id = a.site_id left join customers c on c.id = r.customer_id left join product_models pm on pm.id = a.model_id
        where r.created_at >= ${lo} and r.created_at < ${hi} and r.merged_into_id is null group by 1`, Row.omit({ rate: true }));
    const withRate = rows.map((r) => ({ ...r, rate: r.base ? Math.round((1000 * r.complaints) / r.base) / 10 : null }))
      .sort((x, y) => (y.rate ?? -1) - (x.rate ?? -1) || x.group.localeCompare(y.group));
    const isTech = p.groupBy === 'technician';
    return {
      columns: [col('group', p.groupBy!), col('base', isTech ? 'Orders completed' : 'Requests', 'integer'),
        col('complaints', isTech ? 'Followed by a complaint' : 'Complaints', 'integer'), col('rate', 'Complaint rate %', 'percent')],
      rows: withRate, chart: { kind: 'bar', x: 'group', y: ['rate'] },
    };
  },
};

export const FTF_DAYS = 30;

export const firstTimeFix: ReportDefinition = {
  title: 'First-time fix rate',
  description: `Corrective orders completed in the range with no further corrective order for the same unit and fault code within ${FTF_DAYS} days. `
    + 'The fault code is the technician\'s confirmed one, else the alarm\'s; when either order has none, a return to the unit counts as a repeat.',
  rangeOn: 'order completed',
  buckets: [], defaultBucket: null,
  groupBys: ['technician', 'team', 'productLine', 'model', 'faultCode'], defaultGroupBy: 'technician',
  async run(db, p) {
    const { lo, hi } = rangeOf(p);
    const group = p.groupBy === 'faultCode' ? sql`coalesce(f0.fault_code, al0.fault_code, ${NONE})` : orderGroup(p.groupBy!);
    // Corrective orders on units with their fault code, once (a CTE); a repeat is a self-join on the unit.
    const rows = await queryRows(db, sql`
      with ord as materialized (
        select o.id, o.created_at, o.completed_at, r.asset_id, coalesce(f.fault_code, al.fault_code) as code
        from service_orders o join service_requests r on r.id = o.request_id
        left join order_feedback f on f.order_id = o.id left join alarms al on al.id = o.alarm_id
        where o.kind = 'corrective' and r.asset_id is not null
      ), repeats as (
        select distinct o.id from ord o join ord o2 on o2.asset_id = o.asset_id and o2.id <> o.id
          and o2.created_at >= o.completed_at and o2.created_at < o.completed_at + interval '${sql.raw(String(FTF_DAYS))} days'
          and (o.code is null or o2.code is null or o.code = o2.code)
        where o.completed_at >= ${lo} and o.completed_at < ${hi}
      )
      select ${group} as "group", count(*)::int as completed, (count(*) filter (where rp.id is null))::int as "fixedFirstTime",
        ${percent(sql`count(*) filter (where rp.id is null)`, sql`count(*)`)} as rate
      ${ORDER_JOINS}
      left join order_feedback f0 on f0.order_id = o.id left join alarms al0 on al0.id = o.alarm_id left join repeats rp on rp.id = o.id
      where o.kind = 'corrective' and o.completed_at >= ${lo} and o.completed_at < ${hi} and r.asset_id is not null
      group by 1 order by rate desc nulls last, 1`,
    z.object({ group: z.string(), completed: z.number(), fixedFirstTime: z.number(), rate: z.number().nullable() }));
    return {
      columns: [col('group', p.groupBy!), col('completed', 'Completed', 'integer'), col('fixedFirstTime', 'Fixed first time', 'integer'), col('rate', 'First-time fix %', 'percent')],
      rows, chart: { kind: 'bar', x: 'group', y: ['rate'] },
    };
  },
};

export const acceptance: ReportDefinition = {
  title: 'Customer acceptance vs rejection',
  description: 'Order transitions to accepted (on-site sign-off, portal or recorded) and to rejected, from the audit log.',
  rangeOn: 'transition made',
  buckets: ['day', 'week', 'month'], defaultBucket: 'month', groupBys: [], defaultGroupBy: null,
  async run(db, p) {
    const { lo, hi } = rangeOf(p);
    const to = sql`l.changes ->> 'to'`;
    const rows = await queryRows(db, withDayBuckets(sql`
      select ${bucketOf(sql`l.at`, p)} as bucket, ${n(sql`${to} = 'accepted'`)} as accepted, ${n(sql`${to} = 'rejected'`)} as rejected,
        ${percent(n(sql`${to} = 'accepted'`), sql`count(*)`)} as "acceptedShare"
      from audit_log l
      where l.at >= ${lo} and l.at < ${hi} and l.entity = 'service_order' and l.action = 'transition' and ${to} in ('accepted', 'rejected')
      group by 1`, ['accepted', 'rejected', 'acceptedShare']),
    z.object({ bucket: z.string(), accepted: z.number(), rejected: z.number(), acceptedShare: z.number().nullable() }));
    return {
      columns: [col('bucket', p.bucket!), col('accepted', 'Accepted', 'integer'), col('rejected', 'Rejected', 'integer'), col('acceptedShare', 'Accepted %', 'percent')],
      rows, chart: { kind: 'stacked-bar', x: 'bucket', y: ['accepted', 'rejected'] },
    };
  },
};

export const satisfaction: ReportDefinition = {
  title: 'Customer satisfaction',
  description: 'Ratings customers gave their requests in the portal (1–5): how many, the average, and the shares satisfied (4–5) and dissatisfied (1–2).',
  rangeOn: 'rating given',
  buckets: [], defaultBucket: null,
  groupBys: ['team', 'region', 'productLine', 'channel', 'type', 'priority'], defaultGroupBy: 'team',
  async run(db, p) {
    const { lo, hi } = rangeOf(p);
    const rows = await queryRows(db, sql`
      select ${requestGroup(p.groupBy!)} as "group", count(*)::int as ratings, round(avg(g.score)::numeric, 2)::float8 as "averageScore",
        ${percent(n(sql`g.score >= 4`), sql`count(*)`)} as "satisfiedShare", ${percent(n(sql`g.score <= 2`), sql`count(*)`)} as "dissatisfiedShare"
      from request_ratings g join service_requests r on r.id = g.request_id
      left join teams t on t.id = r.team_id left join assets a on a.id = r.asset_id left join sites s on s.id = a.site_id
      left join customers c on c.id = r.customer_id left join product_models pm on pm.id = a.model_id
      where g.created_at >= ${lo} and g.created_at < ${hi}
      group by 1 order by 3 desc, 1`,
    z.object({ group: z.string(), ratings: z.number(), averageScore: z.number(), satisfiedShare: z.number().nullable(), dissatisfiedShare: z.number().nullable() }));
    return {
      columns: [col('group', p.groupBy!), col('ratings', 'Ratings', 'integer'), col('averageScore', 'Average (1–5)', 'number'),
        col('satisfiedShare', 'Satisfied (4–5) %', 'percent'), col('dissatisfiedShare', 'Dissatisfied (1–2) %', 'percent')],
      rows, chart: { kind: 'bar', x: 'group', y: ['averageScore'] },
    };
  },
};
