import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { createPglite, openDb, type Db } from '../db/client.js';
import { migratePgliteClient } from '../db/migrate.js';
import { REPORT_NAMES, type ReportName, type ReportQuery } from '../hub/contracts/api/reports.js';
import { REPORTS, runReport } from '../hub/reports/catalogue.js';
import { freshPostgres } from './intake.js';
import type { BenchResult } from './lib.js';

/**
 * Reports over a year of data: generates (in SQL, seeded) customers in 8 regions, 40 models in
 * 6 product lines, UNITS installed units, REQUESTS requests across 2025 with SLA times, a third
 * of them with an order (feedback, planned and actual costs, acceptance in the audit log), and
 * ALARMS alarms; then runs every report over the whole year RUNS times with each of its
 * groupings and reports the median and the slowest run. Target: ≤ 2 s per report.
 * Args: --requests N (100000) --units N (20000) --alarms N (150000) --runs N (5) --pg URL,
 * --pglite (the embedded database, in memory, instead of PostgreSQL), --only name,name.
 */
export async function run(args: string[]): Promise<BenchResult> {
  const opt = (name: string, def: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] ?? def : def; };
  const n = { requests: Number(opt('requests', '100000')), units: Number(opt('units', '20000')), alarms: Number(opt('alarms', '150000')) };
  const runs = Number(opt('runs', '5'));
  const pgUrl = opt('pg', process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const isPglite = args.includes('--pglite');
  const { handle, drop } = isPglite ? await freshPglite() : await freshPostgres(pgUrl);
  try {
    const t0 = performance.now();
    await generate(handle.db, n);
    const generateSeconds = (performance.now() - t0) / 1000;
    const rows: BenchResult['rows'] = [];
    const query: Omit<ReportQuery, 'format'> = { from: '2025-01-01', to: '2025-12-31' };
    const only = opt('only', '').split(',').filter(Boolean);
    for (const name of REPORT_NAMES.filter((r) => !only.length || only.includes(r))) rows.push(...await timeReport(handle.db, name, query, runs));
    const worst = Math.max(...rows.map((r) => Number(r.max_ms)));
    return {
      name: 'reports', rows,
      notes: [
        `${isPglite ? 'PGlite (in memory)' : 'PostgreSQL'}; data: ${n.requests} requests, ${n.units} units, ${n.alarms} alarms, ~${Math.round(n.requests / 3)} orders, generated in ${generateSeconds.toFixed(1)} s`,
        `range 2025-01-01..2025-12-31, ${runs} runs per report and grouping; slowest single run ${worst} ms (target ≤ 2000 ms)`,
      ],
    };
  } finally {
    await handle.close();
    await drop();
  }
}

async function freshPglite() {
  const client = await createPglite();
  await migratePgliteClient(client);
  return { handle: await openDb({ pglite: client }), drop: async () => {} };
}

async function timeReport(db: Db, name: ReportName, base: Omit<ReportQuery, 'format'>, runs: number) {
  const d = REPORTS[name];
  const groupings = d.groupBys.length ? d.groupBys : [undefined];
  const out: BenchResult['rows'] = [];
  for (const groupBy of groupings) {
    const bucket = d.buckets.includes('week') ? 'week' : d.defaultBucket ?? undefined;
    const q = { ...base, ...(groupBy ? { groupBy } : {}), ...(bucket ? { bucket } : {}) };
    const times: number[] = [];
    let rowCount = 0;
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      rowCount = (await runReport(db, name, q)).rows.length;
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    out.push({ report: name, groupBy: groupBy ?? '-', bucket: bucket ?? '-', rows: rowCount, median_ms: Math.round(times[Math.floor(times.length / 2)]!), max_ms: Math.round(times.at(-1)!) });
  }
  return out;
}

/** The data set, generated inside the database (seeded random, so every run has the same one). */
async function generate(db: Db, n: { requests: number; units: number; alarms: number }) {
  const exec = (q: ReturnType<typeof sql>) => db.execute(q);
  await exec(sql`select setseed(0.42)`);
  await exec(sql`insert into teams (name, region, calendar) select 'Bench team ' || i, 'Region ' || (i % 8),
    '{"timeZone":"Europe/Berlin","weekdays":[1,2,3,4,5],"open":"08:00","close":"17:00","holidays":[]}'::jsonb from generate_series(1, 10) i`);
  await exec(sql`insert into users (email, name, role) select 'tech' || i || '@bench.local', 'Technician ' || i, 'technician' from generate_series(1, 60) i`);
  await exec(sql`insert into customers (name, country, region) select 'Customer ' || lpad(i::text, 5, '0'), 'DE', 'Region ' || (i % 8) from generate_series(1, 2000) i`);
  await exec(sql`insert into sites (customer_id, name, address, city, country, region) select id, 'Site', 'Street 1', 'City', 'DE', region from customers`);
  await exec(sql`insert into product_models (code, name, product_line) select 'M-' || lpad(i::text, 2, '0'), 'Model ' || i, 'Line ' || (i % 6) from generate_series(1, 40) i`);
  await exec(sql`insert into fault_codes (code, description, default_severity) select 'F' || i, 'Fault ' || i, 'major' from generate_series(1, 30) i`);
  await exec(sql`
    with m as (select array_agg(id order by code) a from product_models),
         c as (select array_agg(c.id order by c.name) ids, array_agg(s.id order by c.name) sites from customers c join sites s on s.customer_id = c.id)
    insert into assets (serial_number, model_id, customer_id, site_id, installed_at)
    select 'SN-' || g.i, m.a[1 + (g.i % 40)], c.ids[1 + (g.i % 2000)], c.sites[1 + (g.i % 2000)], date '2023-01-01' + (g.r * 1095)::int
    from (select i, random() r from generate_series(1, ${n.units}) i) g, m, c`);
  await exec(sql`
    with a as (select array_agg(id order by serial_number) ids, array_agg(customer_id order by serial_number) cs from assets),
         t as (select array_agg(id order by name) ids from teams)
    insert into service_requests (type, channel, priority, status, subject, customer_id, asset_id, team_id, created_at,
      response_due_at, first_responded_at, resolution_due_at, resolved_at)
    select x.type::request_type,
      (case when x.type = 'alarm' then 'mqtt' else (array['phone', 'email', 'web'])[1 + floor(g.r2 * 3)::int] end)::channel,
      (array['high', 'medium', 'normal', 'low'])[1 + floor(g.r3 * 4)::int]::priority,
      (case when g.r5 < 0.9 then 'closed' else 'in_progress' end)::request_status,
      'Bench request ' || g.i, a.cs[x.k], case when g.r8 < 0.85 then a.ids[x.k] end, t.ids[1 + floor(g.r9 * 10)::int], x.created,
      x.created + interval '4 hours', case when g.r4 < 0.95 then x.created + g.r4 * interval '8 hours' end,
      x.created + interval '2 days', case when g.r5 < 0.9 then x.created + g.r5 * interval '4 days' end
    from (select i, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6, random() r7, random() r8, random() r9
          from generate_series(1, ${n.requests}) i) g
    cross join a cross join t
    cross join lateral (select case when g.r6 < 0.08 then 'complaint' when g.r6 < 0.3 then 'alarm' else 'request' end as type,
      1 + floor(g.r7 * array_length(a.ids, 1))::int as k, timestamptz '2025-01-01 00:00Z' + g.r1 * interval '365 days' as created) x`);
  await exec(sql`
    with u as (select array_agg(id order by email) ids from users where role = 'technician')
    insert into service_orders (request_id, kind, priority, status, technician_id, created_at, due_at, on_site_due_at, completed_at)
    select r.id, (case when random() < 0.9 then 'corrective' else 'preventive' end)::order_kind, r.priority,
      (case when r.resolved_at is null then 'dispatched' else 'closed' end)::order_status, u.ids[1 + floor(random() * 60)::int],
      r.created_at + interval '1 hour', r.created_at + interval '3 days', r.created_at + interval '1 day',
      case when r.resolved_at is not null then r.resolved_at - interval '1 hour' end
    from service_requests r, u where r.asset_id is not null and random() < 0.35`);
  await exec(sql`insert into order_feedback (order_id, technician_id, work_done, fault_code, object_condition)
    select id, technician_id, 'done', 'F' || (1 + floor(random() * 30)::int), 'ok' from service_orders where completed_at is not null`);
  await exec(sql`insert into order_cost_lines (order_id, phase, category, description, part_number, quantity, unit_price_cents, currency, is_chargeable, created_at)
    select o.id, p.phase::cost_phase, 'parts', 'Part', 'P-' || (1 + floor(random() * 200)::int), 1 + floor(random() * 3), 1000 + floor(random() * 9000)::int, 'EUR', true, o.created_at
    from service_orders o cross join (values ('planned'), ('actual')) p(phase)`);
  await exec(sql`insert into audit_log (actor_type, action, entity, entity_id, changes, at)
    select 'user', 'transition', 'service_order', id::text, jsonb_build_object('from', 'completed', 'to', case when random() < 0.9 then 'accepted' else 'rejected' end), completed_at
    from service_orders where completed_at is not null`);
  await exec(sql`
    with a as (select array_agg(id order by serial_number) ids from assets)
    insert into alarms (asset_id, fault_code, severity, state, count, first_seen_at, last_seen_at, state_changed_at, flap_count, is_flapping)
    select a.ids[1 + floor(g.r1 * array_length(a.ids, 1))::int], 'F' || (1 + floor(power(g.r2, 2) * 30)::int), 'major', 'cleared', 1 + floor(g.r3 * 10)::int,
      x.ts, x.ts + interval '20 minutes', x.ts + interval '20 minutes', case when g.r4 < 0.03 then 1 + floor(g.r4 * 100)::int else 0 end, false
    from (select i, random() r1, random() r2, random() r3, random() r4, random() r5 from generate_series(1, ${n.alarms}) i) g
    cross join a cross join lateral (select timestamptz '2025-01-01 00:00Z' + g.r5 * interval '365 days' as ts) x`);
  await exec(sql`analyze`);
}
