import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { freshPostgres } from './intake.js';
import { CLOCK_TICKS, cpuCount, cpuSnapshot, type BenchResult } from './lib.js';

/**
 * The public web form over HTTP: autocannon against POST /api/public/requests on a hub with
 * PostgreSQL, each submission from its own sender (a new contact and request each), then the
 * same hub's /healthz as the ceiling of the HTTP stack. The hub runs in its own process
 * (bench/webform-hub.ts); the rate limits are raised for the run. With --hubs N, N hub
 * processes share the database (scale-out, as behind a load balancer): the connections are
 * split evenly between them and the rows add them up. Two phases: flat out (each connection
 * sends again as soon as it is answered), then paced at --rate submissions/s in all, where
 * the target's p99 is judged. Before them a flat-out phase on the fresh database, then ANALYZE
 * (see the note in run).
 * Args: --seconds S (default 10) --connections C (default 50) --rate R (default 1000) --hubs N (default 1) --pg URL
 * --profile (writes a CPU profile of each hub to .tmp/profiles/).
 */
export async function run(args: string[]): Promise<BenchResult> {
  const opt = (name: string, def: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] ?? def : def; };
  const seconds = Number(opt('seconds', '10'));
  const connections = Number(opt('connections', '50'));
  const hubs = Math.max(1, Number(opt('hubs', '1')));
  const rate = Number(opt('rate', '1000'));
  const pgUrl = opt('pg', process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const db = await freshPostgres(pgUrl);
  await db.handle.close();
  const children: ChildProcess[] = [];
  try {
    // one after another: the first migrates the fresh database
    const bases: string[] = [];
    for (let h = 0; h < hubs; h++) {
      const child = fork(fileURLToPath(new URL('./webform-hub.ts', import.meta.url)), [], {
        env: { ...process.env, BENCH_HUB_DATABASE_URL: db.url },
        execArgv: ['--import', 'tsx', ...(args.includes('--profile') ? ['--cpu-prof', '--cpu-prof-dir=.tmp/profiles'] : [])],
      });
      children.push(child);
      const port = await new Promise<number>((resolve, reject) => {
        child.once('message', (m) => resolve((m as { port: number }).port));
        child.once('exit', (code) => reject(new Error(`hub ${h + 1} exited with ${code}`)));
      });
      bases.push(`http://127.0.0.1:${port}`);
    }
    let n = 0;
    const pids = children.map((ch) => ch.pid!);
    /** the hubs' intake batches so far (their /metrics): how many, and the events in them */
    const batches = async () => {
      let count = 0;
      let events = 0;
      for (const base of bases) {
        const text = await (await fetch(`${base}/metrics`)).text();
        count += Number(/^hub_intake_batch_size_count(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? 0);
        events += Number(/^hub_intake_batch_size_sum(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? 0);
      }
      return { count, events };
    };
    /** autocannon on every hub at once, the connections (and an offered rate) split between them; what it cost the hubs */
    const formPhase = async (rate: number | null) => {
      const b0 = await batches();
      const cpu0 = cpuSnapshot({ hubs: pids });
      const t0 = performance.now();
      const results = await Promise.all(bases.map((base) => cannon({
        url: `${base}/api/public/requests`, method: 'POST', connections: Math.max(1, Math.round(connections / hubs)), duration: seconds,
        ...(rate ? { overallRate: Math.round(rate / hubs) } : {}),
        headers: { 'content-type': 'application/json' },
        requests: [{
          setupRequest: (req) => {
            const i = n++;
            return { ...req, body: JSON.stringify({ subject: `Störung ${i}`, description: 'Gerät zeigt E101', name: `Kunde ${i}`, email: `bench${i}@example.com` }) };
          },
        }],
      })));
      const cpu1 = cpuSnapshot({ hubs: pids });
      const b1 = await batches();
      const elapsed = (performance.now() - t0) / 1000;
      const submitted = results.reduce((a, f) => a + f['2xx'], 0);
      const pct = (ticks: number) => Math.round((ticks / CLOCK_TICKS / elapsed) * 100);
      return {
        results,
        cpu: `the hub ${((cpu1.hubs - cpu0.hubs) * (1000 / CLOCK_TICKS) / Math.max(1, submitted)).toFixed(2)} ms of CPU per submission`
          + ` (${pct(cpu1.hubs - cpu0.hubs)}% of a core${hubs > 1 ? ', all hubs' : ''}), PostgreSQL ${pct(cpu1.pg - cpu0.pg)}%,`
          + ` machine busy ${Math.round(((cpu1.busy - cpu0.busy) / Math.max(1, cpu1.all - cpu0.all)) * 100)}% of its ${cpuCount()} cores;`
          + ` ${b1.count - b0.count} intake transactions of ${((b1.events - b0.events) / Math.max(1, b1.count - b0.count)).toFixed(1)} submissions on average`,
      };
    };
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    /** sequential scans so far of the tables every submission reads by key */
    const seqScans = async () => {
      const [r] = await sql<{ n: number }[]>`select coalesce(sum(seq_scan), 0)::int as n from pg_stat_user_tables where relname in ('contacts', 'service_requests')`;
      return r!.n;
    };
    // A fresh database has never been analyzed: the planner reads contacts and requests by
    // sequential scan until autovacuum's first ANALYZE (within a minute in service, but after
    // this whole run). The first phase shows that state; the measured ones follow an ANALYZE.
    const fresh = await formPhase(null);
    await sql`analyze`;
    const scans0 = await seqScans();
    const flat = await formPhase(null);
    const paced = await formPhase(rate);
    const scans = (await seqScans()) - scans0;
    const [created] = await sql<{ n: number }[]>`select count(*)::int as n from service_requests where channel = 'web'`;
    await sql.end();
    const health = await cannon({ url: `${bases[0]}/healthz`, connections, duration: seconds });
    const row = (name: string, r: autocannon.Result) => ({
      route: name, 'req/s (median)': r.requests.p50, 'req/s (mean)': Math.round(r.requests.average), '2xx': r['2xx'], non2xx: r.non2xx,
      'p50 ms': r.latency.p50, 'p99 ms': r.latency.p99,
    });
    const rowsOf = (label: string, forms: autocannon.Result[]) => (hubs === 1
      ? [row(`POST /api/public/requests, ${label}`, forms[0]!)]
      : [
        ...forms.map((f, h) => row(`POST /api/public/requests, ${label} (hub ${h + 1})`, f)),
        {
          route: `POST /api/public/requests, ${label} (${hubs} hubs)`,
          'req/s (median)': forms.reduce((a, f) => a + f.requests.p50, 0),
          'req/s (mean)': Math.round(forms.reduce((a, f) => a + f.requests.average, 0)),
          '2xx': forms.reduce((a, f) => a + f['2xx'], 0), non2xx: forms.reduce((a, f) => a + f.non2xx, 0),
          'p50 ms': Math.max(...forms.map((f) => f.latency.p50)), 'p99 ms': Math.max(...forms.map((f) => f.latency.p99)),
        },
      ]);
    return {
      name: 'webform',
      rows: [
        ...rowsOf('flat out, fresh database (not analyzed)', fresh.results),
        ...rowsOf('flat out', flat.results), ...rowsOf(`${rate}/s offered`, paced.results), row('GET /healthz', health),
      ],
      notes: [
        `PostgreSQL, ${connections} connections${hubs > 1 ? ` split over ${hubs} hub processes on one database (the ${hubs}-hub row: sums of the rates, the highest p50 and p99)` : ''}, ${seconds} s each; rate limits raised for the run (PUBLIC_RATE_IP_PER_MINUTE and PUBLIC_RATE_EMAIL_PER_HOUR = 100,000,000), memory counters (no REDIS_URL).`,
        `flat out: every connection sends its next submission as soon as the last is answered, so latency there is queueing (${connections} in flight); ${rate}/s offered: autocannon paces the same connections to ${rate} submissions/s in all, and a connection whose answer is late sends late (the rate reached is in the row)`,
        `${created?.n ?? 0} web requests in the database after the run (each submission a new sender, contact and request, with its acknowledgement in the outbox).`,
        `fresh database: the first phase runs on tables never analyzed, where PostgreSQL reads contacts and requests by sequential scan; then ANALYZE (autovacuum's work within a minute in service), and the measured phases made ${scans} sequential scans of those tables`,
        `fresh database: ${fresh.cpu}`,
        `flat out: ${flat.cpu}`,
        `${rate}/s offered: ${paced.cpu}`,
        'target: >= 1,000 submissions/s with p99 <= 50 ms',
      ],
    };
  } finally {
    await Promise.all(children.map((child) => new Promise((resolve) => {
      if (child.exitCode !== null) { resolve(null); return; }
      child.once('exit', resolve);
      child.send('stop');
    })));
    await db.drop();
  }
}

function cannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}
