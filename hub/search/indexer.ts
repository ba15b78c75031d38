import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { anyOf } from '../../db/any.js';
import { insertRows } from '../../db/insert-rows.js';
import { pipelined } from '../../db/pipelined.js';
import type { DbOrTx, Tx } from '../../db/client.js';
import {
  assets, contacts, customers, knowledgeArticles, productModels, searchDocuments, searchTerms, serviceOrders, serviceRequests, timelineEntries,
} from '../../db/schema/index.js';
import { formatArticleNumber } from '../contracts/api/knowledge.js';
import type { LoggedEvent } from '../contracts/domain-events.js';
import { formatOrderNumber as orderNumber, formatRequestNumber as requestNumber } from '../contracts/model.js';
import { isVocabularyWord, lexemes, phoneKeys, phoneLexemes, serialKey } from './text.js';

export const SEARCH_KINDS = ['request', 'customer', 'contact', 'asset', 'order', 'article'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

/** A document written again replaces the old one's text and filter columns. */
const UPSERT_DOCUMENT = `on conflict (kind, entity_id) do update set ${
  ['title', 'body', 'jump_keys', 'tsv', 'title_tsv', 'type', 'channel', 'status', 'priority', 'team_id', 'customer_id', 'request_id', 'updated_at']
    .map((c) => `${c} = excluded.${c}`).join(', ')}`;

/** The snippet source is cut here; lexemes come from up to MAX_TEXT characters. */
const MAX_BODY = 4000;
const MAX_TEXT = 100_000;

interface Doc {
  kind: SearchKind; entityId: string; title: string; body: string; titleWords: string[]; bodyWords: string[];
  jumpKeys: string[]; type?: string | null; channel?: string | null; status?: string | null; priority?: string | null;
  teamId?: string | null; customerId?: string | null; requestId?: string | null; createdAt: Date;
}

const joinText = (parts: Array<string | null | undefined>) => parts.filter((p) => p && p.trim()).join('\n');

async function requestDocs(db: DbOrTx, ids: string[]): Promise<Doc[]> {
  // both at once: postgres.js pipelines them (one round trip)
  const [rows, entries] = await Promise.all([
    db.select().from(serviceRequests).where(anyOf(serviceRequests.id, ids, 'uuid')),
    db.select({ requestId: timelineEntries.requestId, body: timelineEntries.body }).from(timelineEntries)
      .where(and(anyOf(timelineEntries.requestId, ids, 'uuid'), ne(timelineEntries.kind, 'alarm')))
      .orderBy(asc(timelineEntries.requestId), asc(timelineEntries.createdAt), asc(timelineEntries.seq)),
  ]);
  if (!rows.length) return [];
  const bodies = new Map<string, string[]>();
  const descriptions = new Map(rows.map((r) => [r.id, r.description.trim()]));
  // the "created" entry often repeats the description: index (and show) it once
  for (const e of entries) if (e.body && e.body.trim() !== descriptions.get(e.requestId)) (bodies.get(e.requestId) ?? bodies.set(e.requestId, []).get(e.requestId)!).push(e.body);
  return rows.map((r) => requestDoc(r, bodies.get(r.id) ?? []));
}

/** `notes`: the timeline entries' texts besides the description */
function requestDoc(r: RequestRow, notes: string[]): Doc {
  const number = requestNumber(r.number);
  const text = joinText([r.description, ...notes]).slice(0, MAX_TEXT);
  return {
    kind: 'request', entityId: r.id, title: `${number} ${r.subject}`, body: text.slice(0, MAX_BODY),
    titleWords: [...lexemes(r.subject), number.toLowerCase(), String(r.number)], bodyWords: lexemes(text),
    jumpKeys: [`sr:${r.number}`], type: r.type, channel: r.channel, status: r.status, priority: r.priority,
    teamId: r.teamId, customerId: r.customerId, requestId: r.id, createdAt: r.createdAt,
  };
}

type RequestRow = typeof serviceRequests.$inferSelect;

/**
 * Requests a transaction has just opened, as it wrote them (the intake batch's writeCreates).
 * Their only timeline entry is then the "created" one, which repeats the description, so
 * indexFromEvents builds their documents from these rows instead of reading them back; a
 * request with any other event in the transaction is read as usual. Keyed by the transaction
 * object: a savepoint's rows are never taken for its parent's.
 */
const opened = new WeakMap<object, Map<string, RequestRow>>();

export function noteOpenedRequests(tx: Tx, rows: RequestRow[]): void {
  const known = opened.get(tx) ?? new Map<string, RequestRow>();
  for (const r of rows) known.set(r.id, r);
  opened.set(tx, known);
}

async function orderDocs(db: DbOrTx, ids: string[]): Promise<Doc[]> {
  const rows = await db.select({ o: serviceOrders, customerId: serviceRequests.customerId, teamId: serviceRequests.teamId })
    .from(serviceOrders).innerJoin(serviceRequests, eq(serviceRequests.id, serviceOrders.requestId))
    .where(anyOf(serviceOrders.id, ids, 'uuid'));
  return rows.map(({ o, customerId, teamId }) => {
    const number = orderNumber(o.number);
    const text = joinText([o.description, o.cause, o.requiredSkill]);
    return {
      kind: 'order', entityId: o.id, title: `${number} ${o.kind}`, body: text.slice(0, MAX_BODY),
      titleWords: [number.toLowerCase(), String(o.number), ...lexemes(o.kind)], bodyWords: lexemes(text),
      jumpKeys: [`wo:${o.number}`], status: o.status, priority: o.priority, teamId, customerId, requestId: o.requestId,
      createdAt: o.createdAt,
    };
  });
}

async function customerDocs(db: DbOrTx, ids: string[]): Promise<Doc[]> {
  const rows = await db.select().from(customers).where(anyOf(customers.id, ids, 'uuid'));
  return rows.map((c) => {
    const body = joinText([c.email, c.phone, c.externalRef, c.region, c.country, c.notes]);
    return {
      kind: 'customer', entityId: c.id, title: c.name, body: body.slice(0, MAX_BODY), titleWords: lexemes(c.name),
      bodyWords: [...lexemes(body), ...phoneLexemes(c.phone)], jumpKeys: phoneKeys(c.phone), customerId: c.id,
      createdAt: c.createdAt,
    };
  });
}

async function contactDocs(db: DbOrTx, ids: string[]): Promise<Doc[]> {
  const rows = await db.select({ c: contacts, customerName: customers.name }).from(contacts)
    .leftJoin(customers, eq(customers.id, contacts.customerId)).where(anyOf(contacts.id, ids, 'uuid'));
  return rows.map(({ c, customerName }) => {
    const body = joinText([c.email, c.phone, customerName]);
    return {
      kind: 'contact', entityId: c.id, title: c.name, body, titleWords: lexemes(c.name),
      bodyWords: [...lexemes(body), ...phoneLexemes(c.phone)], jumpKeys: phoneKeys(c.phone), customerId: c.customerId,
      createdAt: c.createdAt,
    };
  });
}

async function assetDocs(db: DbOrTx, ids: string[]): Promise<Doc[]> {
  const rows = await db.select({ a: assets, model: productModels, customerName: customers.name }).from(assets)
    .innerJoin(productModels, eq(productModels.id, assets.modelId)).innerJoin(customers, eq(customers.id, assets.customerId))
    .where(anyOf(assets.id, ids, 'uuid'));
  return rows.map(({ a, model, customerName }) => {
    const body = joinText([`${model.code} ${model.name}`, model.productLine, model.manufacturer, customerName]);
    return {
      kind: 'asset', entityId: a.id, title: `${a.serialNumber} · ${model.name}`, body, titleWords: lexemes(a.serialNumber),
      bodyWords: lexemes(body), jumpKeys: [serialKey(a.serialNumber)], customerId: a.customerId, createdAt: a.createdAt,
    };
  });
}

/** Knowledge-base articles: found by the same search (their status goes in the status filter column). */
async function articleDocs(db: DbOrTx, ids: string[]): Promise<Doc[]> {
  const rows = await db.select().from(knowledgeArticles).where(anyOf(knowledgeArticles.id, ids, 'uuid'));
  return rows.map((a) => {
    const number = formatArticleNumber(a.number);
    const text = joinText([a.tags.join(' '), a.faultCodes.join(' '), a.body]).slice(0, MAX_TEXT);
    return {
      kind: 'article', entityId: a.id, title: `${number} ${a.title}`, body: a.body.slice(0, MAX_BODY),
      titleWords: [...lexemes(a.title), number.toLowerCase(), ...a.faultCodes.flatMap((c) => lexemes(c))], bodyWords: lexemes(text),
      jumpKeys: [], status: a.status, createdAt: a.createdAt,
    };
  });
}

const builders: Record<SearchKind, (db: DbOrTx, ids: string[]) => Promise<Doc[]>> = {
  request: requestDocs, order: orderDocs, customer: customerDocs, contact: contactDocs, asset: assetDocs, article: articleDocs,
};

/** A tsvector literal of these lexemes; quoted, so the tsvector parser takes each as it is (no locale rules). */
export function tsvectorText(words: Iterable<string>): string {
  return [...new Set(words)].map((w) => `'${w.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`).join(' ');
}


/**
 * (Re)writes the search documents of these entities from their rows, in the caller's
 * transaction; an entity that no longer exists loses its document.
 */
export async function indexEntities(db: DbOrTx, kind: SearchKind, ids: string[]): Promise<void> {
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 500) await indexChunk(db, kind, unique.slice(i, i + 500));
}

async function indexChunk(db: DbOrTx, kind: SearchKind, ids: string[]) {
  if (!ids.length) return;
  await writeDocs(db, kind, ids, await builders[kind](db, ids));
}

/** Writes these documents, and removes those of the ids that have none (the entity is gone). */
async function writeDocs(db: DbOrTx, kind: SearchKind, ids: string[], docs: Doc[]) {
  const found = new Set(docs.map((d) => d.entityId));
  const gone = ids.filter((id) => !found.has(id));
  if (!docs.length) {
    await removeDocuments(db, kind, gone);
    return;
  }
  const rows = docs.map((d) => ({
    kind: d.kind, entityId: d.entityId, title: d.title, body: d.body, jumpKeys: d.jumpKeys,
    tsv: tsvectorText([...d.titleWords, ...d.bodyWords]), titleTsv: tsvectorText(d.titleWords),
    type: d.type ?? null, channel: d.channel ?? null, status: d.status ?? null, priority: d.priority ?? null,
    teamId: d.teamId ?? null, customerId: d.customerId ?? null, requestId: d.requestId ?? null, createdAt: d.createdAt,
    updatedAt: new Date(),
  }));
  // one round trip for the three
  await pipelined(
    removeDocuments(db, kind, gone),
    insertRows(db, searchDocuments, rows, { onConflict: UPSERT_DOCUMENT, returning: [] }),
    addTerms(db, docs.flatMap((d) => [...d.titleWords, ...d.bodyWords])),
  );
}

/** Adds the words the vocabulary lacks (typo correction, hub/search/queries.ts); never waits for another transaction. */
export async function addTerms(db: DbOrTx, words: string[]): Promise<void> {
  const terms = [...new Set(words.filter(isVocabularyWord))];
  if (!terms.length) return;
  await db.execute(sql`insert into ${searchTerms} (term)
    select w from jsonb_array_elements_text(${JSON.stringify(terms)}::jsonb) as w
    where not exists (select 1 from ${searchTerms} t where t.term = w)`);
}

export async function removeDocuments(db: DbOrTx, kind: SearchKind, ids: string[]): Promise<void> {
  if (ids.length) await db.delete(searchDocuments).where(and(eq(searchDocuments.kind, kind), anyOf(searchDocuments.entityId, ids, 'uuid')));
}

/** Request fields that are only filters: a change of these updates the row's columns, not its text. */
const FILTER_ONLY = new Set(['status', 'priority', 'teamId', 'assigneeId', 'team', 'assignee', 'warranty']);

/**
 * The transactional reactor: the events a transaction logged say which documents changed. An
 * alarm repeat logs no request event, so an alarm storm touches no document.
 */
export async function indexFromEvents(tx: Tx, events: LoggedEvent[]): Promise<void> {
  const requests = new Set<string>();
  /** requests with an event besides their opening: never indexed from the row alone (see noteOpenedRequests) */
  const isChanged = new Set<string>();
  const changed = (...ids: string[]) => { for (const id of ids) { requests.add(id); isChanged.add(id); } };
  const filterOnly = new Map<string, { status: string; priority: string; teamId: string | null }>();
  const orders = new Set<string>();
  for (const e of events) {
    switch (e.type) {
      case 'request.created': requests.add(e.data.id); break;
      case 'request.updated':
        isChanged.add(e.data.request.id);
        if (e.data.changed.every((c) => FILTER_ONLY.has(c))) filterOnly.set(e.data.request.id, e.data.request);
        else requests.add(e.data.request.id);
        break;
      // An alarm's note says its fault code and description, which the request's subject holds,
      // and "raised" or "cleared": re-reading and rewriting the request's document for it on
      // every raise and clear of a storm would buy no word a search could use.
      case 'request.timeline_added':
        if (e.data.kind === 'created') requests.add(e.data.requestId);
        else if (e.data.kind !== 'alarm') changed(e.data.requestId);
        break;
      case 'request.duplicate_attached': changed(e.data.request.id); break;
      case 'request.merged': changed(e.data.request.id, e.data.into.id); break;
      case 'request.split': changed(e.data.request.id, e.data.created.id); break;
      case 'order.created': orders.add(e.data.id); break;
      case 'order.updated': case 'order.status_changed': orders.add(e.data.order.id); break;
      default: break;
    }
  }
  for (const [id, r] of filterOnly) {
    if (requests.has(id)) continue;
    await tx.update(searchDocuments).set({ status: r.status, priority: r.priority, teamId: r.teamId, updatedAt: new Date() })
      .where(and(eq(searchDocuments.kind, 'request'), eq(searchDocuments.entityId, id)));
  }
  const known = opened.get(tx);
  opened.delete(tx);
  const fresh = [...requests].flatMap((id) => { const r = known?.get(id); return r && !isChanged.has(id) ? [r] : []; });
  const freshIds = new Set(fresh.map((r) => r.id));
  await pipelined(
    fresh.length ? writeDocs(tx, 'request', [...freshIds], fresh.map((r) => requestDoc(r, []))) : Promise.resolve(),
    indexEntities(tx, 'request', [...requests].filter((id) => !freshIds.has(id))),
  );
  await indexEntities(tx, 'order', [...orders]);
}
