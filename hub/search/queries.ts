import { and, desc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { DbOrTx } from '../../db/client.js';
import { searchDocuments, searchTerms, serviceRequests } from '../../db/schema/index.js';
import type { SearchHit, SearchQuery, SearchResult } from '../contracts/api/search.js';
import { SEARCH_KINDS, type SearchKind } from './indexer.js';
import { isVocabularyWord, lexemes, matchRanges, parseJump, queryLexemes, snippet, toTsQuery, type Jump } from './text.js';

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

type Row = { kind: string; id: string; title: string; body: string; requestId: string | null; customerId: string | null; status: string | null; priority: string | null; createdAt: Date; rank: number };

/**
 * Ranked full-text search over the index (staff only: the route checks the permission). Every
 * query word must match as a word prefix; title matches come first, newer before older. When the
 * words find nothing, a word the index does not know is replaced by the nearest one it does
 * ("heizng" → "heizung", by trigram similarity) and the answer says so.
 */
export async function search(db: DbOrTx, q: Query): Promise<z.infer<typeof SearchResult>> {
  let words = queryLexemes(q.q);
  const keys = parseJump(q.q).map(jumpKey);
  const jumpRows = keys.length
    ? await db.select(cols).from(d).where(sql`${d.jumpKeys} && ${`{${keys.map((k) => `"${k.replace(/["\\]/g, '\\$&')}"`).join(',')}}`}::text[]`).limit(10)
    : [];
  jumpRows.sort((a, b) => JUMP_ORDER.indexOf(a.kind as SearchKind) - JUMP_ORDER.indexOf(b.kind as SearchKind));
  const jump = jumpRows[0];
  let rows: Row[] = [];
  let corrected: z.infer<typeof SearchResult>['corrected'] = null;
  // an exact number, serial or phone names what the agent wants: no text search behind it
  if (words.length && !jump) {
    rows = await textSearch(db, q, words);
    if (!rows.length) {
      const fixes = await corrections(db, words);
      if (fixes.size) {
        const fixed = words.map((w) => fixes.get(w) ?? w);
        const again = await textSearch(db, q, fixed);
        if (again.length) {
          rows = again;
          words = fixed;
          corrected = { query: correctedQuery(q.q, fixes), words: [...fixes].map(([from, to]) => ({ from, to })) };
        }
      }
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
      kind, id: r.id, title: r.title, titleHighlights: matchRanges(r.title, words), snippet: snip, requestId: r.requestId, customerId: r.customerId, status: r.status,
      priority: r.priority, createdAt: r.createdAt.toISOString(), rank: Math.round(r.rank * 1e4) / 1e4,
    });
  }
  await openingRequests(db, items);
  return { items, jump: jump ? { kind: items[0]!.kind, id: jump.id, requestId: items[0]!.requestId } : null, corrected };
}

/** The documents where every word matches as a prefix: title matches first, each group newest first. */
async function textSearch(db: DbOrTx, q: Query, words: string[]): Promise<Row[]> {
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
  if (!top.length) return [];
  const docs = await db.select(cols).from(d)
    .where(sql`(${d.kind}, ${d.entityId}) in (${sql.join(top.map((t) => sql`(${t.kind}, ${t.id}::uuid)`), sql`, `)})`);
  const byKey = new Map(docs.map((x) => [`${x.kind}:${x.id}`, x]));
  return top.flatMap((t) => { const x = byKey.get(`${t.kind}:${t.id}`); return x ? [{ ...x, rank: t.rank }] : []; });
}

/** How alike a typo and its correction must be (pg_trgm similarity, 0–1): one wrong letter in a 5-letter word is 0.5. */
const MIN_SIMILARITY = 0.4;

/**
 * For each query word that no indexed word starts with, the most similar word the vocabulary
 * knows (ties: the closer length, then alphabetical). A word that some indexed word starts with
 * is kept: it is spelled right and only the combination (or a filter) finds nothing.
 */
export async function corrections(db: DbOrTx, words: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const t = searchTerms;
  for (const w of words) {
    if (!isVocabularyWord(w)) continue;
    // LIKE, not a range: range bounds depend on the database's collation, and the trigram index
    // answers a prefix pattern (w is 4+ ASCII letters, so it holds no LIKE wildcard)
    const [known] = await db.select({ one: sql`1` }).from(t).where(sql`${t.term} like ${`${w}%`}`).limit(1);
    if (known) continue;
    const [best] = await db.select({ term: t.term }).from(t)
      .where(and(sql`${t.term} % ${w}`, sql`similarity(${t.term}, ${w}) >= ${MIN_SIMILARITY}`))
      .groupBy(t.term)
      .orderBy(sql`similarity(${t.term}, ${w}) desc`, sql`abs(length(${t.term}) - ${w.length})`, t.term)
      .limit(1);
    if (best) out.set(w, best.term);
  }
  return out;
}

/** The agent's query with each corrected word replaced, keeping the rest as typed ("Heizng fällt" → "Heizung fällt"). */
export function correctedQuery(q: string, fixes: Map<string, string>): string {
  return q.trim().split(/(\s+)/).map((token) => {
    const [word, ...more] = lexemes(token, true);
    const fix = word && !more.length ? fixes.get(word) : undefined;
    if (!fix) return token;
    // keep what surrounds the word ("(heizng)") and a capital first letter
    const m = /[\p{L}\p{N}]+/u.exec(token)!;
    const first = m[0][0]!;
    const cased = first !== first.toLowerCase() ? fix[0]!.toUpperCase() + fix.slice(1) : fix;
    return token.slice(0, m.index) + cased + token.slice(m.index + m[0].length);
  }).join('');
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
