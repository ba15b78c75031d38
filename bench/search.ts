import postgres from 'postgres';
import { SearchQuery } from '../hub/contracts/api/search.js';
import { backfillSearch } from '../hub/search/backfill.js';
import { search } from '../hub/search/queries.js';
import { openDb } from '../db/client.js';
import { freshPostgres } from './intake.js';
import { percentile, type BenchResult } from './lib.js';
import { generate, rng } from './search-data.js';

/**
 * Search at scale (issue 9): generates --requests (100,000) requests with --entries (1,000,000)
 * timeline entries, 5,000 customers and contacts and 50,000 assets on a fresh PostgreSQL
 * database, builds the index with the start-up backfill, then times each query type
 * (--runs, 100) through the same function GET /api/search calls. Target: p95 ≤ 100 ms.
 * Args: --requests N --entries N --runs N --pg URL (default local test server) --keep (leave the database)
 * --db URL (time the queries on a database a --keep run left; no generation).
 */
export async function run(args: string[]): Promise<BenchResult> {
  const opt = (name: string, def: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] ?? def : def; };
  const ds = { requests: Number(opt('requests', '100000')), entries: Number(opt('entries', '1000000')), customers: 5_000, assets: 50_000 };
  const runs = Number(opt('runs', '100'));
  const pgUrl = opt('pg', process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const log = (m: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);
  const reuse = opt('db', '');
  const { handle, url, drop } = reuse
    ? { handle: await openDb({ databaseUrl: reuse, maxConnections: 10 }), url: reuse, drop: async () => {} }
    : await freshPostgres(pgUrl);
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  try {
    let t0 = performance.now();
    const { assets, customers } = reuse
      ? { assets: await sql<Array<{ serial_number: string }>>`select serial_number from assets`, customers: await sql<Array<{ phone: string }>>`select phone from customers` }
      : await generate(sql, ds, log);
    const generateS = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const indexed = await backfillSearch(handle.db, 2000, (kind, done) => { if (done % 20_000 === 0) log(`indexed ${done} ${kind}s`); });
    const indexS = (performance.now() - t0) / 1000;
    await sql`vacuum analyze search_documents`;
    await sql`vacuum analyze search_terms`;
    const [size] = await sql`select pg_size_pretty(pg_total_relation_size('search_documents')) as s`;
    const [vocabulary] = await sql`select count(*)::int as n, pg_size_pretty(pg_total_relation_size('search_terms')) as s from search_terms`;
    log(`indexed ${indexed} documents in ${indexS.toFixed(0)} s (${size!.s})`);

    const r = rng(7);
    const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)]!;
    const [{ max }] = await sql`select max(number)::int as max from service_requests` as unknown as [{ max: number }];
    // four words of the generated vocabulary that are in the data (a made-up one would be typo-corrected)
    const synthetic = (await sql<Array<{ term: string }>>`select term from search_terms where length(term) >= 8 group by term order by md5(term) limit 4`).map((t) => t.term);
    const types: Array<[string, () => Record<string, string>]> = [
      ['common word (störung)', () => ({ q: pick(['Störung', 'storung', 'STÖRUNG']) })],
      ['two words, no diacritics', () => ({ q: pick(['blad czujnik', 'homerseklet erzekelo', 'warmepumpe storung']) })],
      ['Chinese 2-char word', () => ({ q: pick(['过热', '风扇', '水泵', '传感']) })],
      ['word prefix (3 chars)', () => ({ q: pick(['kält', 'sprę', 'szi', 'druck']) })],
      ['word + filters', () => ({ q: pick(['usterka', 'Wärmepumpe']), status: 'new', priority: 'high', from: '2025-03-01', to: '2025-09-01' })],
      ['synthetic word', () => ({ q: pick(synthetic) })],
      ['typo, corrected (storng)', () => ({ q: pick(['storng', 'warmepunpe', 'sprezrka', 'homersekelt', 'druckshalter']) })],
      ['no match, nothing near', () => ({ q: pick(['xylqvoph', 'qwzrtpfj', 'zzyzxwvq']) })],
      ['SR number (jump)', () => ({ q: `SR-${String(1 + Math.floor(r() * max)).padStart(6, '0')}` })],
      ['serial (jump)', () => ({ q: pick(assets).serial_number.toLowerCase() })],
      ['serial prefix', () => ({ q: pick(assets).serial_number.slice(0, 9) })],
      ['phone (jump)', () => ({ q: pick(customers).phone.replace(/^\+(\d\d)(\d{3})(\d{3})/, '+$1 $2 $3 ') })],
    ];
    const rows: BenchResult['rows'] = [];
    for (const [name, make] of types) {
      for (let i = 0; i < 5; i++) await search(handle.db, SearchQuery.parse(make()));
      const times: number[] = [];
      let hits = 0;
      let jumps = 0;
      let corrected = 0;
      for (let i = 0; i < runs; i++) {
        const q = SearchQuery.parse(make());
        const t = performance.now();
        const res = await search(handle.db, q);
        times.push(performance.now() - t);
        hits += res.items.length;
        if (res.jump) jumps++;
        if (res.corrected) corrected++;
      }
      times.sort((a, b) => a - b);
      rows.push({ query: name, runs, 'p50 ms': percentile(times, 50), 'p95 ms': percentile(times, 95), 'max ms': times[times.length - 1]!, 'avg hits': hits / runs, jumps, corrected });
    }
    return {
      name: 'search', rows,
      notes: [
        `PostgreSQL, ${ds.requests} requests, ${ds.entries} timeline entries, ${ds.customers} customers + contacts, ${ds.assets} assets; ${indexed} documents, index ${size!.s}; vocabulary ${vocabulary!.n} words (${vocabulary!.s})`,
        `generate ${generateS.toFixed(0)} s, index (start-up backfill) ${indexS.toFixed(0)} s; times are search() (SQL + snippets), without HTTP`,
      ],
    };
  } finally {
    await sql.end();
    await handle.close();
    if (!args.includes('--keep')) await drop();
  }
}
