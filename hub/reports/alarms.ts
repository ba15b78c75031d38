import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { GroupBy } from '../contracts/api/reports.js';
import { col, NONE, percent, queryRows, rangeOf, zoneOf, type ReportDefinition, type ReportParams } from './sql.js';

// Alarm reports: top fault codes, alarm rate normalised by the installed base, early-life
// failures and flapping units. An alarm is one fault condition (asset, code) however many
// messages repeated it; `occurrences` counts the raise messages.

/** models and product lines; `pm` is product_models */
function modelGroup(g: GroupBy | null): SQL {
  return g === 'productLine' ? sql`pm.product_line` : sql`pm.code`;
}
/** the day a unit went into service: its installation date, else the day it was registered (in the report's zone) */
const installedOn = (p: ReportParams) => sql`coalesce(a.installed_at, (a.created_at at time zone ${zoneOf(p)})::date)`;
export const EARLY_LIFE_DAYS = 90;

export const faultCodes: ReportDefinition = {
  title: 'Top fault codes',
  description: 'The 25 fault codes with the most alarms raised in the range, with their raise messages and the units affected.',
  rangeOn: 'alarm first raised',
  buckets: [], defaultBucket: null, groupBys: [], defaultGroupBy: null,
  async run(db, p) {
    const { lo, hi } = rangeOf(p);
    const rows = await queryRows(db, sql`
      select u.code as "faultCode", coalesce(fc.description, case when u.is_unknown then '(unknown code)' else '' end) as description,
        u.alarms, u.occurrences, u.units
      from (
        select code, sum(n)::int as alarms, sum(occ)::int as occurrences, count(*)::int as units, bool_or(is_unknown) as is_unknown
        from (
          select al.fault_code as code, al.asset_id, count(*) as n, coalesce(sum(al.count), 0) as occ, bool_or(al.is_unknown_code) as is_unknown
          from alarms al where al.first_seen_at >= ${lo} and al.first_seen_at < ${hi} group by 1, 2
        ) per_unit group by code
      ) u left join fault_codes fc on fc.code = u.code
      order by u.alarms desc, u.code limit 25`,
    z.object({ faultCode: z.string(), description: z.string(), alarms: z.number(), occurrences: z.number(), units: z.number() }));
    return {
      columns: [col('faultCode', 'Fault code'), col('description', 'Description'), col('alarms', 'Alarms', 'integer'),
        col('occurrences', 'Raise messages', 'integer'), col('units', 'Units affected', 'integer')],
      rows, chart: { kind: 'bar', x: 'faultCode', y: ['alarms'] },
    };
  },
};

export const alarmRate: ReportDefinition = {
  title: 'Alarm rate per 100 installed units',
  description: 'Per calendar month: alarms raised on units of the model divided by the units in service by the end of that month, '
    + 'times 100. A unit counts from the month of its installation date (else its registration). Use whole months for comparable rates.',
  rangeOn: 'alarm first raised (whole months)',
  buckets: ['month'], defaultBucket: 'month',
  groupBys: ['model', 'productLine'], defaultGroupBy: 'model',
  async run(db, p) {
    const { lo, hi } = rangeOf(p);
    const g = modelGroup(p.groupBy);
    const rows = await queryRows(db, sql`
      with months as (
        select m::date as m from generate_series(date_trunc('month', ${p.from}::date), date_trunc('month', ${p.to}::date), interval '1 month') as m
      ), base as (
        select ${g} as g, date_trunc('month', ${installedOn(p)})::date as im, count(*)::int as n
        from assets a join product_models pm on pm.id = a.model_id group by 1, 2
      ), installed as (
        select months.m, base.g, sum(base.n)::int as units from months join base on base.im <= months.m group by 1, 2
      ), raised as (
        select ${g} as g, date_trunc('month', al.first_seen_at at time zone ${zoneOf(p)})::date as m, count(*)::int as n
        from alarms al join assets a on a.id = al.asset_id join product_models pm on pm.id = a.model_id
        where al.first_seen_at >= ${lo} and al.first_seen_at < ${hi} group by 1, 2
      )
      select to_char(i.m, 'YYYY-MM-DD') as bucket, i.g as "group", i.units as installed, coalesce(r.n, 0)::int as alarms,
        round((100.0 * coalesce(r.n, 0) / i.units)::numeric, 2)::float8 as "ratePer100"
      from installed i left join raised r on r.g = i.g and r.m = i.m
      order by 1, 2`,
    z.object({ bucket: z.string(), group: z.string(), installed: z.number(), alarms: z.number(), ratePer100: z.number() }));
    return {
      columns: [col('bucket', 'month'), col('group', p.groupBy!), col('installed', 'Units in service', 'integer'),
        col('alarms', 'Alarms', 'integer'), col('ratePer100', 'Alarms per 100 units', 'number')],
      rows, chart: { kind: 'line', x: 'bucket', series: 'group', y: ['ratePer100'] },
    };
  },
};

export const earlyLife: ReportDefinition = {
  title: 'Early-life failures',
  description: `Units installed in the range that had an alarm, or a repair request or alarm request, within ${EARLY_LIFE_DAYS} days of installation.`,
  rangeOn: 'unit installed',
  buckets: [], defaultBucket: null,
  groupBys: ['model', 'productLine'], defaultGroupBy: 'model',
  async run(db, p) {
    const zone = zoneOf(p);
    // Each unit's window once (a CTE), then joins: cheaper than two correlated probes per unit.
    const rows = await queryRows(db, sql`
      with units as materialized (
        select a.id, ${modelGroup(p.groupBy)} as g, (d.day)::timestamp at time zone ${zone} as t0,
          (d.day + ${sql.raw(String(EARLY_LIFE_DAYS))})::timestamp at time zone ${zone} as t1
        from assets a join product_models pm on pm.id = a.model_id cross join lateral (select ${installedOn(p)} as day) d
        where d.day between ${p.from}::date and ${p.to}::date
      ), early_alarms as (
        select u.id, count(*)::int as n from units u join alarms al on al.asset_id = u.id and al.first_seen_at >= u.t0 and al.first_seen_at < u.t1
        group by u.id
      ), early_requests as (
        select distinct u.id from units u join service_requests r on r.asset_id = u.id and r.created_at >= u.t0 and r.created_at < u.t1
        where r.type in ('request', 'alarm') and r.merged_into_id is null
      )
      select u.g as "group", count(*)::int as installed, (count(*) filter (where ea.id is not null or er.id is not null))::int as "failedEarly",
        ${percent(sql`count(*) filter (where ea.id is not null or er.id is not null)`, sql`count(*)`)} as share, coalesce(sum(ea.n), 0)::int as alarms
      from units u left join early_alarms ea on ea.id = u.id left join early_requests er on er.id = u.id
      group by u.g order by share desc nulls last, u.g`,
    z.object({ group: z.string(), installed: z.number(), failedEarly: z.number(), share: z.number().nullable(), alarms: z.number() }));
    return {
      columns: [col('group', p.groupBy!), col('installed', 'Units installed', 'integer'), col('failedEarly', `Failed within ${EARLY_LIFE_DAYS} days`, 'integer'),
        col('share', 'Early-life failure %', 'percent'), col('alarms', 'Early alarms', 'integer')],
      rows, chart: { kind: 'bar', x: 'group', y: ['share'] },
    };
  },
};

export const flapping: ReportDefinition = {
  title: 'Flapping units',
  description: 'Units whose alarms were raised again soon after clearing (ALARM_FLAP_WINDOW_SECONDS), most flaps first (top 100).',
  rangeOn: 'alarm last seen',
  buckets: [], defaultBucket: null, groupBys: [], defaultGroupBy: null,
  async run(db, p) {
    const { lo, hi } = rangeOf(p);
    const rows = await queryRows(db, sql`
      select a.serial_number as serial, coalesce(pm.code, ${NONE}) as model, c.name as customer,
        string_agg(distinct al.fault_code, ', ') as "faultCodes", count(*)::int as alarms, sum(al.flap_count)::int as flaps,
        case when bool_or(al.is_flapping and al.state <> 'cleared') then 'yes' else 'no' end as "flappingNow",
        to_char(max(al.last_seen_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "lastSeenAt"
      from alarms al join assets a on a.id = al.asset_id left join product_models pm on pm.id = a.model_id left join customers c on c.id = a.customer_id
      where al.flap_count > 0 and al.last_seen_at >= ${lo} and al.last_seen_at < ${hi}
      group by a.id, a.serial_number, pm.code, c.name order by flaps desc, serial limit 100`,
    z.object({ serial: z.string(), model: z.string(), customer: z.string(), faultCodes: z.string(), alarms: z.number(), flaps: z.number(), flappingNow: z.string(), lastSeenAt: z.string() }));
    return {
      columns: [col('serial', 'Serial number'), col('model', 'Model'), col('customer', 'Customer'), col('faultCodes', 'Fault codes'),
        col('alarms', 'Alarms', 'integer'), col('flaps', 'Flaps', 'integer'), col('flappingNow', 'Flapping now'), col('lastSeenAt', 'Last seen', 'datetime')],
      rows, chart: { kind: 'bar', x: 'serial', y: ['flaps'] },
    };
  },
};
