import { and, desc, eq, inArray, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import {
  alarms, assets, faultCodes, knowledgeArticleCases, knowledgeArticleRevisions, knowledgeArticles, orderFeedback, productModels,
  serviceOrders, serviceRequests, timelineEntries,
} from '../../db/schema/index.js';
import type { Principal } from '../auth/principal.js';
import type { DomainEvent } from '../contracts/domain-events.js';
import {
  formatArticleNumber, type ArticleCreate, type ArticleUpdate, type ArticleCaseView, type ArticleSummaryView, type ArticleView,
  type ArticleSuggestionView, type PublicArticleView,
} from '../contracts/api/knowledge.js';
import { formatOrderNumber, formatRequestNumber } from '../contracts/model.js';
import { NotFound, StaleVersion } from '../platform/errors.js';
import { escapeLike } from '../provisioning/crud.js';
import { toTimelineView } from '../requests/summary.js';
import { indexEntities } from '../search/indexer.js';
import { articleSearchText, fold, plainAnswer, queryTerms, renderMarkdown, suggestionTerms } from './text.js';
import type { z } from '@hono/zod-openapi';

type ArticleRow = typeof knowledgeArticles.$inferSelect;
type Status = 'draft' | 'published' | 'archived';
type Visibility = 'internal' | 'public';

export interface ArticleFilter {
  q?: string;
  status?: Status;
  visibility?: Visibility;
  faultCode?: string;
  modelId?: string;
  tag?: string;
  limit: number;
}

/** The term occurs in the folded text (title, tags, codes, body): a plain substring match works on both drivers and for CJK. */
function hasTerm(t: string): SQL {
  return sql`${knowledgeArticles.searchText} like ${`%${escapeLike(t)}%`}`;
}

/** Every term must occur. */
function termsMatch(terms: string[]): SQL | undefined {
  return terms.length ? and(...terms.map(hasTerm)) : undefined;
}

/** Best match first (see relevance); without terms, the order stays as read. */
function rankByRelevance(rows: ArticleRow[], terms: string[]): ArticleRow[] {
  if (!terms.length) return rows;
  return rows.map((r) => ({ r, s: relevance(r, terms) })).sort((a, b) => b.s - a.s).map((x) => x.r);
}

/** Title hits count most, then how often the words occur; published beats draft. */
function relevance(a: ArticleRow, terms: string[]): number {
  const title = fold(a.title);
  let score = 0;
  for (const t of terms) {
    if (title.includes(t)) score += 5;
    score += Math.min(5, a.searchText.split(t).length - 1);
  }
  return score + (a.status === 'published' ? 1 : 0);
}

function toPublic(a: ArticleRow): z.infer<typeof PublicArticleView> {
  return {
    id: a.id, number: formatArticleNumber(a.number), title: a.title, tags: a.tags, excerpt: excerpt(a.body),
    bodyHtml: renderMarkdown(a.body), updatedAt: a.updatedAt.toISOString(),
  };
}

function excerpt(body: string): string {
  const text = plainAnswer(body).replace(/\s+/g, ' ');
  return text.length > 220 ? `${text.slice(0, 217)}…` : text;
}

function toSummary(a: ArticleRow, caseCount: number): z.infer<typeof ArticleSummaryView> {
  return {
    id: a.id, number: formatArticleNumber(a.number), title: a.title, tags: a.tags, faultCodes: a.faultCodes, modelIds: a.modelIds,
    visibility: a.visibility as Visibility, status: a.status as Status, version: a.version, excerpt: excerpt(a.body), caseCount,
    publishedAt: a.publishedAt?.toISOString() ?? null, updatedAt: a.updatedAt.toISOString(),
  };
}

async function caseCounts(db: DbOrTx, ids: string[]): Promise<Map<string, number>> {
  if (!ids.length) return new Map();
  const rows = await db.select({ articleId: knowledgeArticleCases.articleId, n: sql<number>`count(*)::int` })
    .from(knowledgeArticleCases).where(inArray(knowledgeArticleCases.articleId, ids)).groupBy(knowledgeArticleCases.articleId);
  return new Map(rows.map((r) => [r.articleId, r.n]));
}

async function writeRevision(tx: Tx, a: ArticleRow, editedBy: string | null, note: string | null) {
  await tx.insert(knowledgeArticleRevisions).values({
    articleId: a.id, version: a.version, title: a.title, body: a.body, tags: a.tags, faultCodes: a.faultCodes, modelIds: a.modelIds,
    visibility: a.visibility, status: a.status, editedBy, note,
  });
}

/** The knowledge base: articles with revisions, search, suggestions for a request, the public view. */
export class KnowledgeService {
  constructor(private readonly db: Db) {}

  async list(f: ArticleFilter): Promise<Array<z.infer<typeof ArticleSummaryView>>> {
    const terms = f.q ? queryTerms(f.q) : [];
    const where = and(
      f.status ? eq(knowledgeArticles.status, f.status) : ne(knowledgeArticles.status, 'archived'),
      f.visibility ? eq(knowledgeArticles.visibility, f.visibility) : undefined,
      f.faultCode ? sql`${knowledgeArticles.faultCodes} @> array[${f.faultCode}]::text[]` : undefined,
      f.modelId ? sql`${knowledgeArticles.modelIds} @> array[${f.modelId}]::uuid[]` : undefined,
      f.tag ? sql`${knowledgeArticles.tags} @> array[${f.tag}]::text[]` : undefined,
      termsMatch(terms),
    );
    // Candidates by recency, then ranked here: a knowledge base is thousands of articles, not millions.
    const rows = await this.db.select().from(knowledgeArticles).where(where)
      .orderBy(desc(knowledgeArticles.updatedAt)).limit(terms.length ? 500 : f.limit);
    const page = rankByRelevance(rows, terms).slice(0, f.limit);
    const counts = await caseCounts(this.db, page.map((r) => r.id));
    return page.map((r) => toSummary(r, counts.get(r.id) ?? 0));
  }

  async get(id: string): Promise<z.infer<typeof ArticleView>> {
    const [a] = await this.db.select().from(knowledgeArticles).where(eq(knowledgeArticles.id, id));
    if (!a) throw new NotFound('article', id);
    const cases = await this.db.select({
      c: knowledgeArticleCases, orderNumber: serviceOrders.number, requestNumber: serviceRequests.number,
    }).from(knowledgeArticleCases)
      .innerJoin(serviceOrders, eq(serviceOrders.id, knowledgeArticleCases.orderId))
      .innerJoin(serviceRequests, eq(serviceRequests.id, knowledgeArticleCases.requestId))
      .where(eq(knowledgeArticleCases.articleId, id)).orderBy(desc(knowledgeArticleCases.addedAt)).limit(200);
    const caseViews: Array<z.infer<typeof ArticleCaseView>> = cases.map(({ c, orderNumber, requestNumber }) => ({
      orderId: c.orderId, orderNumber: formatOrderNumber(orderNumber), requestId: c.requestId, requestNumber: formatRequestNumber(requestNumber),
      faultCode: c.faultCode, workDone: c.workDone, cause: c.cause, failedComponent: c.failedComponent, addedAt: c.addedAt.toISOString(),
    }));
    return {
      ...toSummary(a, caseViews.length), body: a.body, bodyHtml: renderMarkdown(a.body), answer: plainAnswer(a.body),
      cases: caseViews, createdAt: a.createdAt.toISOString(),
    };
  }

  async revisions(id: string) {
    const rows = await this.db.select().from(knowledgeArticleRevisions).where(eq(knowledgeArticleRevisions.articleId, id))
      .orderBy(desc(knowledgeArticleRevisions.version));
    if (!rows.length) {
      const [a] = await this.db.select({ id: knowledgeArticles.id }).from(knowledgeArticles).where(eq(knowledgeArticles.id, id));
      if (!a) throw new NotFound('article', id);
    }
    return rows.map((r) => ({ ...r, visibility: r.visibility as Visibility, status: r.status as Status, createdAt: r.createdAt.toISOString() }));
  }

  async create(p: Principal, input: z.infer<typeof ArticleCreate>): Promise<z.infer<typeof ArticleView>> {
    const id = await this.db.transaction(async (tx) => {
      const [a] = await tx.insert(knowledgeArticles).values({
        ...input, searchText: articleSearchText(input), createdBy: p.userId, updatedBy: p.userId,
      }).returning();
      await writeRevision(tx, a!, p.userId, 'created');
      await indexEntities(tx, 'article', [a!.id]);
      return a!.id;
    });
    return this.get(id);
  }

  async update(p: Principal, id: string, input: z.infer<typeof ArticleUpdate>): Promise<z.infer<typeof ArticleView>> {
    await this.db.transaction(async (tx) => {
      const cur = await lockArticle(tx, id, input.version);
      const { version: _v, note, ...changes } = input;
      const next = { ...cur, ...changes };
      const [a] = await tx.update(knowledgeArticles).set({
        ...changes, searchText: articleSearchText(next), updatedBy: p.userId, version: cur.version + 1, updatedAt: sql`now()`,
      }).where(eq(knowledgeArticles.id, id)).returning();
      await writeRevision(tx, a!, p.userId, note ?? null);
      await indexEntities(tx, 'article', [id]);
    });
    return this.get(id);
  }

  /** publish, archive, or back to draft; each is a revision */
  async setStatus(p: Principal, id: string, status: Status, version: number): Promise<z.infer<typeof ArticleView>> {
    await this.db.transaction(async (tx) => {
      const cur = await lockArticle(tx, id, version);
      const [a] = await tx.update(knowledgeArticles).set({
        status, updatedBy: p.userId, version: cur.version + 1, updatedAt: sql`now()`,
        ...(status === 'published' ? { publishedAt: sql`now()` } : {}),
      }).where(eq(knowledgeArticles.id, id)).returning();
      await writeRevision(tx, a!, p.userId, status);
      await indexEntities(tx, 'article', [id]);
    });
    return this.get(id);
  }

  /**
   * Published articles for a request: its fault codes (alarms, the technician's confirmed code)
   * weigh most, then its unit's model, then words of its subject and description.
   */
  async suggestForRequest(requestId: string, limit = 5): Promise<Array<z.infer<typeof ArticleSuggestionView>>> {
    const [req] = await this.db.select({ subject: serviceRequests.subject, description: serviceRequests.description, modelId: assets.modelId })
      .from(serviceRequests).leftJoin(assets, eq(assets.id, serviceRequests.assetId)).where(eq(serviceRequests.id, requestId));
    if (!req) throw new NotFound('request', requestId);
    const alarmCodes = await this.db.selectDistinct({ code: alarms.faultCode }).from(alarms).where(eq(alarms.requestId, requestId));
    const reportedCodes = await this.db.selectDistinct({ code: orderFeedback.faultCode }).from(orderFeedback)
      .innerJoin(serviceOrders, eq(serviceOrders.id, orderFeedback.orderId)).where(eq(serviceOrders.requestId, requestId));
    const codes = [...new Set([...alarmCodes, ...reportedCodes].map((r) => r.code).filter((c): c is string => !!c))];
    const terms = queryTerms(`${req.subject} ${req.description.slice(0, 500)}`).filter((t) => t.length >= 3 || /\p{Script=Han}/u.test(t));
    const anyOf: SQL[] = [];
    if (codes.length) anyOf.push(sql`${knowledgeArticles.faultCodes} && array[${sql.join(codes.map((c) => sql`${c}`), sql`, `)}]::text[]`);
    if (req.modelId) anyOf.push(sql`${knowledgeArticles.modelIds} @> array[${req.modelId}]::uuid[]`);
    anyOf.push(...terms.map(hasTerm));
    if (!anyOf.length) return [];
    const rows = await this.db.select().from(knowledgeArticles)
      .where(and(eq(knowledgeArticles.status, 'published'), sql`(${sql.join(anyOf, sql` or `)})`))
      .orderBy(desc(knowledgeArticles.updatedAt)).limit(300);
    const scored = rows.map((a) => {
      const reasons: string[] = [];
      let score = 0;
      const codeHits = a.faultCodes.filter((c) => codes.includes(c));
      if (codeHits.length) { score += 10; reasons.push(`fault code ${codeHits.join(', ')}`); }
      if (req.modelId && a.modelIds.includes(req.modelId)) { score += 4; reasons.push('same model'); }
      else if (req.modelId && a.modelIds.length) score -= 3; // written for other models
      const title = fold(a.title);
      const words = terms.filter((t) => a.searchText.includes(t));
      score += words.reduce((s, t) => s + (title.includes(t) ? 2 : 1), 0);
      if (words.length) reasons.push(`words: ${words.slice(0, 4).join(', ')}`);
      return { a, score, reasons };
    }).filter((x) => x.score >= 2).sort((x, y) => y.score - x.score).slice(0, limit);
    const counts = await caseCounts(this.db, scored.map((x) => x.a.id));
    return scored.map(({ a, reasons }) => ({ ...toSummary(a, counts.get(a.id) ?? 0), answer: plainAnswer(a.body), reasons }));
  }

  /**
   * Published public articles only. `all`: every word must match (a search box). `any`: what a
   * customer is typing into the form; an article needs two of its words, or one in its title.
   */
  async publicSearch(q: string | undefined, limit: number, match: 'all' | 'any' = 'all'): Promise<Array<z.infer<typeof PublicArticleView>>> {
    const isAny = match === 'any';
    const terms = q ? (isAny ? suggestionTerms(q) : queryTerms(q)) : [];
    if (isAny && !terms.length) return [];
    const textFilter = isAny ? or(...terms.map(hasTerm)) : termsMatch(terms);
    const rows = await this.db.select().from(knowledgeArticles)
      .where(and(eq(knowledgeArticles.status, 'published'), eq(knowledgeArticles.visibility, 'public'), textFilter))
      .orderBy(desc(knowledgeArticles.updatedAt)).limit(terms.length ? 200 : limit);
    const enough = (r: ArticleRow) => terms.filter((t) => r.searchText.includes(t)).length >= 2 || terms.some((t) => fold(r.title).includes(t));
    return rankByRelevance(isAny ? rows.filter(enough) : rows, terms).slice(0, limit).map(toPublic);
  }

  async publicGet(id: string): Promise<z.infer<typeof PublicArticleView>> {
    const [a] = await this.db.select().from(knowledgeArticles)
      .where(and(eq(knowledgeArticles.id, id), eq(knowledgeArticles.status, 'published'), eq(knowledgeArticles.visibility, 'public')));
    if (!a) throw new NotFound('article', id);
    return toPublic(a);
  }
}

async function lockArticle(tx: Tx, id: string, version: number): Promise<ArticleRow> {
  const [cur] = await tx.select().from(knowledgeArticles).where(eq(knowledgeArticles.id, id)).for('update');
  if (!cur) throw new NotFound('article', id);
  if (cur.version !== version) throw new StaleVersion('article', version, cur.version);
  return cur;
}

/**
 * A closed order with a confirmed fault code and a reported solution feeds the knowledge base:
 * the case joins the article for that fault code and model, or a new draft is written from it
 * for an editor to review. Runs in the closing transaction, so a rolled-back close drafts nothing.
 */
export async function draftFromClosedOrder(
  tx: Tx, emit: (e: DomainEvent) => void, order: { id: string; number: number; requestId: string; cause: string | null },
  actor: { type: string; id: string | null },
): Promise<{ articleId: string; isNew: boolean } | null> {
  const [fb] = await tx.select().from(orderFeedback).where(eq(orderFeedback.orderId, order.id));
  if (!fb?.faultCode || !fb.workDone.trim()) return null;
  const [req] = await tx.select({ subject: serviceRequests.subject, description: serviceRequests.description, modelId: assets.modelId, modelName: productModels.name })
    .from(serviceRequests).leftJoin(assets, eq(assets.id, serviceRequests.assetId)).leftJoin(productModels, eq(productModels.id, assets.modelId))
    .where(eq(serviceRequests.id, order.requestId));
  if (!req) return null;
  const modelId = req.modelId ?? null;
  // Two orders of one fault code and model closing at once: the second waits and joins the first's draft.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`kb:${fb.faultCode}:${modelId ?? '-'}`}, 0))`);
  const [existing] = await tx.select().from(knowledgeArticles).where(and(
    ne(knowledgeArticles.status, 'archived'),
    sql`${knowledgeArticles.faultCodes} @> array[${fb.faultCode}]::text[]`,
    modelId ? sql`${knowledgeArticles.modelIds} @> array[${modelId}]::uuid[]` : sql`cardinality(${knowledgeArticles.modelIds}) = 0`,
  )).orderBy(sql`${knowledgeArticles.status} = 'published' desc`, knowledgeArticles.createdAt).limit(1).for('update');

  let article = existing;
  if (!article) {
    const [code] = await tx.select({ description: faultCodes.description }).from(faultCodes).where(eq(faultCodes.code, fb.faultCode));
    const title = `${fb.faultCode}${code ? ` ${code.description}` : ''}${req.modelName ? ` — ${req.modelName}` : ''}`.slice(0, 200);
    const body = [
      '## Symptom', '', req.subject, ...(req.description.trim() ? ['', req.description.trim()] : []), '',
      ...(order.cause?.trim() || fb.failedComponent ? ['## Cause', '', order.cause?.trim() || `Failed component: ${fb.failedComponent}`, ''] : []),
      '## Solution', '', fb.workDone.trim(), '',
    ].join('\n');
    const values = { title, body, tags: fb.failedComponent ? [fb.failedComponent.slice(0, 40)] : [], faultCodes: [fb.faultCode], modelIds: modelId ? [modelId] : [] };
    [article] = await tx.insert(knowledgeArticles).values({ ...values, searchText: articleSearchText(values) }).returning();
    await writeRevision(tx, article!, null, `drafted from ${formatOrderNumber(order.number)}`);
    await indexEntities(tx, 'article', [article!.id]);
  }
  const added = await tx.insert(knowledgeArticleCases).values({
    articleId: article!.id, orderId: order.id, requestId: order.requestId, faultCode: fb.faultCode, workDone: fb.workDone,
    cause: order.cause, failedComponent: fb.failedComponent,
  }).onConflictDoNothing().returning();
  if (!added.length) return null;
  const ref = formatArticleNumber(article!.number);
  const [entry] = await tx.insert(timelineEntries).values({
    requestId: order.requestId, kind: 'order', actorType: actor.type, actorId: actor.id,
    body: existing ? `${formatOrderNumber(order.number)} added as a case to ${ref}` : `${formatOrderNumber(order.number)}: drafted ${ref} for the knowledge base`,
    data: { orderId: order.id, event: existing ? 'knowledge_case_added' : 'knowledge_drafted', articleId: article!.id, articleNumber: ref },
  }).returning();
  emit({ type: 'request.timeline_added', data: toTimelineView(entry!) });
  return { articleId: article!.id, isNew: !existing };
}
