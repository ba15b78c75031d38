import { and, desc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { DbOrTx } from '../../db/client.js';
import { searchDocuments, serviceRequests } from '../../db/schema/index.js';
import type { SearchHit, SearchQuery, SearchResult } from '../contracts/api/search.js';
import { SEARCH_KINDS, type SearchKind } from './indexer.js';
import { parseJump, queryLexemes, snippet, toTsQuery, type Jump } from './text.js';

type Query = z.infer<typeof SearchQuery>;
type Hit = z.infer<typeof SearchHit>;
const d = searchDocuments;

/** Jump keys as the indexer writes them (hub/search/indexer.ts). */
function jumpKey(j: Jump): string {
  switch (j.kind) {
    case 'request-number': return `sr:${j.number}`;
    case 'order-number': return `wo:${j.number}`;
    case 'key': return j.key;
  }
}

/** How many of the newest documents a common word is looked for in before all its matches are sorted. */
const RECENT_WINDOW = 1000;

function filters(q: Query): SQL[] {
  const where: SQL[] = [];
  if (q.kind) where.push(eq(d.kind, q.kind));
  if (q.type) where.push(eq(d.type, q.type));
  if (q.channel) where.push(eq(d.channel, q.channel));
  if (q.status) where.push(eq(d.status, q.status));
  if (q.priority) where.push(eq(d.priority, q.priority));
  if (q.teamId) where.push(eq(d.teamId, q.teamId));
  if (q.customerId) where.push(eq(d.customerId, q.customerId));
  if (q.from) where.push(gte(d.createdAt, new Date(q.from)));
  if (q.to) where.push(lt(d.createdAt, new Date(q.to)));
  return where;
}

const cols = {
  kind: d.kind, id: d.entityId, title: d.title, body: d.body, requestId: d.requestId, customerId: d.customerId,
  status: d.status, priority: d.priority, createdAt: d.createdAt,
};

/** Which kind wins when one key names several things (a phone shared by a customer and its contact). */
const JUMP_ORDER: SearchKind[] = ['request', 'order', 'asset', 'contact', 'customer', 'article'];

/**
 * Ranked full-text search over the index (staff only: the route checks the permission). Every
 * query word must match as a word prefix; title matches come first, newer before older.
 */
export async function search(db: DbOrTx, q: Query): Promise<z.infer<typeof SearchResult>> {
  const words = queryLexemes(q.q);
  const keys = parseJump(q.q).map(jumpKey);
  const jumpRows = keys.length
    ? await db.select(cols).from(d).where(sql`${d.jumpKeys} && ${`{${keys.map((k) => `"${k.replace(/["\\]/g, '\\$&')}"`).join(',')}}`}::text[]`).limit(10)
    : [];
  jumpRows.sort((a, b) => JUMP_ORDER.indexOf(a.kind as SearchKind) - JUMP_ORDER.indexOf(b.kind as SearchKind));
  const jump = jumpRows[0];
  let rows: Array<typeof jumpRows[number] & { rank: number }> = [];
  // an exact number, serial or phone names what the agent wants: no text search behind it
  if (words.length && !jump) {
    const tsq = sql`${toTsQuery(words)}::tsquery`;
    // Two bounded passes instead of ranking every match (a common word matches half the
    // requests): matches with every word in the title, newest first, then the rest, newest
    // first. Each pass orders on keys only; the winners' text is read afterwards.
    const inTitle = sql`${d.titleTsv} @@ ${tsq}`;
    const keys = { kind: d.kind, id: d.entityId };
    // "+ interval '0'" keeps the planner off the created_at index: it misjudges how many rows a
    // prefix term matches, and walking the index for a rare word reads every row.
    const newestOf = (where: SQL[], limit: number) => db.select(keys).from(d).where(and(...where, ...filters(q)))
      .orderBy(sql`${d.createdAt} + interval '0 s' desc`).limit(limit);
    const first = await newestOf([inTitle], q.limit);
    let rest: Array<{ kind: string; id: string }> = [];
    if (first.length < q.limit) {
      const more = q.limit - first.length;
      const notTitle = [sql`${d.tsv} @@ ${tsq}`, sql`not (${inTitle})`];
      // A common word is found among the newest requests (or documents of the asked kind) quickly;
      // only when that window does not fill the page is every match sorted (then there are few).
      // So for a common word, other kinds show when their title matches (phase one).
      const r = db.select({ ...keys, createdAt: d.createdAt, tsv: d.tsv, titleTsv: d.titleTsv })
        .from(d).where(and(eq(d.kind, q.kind ?? 'request'), ...filters(q))).orderBy(desc(d.createdAt)).limit(RECENT_WINDOW).as('recent');
      rest = await db.select({ kind: r.kind, id: r.id }).from(r)
        .where(and(sql`${r.tsv} @@ ${tsq}`, sql`not (${r.titleTsv} @@ ${tsq})`))
        .orderBy(desc(r.createdAt)).limit(more);
      if (rest.length < more) rest = await newestOf(notTitle, more);
    }
    const top = [...first.map((t) => ({ ...t, rank: 1 })), ...rest.map((t) => ({ ...t, rank: 0.5 }))];
    if (top.length) {
      const docs = await db.select(cols).from(d)
        .where(sql`(${d.kind}, ${d.entityId}) in (${sql.join(top.map((t) => sql`(${t.kind}, ${t.id}::uuid)`), sql`, `)})`);
      const byKey = new Map(docs.map((x) => [`${x.kind}:${x.id}`, x]));
      rows = top.flatMap((t) => { const x = byKey.get(`${t.kind}:${t.id}`); return x ? [{ ...x, rank: t.rank }] : []; });
    }
  }
  const seen = new Set<string>();
  const items: Hit[] = [];
  for (const r of [...(jump ? [{ ...jump, rank: 1 }] : []), ...rows]) {
    const key = `${r.kind}:${r.id}`;
    if (seen.has(key) || items.length >= q.limit) continue;
    seen.add(key);
    const kind = SEARCH_KINDS.find((k) => k === r.kind)!;
    // the title is shown (and marked by the console) anyway: when only it matched, the snippet is the body's start
    const snip = snippet(r.body, words);
    items.push({
      kind, id: r.id, title: r.title, titleHighlights: snippet(r.title, words, r.title.length + 1).highlights, snippet: snip, requestId: r.requestId, customerId: r.customerId, status: r.status,
      priority: r.priority, createdAt: r.createdAt.toISOString(), rank: Math.round(r.rank * 1e4) / 1e4,
    });
  }
  await openingRequests(db, items);
  return { items, jump: jump ? { kind: items[0]!.kind, id: jump.id, requestId: items[0]!.requestId } : null };
}

/**
 * An asset, contact or customer result opens its newest request (the agent typed a serial to
 * reach the case): one look-up per kind for the page of results.
 */
async function openingRequests(db: DbOrTx, items: Hit[]) {
  const columns = { asset: serviceRequests.assetId, contact: serviceRequests.contactId, customer: serviceRequests.customerId } as const;
  for (const kind of ['asset', 'contact', 'customer'] as const) {
    const ids = items.filter((i) => i.kind === kind).map((i) => i.id);
    if (!ids.length) continue;
    const col = columns[kind];
    const rows = await db.selectDistinctOn([col], { owner: sql<string>`${col}`, id: serviceRequests.id }).from(serviceRequests)
      .where(inArray(col, ids)).orderBy(col, desc(serviceRequests.createdAt));
    const newest = new Map(rows.map((r) => [r.owner, r.id]));
    for (const i of items) if (i.kind === kind) i.requestId = newest.get(i.id) ?? null;
  }
}
