import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { bucketOf, col, queryRows, rangeOf, withDayBuckets, type ReportDefinition } from './sql.js';

// Cost reports from order cost lines (money in minor units; reported in major units per currency).

const LINE_TOTAL = sql`(l.quantity * l.unit_price_cents)`;
const major = (cents: ReturnType<typeof sql>) => sql`round((coalesce(${cents}, 0) / 100.0)::numeric, 2)::float8`;

export const costs: ReportDefinition = {
  title: 'Costs: planned vs actual',
  description: 'Sum of the estimate (planned) and of the work report (actual) cost lines per order kind, per bucket of the order\'s creation, per currency.',
  rangeOn: 'order created',
  buckets: ['week', 'month'], defaultBucket: 'month',
  groupBys: ['orderKind'], defaultGroupBy: 'orderKind',
  async run(db, p) {
    const { lo, hi } = rangeOf(p);
    const rows = await queryRows(db, withDayBuckets(sql`
      select ${bucketOf(sql`o.created_at`, p)} as bucket, o.kind::text as "group", l.currency,
        count(distinct o.id)::int as orders,
        ${major(sql`sum(${LINE_TOTAL}) filter (where l.phase = 'planned')`)} as planned,
        ${major(sql`sum(${LINE_TOTAL}) filter (where l.phase = 'actual')`)} as actual,
        case when coalesce(sum(${LINE_TOTAL}) filter (where l.phase = 'planned'), 0) = 0 then null
          else round((100.0 * (sum(${LINE_TOTAL}) filter (where l.phase = 'actual') - sum(${LINE_TOTAL}) filter (where l.phase = 'planned'))
            / sum(${LINE_TOTAL}) filter (where l.phase = 'planned'))::numeric, 1)::float8 end as "variancePct"
      from service_orders o join order_cost_lines l on l.order_id = o.id
      where o.created_at >= ${lo} and o.created_at < ${hi}
      group by 1, 2, 3`, ['group', 'currency', 'orders', 'planned', 'actual', 'variancePct'], 3),
    z.object({ bucket: z.string(), group: z.string(), currency: z.string(), orders: z.number(), planned: z.number(), actual: z.number(), variancePct: z.number().nullable() }));
    return {
      columns: [col('bucket', p.bucket!), col('group', 'orderKind'), col('currency', 'Currency'), col('orders', 'Orders with costs', 'integer'),
        col('planned', 'Planned', 'money'), col('actual', 'Actual', 'money'), col('variancePct', 'Actual vs planned %', 'percent')],
      rows, chart: { kind: 'bar', x: 'bucket', series: 'group', y: ['planned', 'actual'] },
    };
  },
};

export const parts: ReportDefinition = {
  title: 'Parts consumption',
  description: 'Parts used per part number (actual cost lines of the work reports), with the parts requisitions raised for it; the 50 most used.',
  rangeOn: 'work report line recorded',
  buckets: [], defaultBucket: null, groupBys: [], defaultGroupBy: null,
  async run(db, p) {
    const { lo, hi } = rangeOf(p);
    const rows = await queryRows(db, sql`
      with used as (
        select coalesce(l.part_number, '(no part number)') as "partNumber", max(l.description) as description, l.currency,
          round(sum(l.quantity)::numeric, 2)::float8 as quantity, count(distinct l.order_id)::int as orders, ${major(sql`sum(${LINE_TOTAL})`)} as cost
        from order_cost_lines l
        where l.phase = 'actual' and l.category = 'parts' and l.created_at >= ${lo} and l.created_at < ${hi}
        group by 1, 3
      ), wanted as (
        select q.part_number, count(*)::int as n from parts_requisitions q where q.created_at >= ${lo} and q.created_at < ${hi} group by 1
      )
      select u.*, coalesce(w.n, 0)::int as requisitions from used u left join wanted w on w.part_number = u."partNumber"
      order by u.quantity desc, u."partNumber" limit 50`,
    z.object({ partNumber: z.string(), description: z.string(), currency: z.string(), quantity: z.number(), orders: z.number(), cost: z.number(), requisitions: z.number() }));
    return {
      columns: [col('partNumber', 'Part number'), col('description', 'Description'), col('quantity', 'Quantity', 'number'), col('orders', 'Orders', 'integer'),
        col('cost', 'Cost', 'money'), col('currency', 'Currency'), col('requisitions', 'Requisitions', 'integer')],
      rows, chart: { kind: 'bar', x: 'partNumber', y: ['quantity'] },
    };
  },
};
