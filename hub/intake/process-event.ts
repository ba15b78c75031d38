import { randomUUID } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { insertRows } from '../../db/insert-rows.js';
import { pipelined } from '../../db/pipelined.js';
import {
  auditLog, intakeReceipts, requestCategories, routingRules, serviceRequests, teams, timelineEntries,
} from '../../db/schema/index.js';
import type { DomainEvent } from '../contracts/domain-events.js';
import type { IntakeEvent, IntakeResult } from '../contracts/intake-event.js';
import { formatRequestNumber, type BusinessCalendar, type Priority } from '../contracts/model.js';
import { decideDedup } from '../dedup/match-request.js';
import { identify, type ContactCache, type Identity } from '../identify/identify.js';
import { BadRequest, Conflict } from '../platform/errors.js';
import { checkCustomFields } from '../requests/custom-fields.js';
import { toRequestSummary, toTimelineView } from '../requests/summary.js';
import { routeRequest } from '../routing/route.js';
import { ALWAYS_OPEN, DEFAULT_SLA, dueTimes } from '../sla/business-hours.js';
import { requestTimers } from '../sla/engine.js';
import { TimerService, type TimerItem, type TimerRef } from '../timers/timers.js';
import { recordInboundEmail, threadEmail } from '../mail/inbound.js';
import { noteOpenedRequests } from '../search/indexer.js';

const CLOSED = ['resolved', 'closed', 'closed_unresolved'] as const;

/** One intake event's effects, inside the batch's transaction (the caller wraps it in a savepoint). */
/** What one event leaves for after commit: domain events to number and publish, timers to arm. */
export interface Effects {
  events: DomainEvent[];
  timers: TimerRef[];
}

/** The routing rules and teams: read once per batch (one transaction), as they change rarely. */
interface Routing { rules: Array<typeof routingRules.$inferSelect>; defaultTeamId: string | null; calendars: Map<string, BusinessCalendar> }

export interface BatchContext {
  routing?: Promise<Routing>;
  /**
   * Receipt outcomes of the batch, written by one statement before the batch commits
   * (`settleReceipts`) instead of one update per event; a later event of the batch with the same
   * source key reads its answer here. Absent: each receipt is settled at once.
   */
  receipts?: Map<string, { channel: IntakeEvent['channel']; sourceKey: string; result: IntakeResult; owner: IntakeEvent }>;
  /** the batch's contacts by email, read at once (never in a batch with savepoints, see ContactCache) */
  contacts?: ContactCache;
  /**
   * Requests the batch opens, written together by `flushCreates` (three statements for the
   * batch instead of three per request). Only in a batch without savepoints. Absent: each
   * request is written at once.
   */
  creates?: PendingCreate[];
}

/** A request `create` has decided on but not written yet (see BatchContext.creates). */
interface PendingCreate {
  row: typeof serviceRequests.$inferInsert & { id: string };
  entry: typeof timelineEntries.$inferInsert;
  timers: TimerItem[];
  fx: Effects;
  /** what processIntakeEvent returned; its number is filled in when the request is written */
  result: { kind: 'created'; requestId: string; number: string };
}

/**
 * Writes what the batch has deferred: its new contacts, then its new requests with their
 * timeline entries and SLA timers. Call before anything reads or refers to them, and before
 * the batch commits.
 */
export async function flushCreates(tx: Tx, ctx: BatchContext): Promise<void> {
  const list = ctx.creates?.splice(0) ?? [];
  // the contacts are sent first: the requests refer to them
  await pipelined(ctx.contacts?.flush(tx) ?? Promise.resolve(), list.length ? writeCreates(tx, list) : Promise.resolve());
}

async function writeCreates(tx: Tx, list: PendingCreate[]): Promise<void> {
  // in one round trip, in this order (an entry and the timers refer to their request)
  const [requestRows, entryRows, timerRefs] = await pipelined(
    insertRows(tx, serviceRequests, list.map((p) => p.row)),
    insertRows(tx, timelineEntries, list.map((p) => p.entry)),
    TimerService.setMany(tx, list.flatMap((p) => p.timers)),
  );
  noteOpenedRequests(tx, requestRows); // their search documents need no read-back
  const rows = new Map(requestRows.map((r) => [r.id, r]));
  const entries = new Map(entryRows.map((e) => [e.requestId, e]));
  const refs = new Map(timerRefs.map((t) => [t.key, t]));
  for (const p of list) {
    const row = rows.get(p.row.id);
    const entry = entries.get(p.row.id);
    if (!row || !entry) throw new Error('a request of the batch was not written');
    p.result.number = formatRequestNumber(row.number);
    p.fx.events.push({ type: 'request.created', data: toRequestSummary(row) });
    p.fx.events.push({ type: 'request.timeline_added', data: toTimelineView(entry) });
    for (const t of p.timers) {
      const ref = refs.get(t.key);
      if (ref) p.fx.timers.push(ref);
    }
  }
}

const receiptKey = (channel: string, sourceKey: string) => `${channel}\u0000${sourceKey}`;

/** Writes the batch's receipt outcomes (see BatchContext.receipts); call before the batch commits. */
export async function settleReceipts(tx: Tx, ctx: BatchContext): Promise<void> {
  const rows = [...(ctx.receipts?.values() ?? [])].map((r) => ({
    channel: r.channel, source_key: r.sourceKey, request_id: r.result.requestId, outcome: r.result.kind,
  }));
  ctx.receipts?.clear();
  if (!rows.length) return;
  await tx.execute(sql`update ${intakeReceipts} r set request_id = x.request_id, outcome = x.outcome
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(channel channel, source_key text, request_id uuid, outcome text)
    where r.channel = x.channel and r.source_key = x.source_key`);
}

/** An event whose savepoint rolled back leaves no receipt: forget its pending outcome. */
export function forgetReceipt(ctx: BatchContext, ev: IntakeEvent): void {
  const key = ev.sourceKey ? receiptKey(ev.channel, ev.sourceKey) : null;
  if (key && ctx.receipts?.get(key)?.owner === ev) ctx.receipts.delete(key);
}

export async function processIntakeEvent(tx: Tx, original: IntakeEvent, fx: Effects, ctx: BatchContext = {}): Promise<IntakeResult> {
  const { events } = fx;
  let ev = original;
  if (ev.sourceKey) {
    const [receipt] = await tx.insert(intakeReceipts)
      .values({ channel: ev.channel, sourceKey: ev.sourceKey, outcome: 'pending', receivedAt: ev.receivedAt })
      .onConflictDoNothing()
      .returning({ id: intakeReceipts.id });
    if (!receipt) {
      await flushCreates(tx, ctx); // the first of the two may be waiting in this batch for its number
      return duplicateOf(tx, ev, ctx);
    }
  }
  // Email: threading (SR tag, In-Reply-To, References), noise and closed-request rules (hub/mail/inbound.ts).
  let evidence: string | null = null;
  if (ev.email) {
    await flushCreates(tx, ctx); // threading reads requests and contacts; the message row refers to them
    const thread = await threadEmail(tx, ev, ev.email, events);
    if (thread.kind === 'ignored') {
      await recordInboundEmail(tx, ev.email, thread.requestId, `ignored:${thread.reason}`);
      return settleReceipt(tx, ev, { kind: 'ignored', requestId: thread.requestId, number: null, reason: thread.reason }, ctx, original);
    }
    ev = thread.event;
    evidence = thread.evidence;
  }
  const who = await identify(tx, ev, ctx.contacts);
  const openForAsset = who.asset && !ev.attachToRequestId ? await lockAndFindOpen(tx, who.asset.id, ctx) : [];
  const decision = decideDedup({
    channel: ev.channel, attachToRequestId: ev.attachToRequestId ?? null, isForcedNew: ev.isForcedNew, openForAsset,
  });
  const result = decision.kind === 'attach'
    ? await attach(tx, ev, who, decision.requestId, evidence && evidence !== 'new' ? `email_${evidence}` : decision.reason, events)
    : await create(tx, ev, who, fx, ctx);
  if (ev.email) await recordInboundEmail(tx, ev.email, result.requestId, evidence === 'new' && result.kind === 'attached' ? 'open_request_for_asset' : evidence ?? 'new');
  await settleReceipt(tx, ev, result, ctx, original);
  if (ev.actor.type === 'user' || ev.actor.type === 'api_key') {
    await tx.insert(auditLog).values({
      actorType: ev.actor.type, actorId: ev.actor.id ?? null, action: result.kind === 'created' ? 'create' : 'attach',
      entity: 'service_request', entityId: result.requestId, changes: { channel: ev.channel, subject: ev.subject },
    });
  }
  return result;
}

/** `owner`: the event as the pipeline submitted it (forgetReceipt matches on it). */
async function settleReceipt(tx: Tx, ev: IntakeEvent, result: IntakeResult, ctx: BatchContext, owner: IntakeEvent): Promise<IntakeResult> {
  if (ev.sourceKey && ctx.receipts) {
    ctx.receipts.set(receiptKey(ev.channel, ev.sourceKey), { channel: ev.channel, sourceKey: ev.sourceKey, result, owner });
  } else if (ev.sourceKey) {
    await tx.update(intakeReceipts).set({ requestId: result.requestId, outcome: result.kind })
      .where(and(eq(intakeReceipts.channel, ev.channel), eq(intakeReceipts.sourceKey, ev.sourceKey)));
  }
  return result;
}

async function duplicateOf(tx: Tx, ev: IntakeEvent, ctx: BatchContext): Promise<IntakeResult> {
  // the first of the two came earlier in this batch: its outcome is not written yet
  const pending = ev.sourceKey ? ctx.receipts?.get(receiptKey(ev.channel, ev.sourceKey)) : undefined;
  if (pending) return { kind: 'duplicate', requestId: pending.result.requestId, number: pending.result.number };
  const [row] = await tx.select({ requestId: intakeReceipts.requestId, number: serviceRequests.number })
    .from(intakeReceipts)
    .leftJoin(serviceRequests, eq(serviceRequests.id, intakeReceipts.requestId))
    .where(and(eq(intakeReceipts.channel, ev.channel), eq(intakeReceipts.sourceKey, ev.sourceKey ?? '')));
  return {
    kind: 'duplicate',
    requestId: row?.requestId ?? null,
    number: row?.number != null ? formatRequestNumber(row.number) : null,
  };
}

/**
 * Two hubs taking a form and an email for the same unit at once must not open two requests:
 * a transaction-level advisory lock per asset serialises the look-up and the insert.
 */
async function lockAndFindOpen(tx: Tx, assetId: string, ctx: BatchContext) {
  await flushCreates(tx, ctx); // an earlier event of the batch may have opened one for this unit
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`asset:${assetId}`}, 0))`);
  return tx.select({ id: serviceRequests.id, createdAt: serviceRequests.createdAt }).from(serviceRequests)
    .where(and(eq(serviceRequests.assetId, assetId), sql`${serviceRequests.status} not in ${CLOSED}`,
      sql`${serviceRequests.mergedIntoId} is null`))
    .orderBy(desc(serviceRequests.createdAt)).limit(5);
}

async function attach(
  tx: Tx, ev: IntakeEvent, who: Identity, requestId: string, reason: string, events: DomainEvent[],
): Promise<IntakeResult> {
  const [target] = await tx.update(serviceRequests).set({ updatedAt: sql`now()` })
    .where(eq(serviceRequests.id, requestId)).returning();
  if (!target) throw new BadRequest('the request to attach to does not exist', { attachToRequestId: 'no such request' });
  if ((CLOSED as readonly string[]).includes(target.status)) {
    throw new Conflict(`${formatRequestNumber(target.number)} is ${target.status}; open a new request instead`, { status: target.status });
  }
  const [entry] = await tx.insert(timelineEntries).values({
    requestId, kind: ev.channel === 'phone' ? 'call' : ev.channel === 'email' ? 'email_in' : 'attached', actorType: ev.actor.type, actorId: ev.actor.id ?? null,
    body: ev.description ? `${ev.subject}\n\n${ev.description}` : ev.subject,
    data: { channel: ev.channel, reason, contactId: who.contactId, sourceKey: ev.sourceKey ?? null, ...ev.timelineData },
  }).returning();
  events.push({ type: 'request.duplicate_attached', data: { request: toRequestSummary(target), channel: ev.channel, reason } });
  if (entry) events.push({ type: 'request.timeline_added', data: toTimelineView(entry) });
  return { kind: 'attached', requestId, number: formatRequestNumber(target.number), reason };
}

async function create(tx: Tx, ev: IntakeEvent, who: Identity, fx: Effects, ctx: BatchContext): Promise<IntakeResult> {
  const customFields = await checkCategory(tx, ev);
  const priority: Priority = ev.priority ?? (ev.type === 'complaint' ? 'medium' : 'normal');
  const team = await routeToTeam(tx, ev, who, ctx);
  const calendar = team?.calendar ?? ALWAYS_OPEN;
  const due = dueTimes(ev.receivedAt, priority, who.contract?.sla ?? DEFAULT_SLA, calendar);
  const id = randomUUID();
  const pending: PendingCreate = {
    row: {
      id, type: ev.type, categoryId: ev.categoryId ?? null, channel: ev.channel, priority, subject: ev.subject,
      description: ev.description, customerId: who.customerId, contactId: who.contactId, assetId: who.asset?.id ?? null,
      contractId: who.contract?.id ?? null, warranty: who.warranty, teamId: team?.id ?? null, customFields,
      responseDueAt: due.responseDueAt, resolutionDueAt: due.resolutionDueAt, createdAt: ev.receivedAt, updatedAt: ev.receivedAt,
    },
    entry: {
      requestId: id, kind: 'created', actorType: ev.actor.type, actorId: ev.actor.id ?? null, body: ev.description,
      data: {
        channel: ev.channel, warranty: who.warranty, routedBy: team?.routedBy ?? 'unrouted',
        ...(who.unknownSerial ? { unknownSerial: who.unknownSerial } : {}),
        ...ev.timelineData,
      },
      createdAt: ev.receivedAt,
    },
    timers: requestTimers(id, ev.receivedAt, due, calendar),
    fx,
    result: { kind: 'created', requestId: id, number: '' },
  };
  if (ctx.creates && !ev.email) {
    ctx.creates.push(pending);
  } else {
    await flushCreates(tx, ctx); // what it refers to (its contact) first
    await writeCreates(tx, [pending]);
  }
  return pending.result;
}

async function checkCategory(tx: Tx, ev: IntakeEvent): Promise<Record<string, unknown>> {
  if (!ev.categoryId) {
    if (Object.keys(ev.customFields).length) throw new BadRequest('extra fields need a category', { categoryId: 'required with customFields' });
    return {};
  }
  const [cat] = await tx.select({ fields: requestCategories.fields, isActive: requestCategories.isActive })
    .from(requestCategories).where(eq(requestCategories.id, ev.categoryId));
  if (!cat || !cat.isActive) throw new BadRequest('unknown category', { categoryId: 'no such active category' });
  const checked = checkCustomFields(cat.fields, ev.customFields);
  if (!checked.ok) throw new BadRequest('some fields are not valid for this category', checked.fields);
  return checked.values;
}

/** The routing rules and teams, read once per batch (the pipeline reads them with the batch's contacts). */
export async function loadRouting(tx: Tx): Promise<Routing> {
  const [rules, allTeams] = await pipelined(
    tx.select().from(routingRules),
    tx.select({ id: teams.id, calendar: teams.calendar, isDefault: teams.isDefault }).from(teams),
  );
  return {
    rules, defaultTeamId: allTeams.find((t) => t.isDefault)?.id ?? null,
    calendars: new Map(allTeams.map((t) => [t.id, t.calendar])),
  };
}

async function routeToTeam(tx: Tx, ev: IntakeEvent, who: Identity, ctx: BatchContext) {
  ctx.routing ??= loadRouting(tx);
  const { rules, defaultTeamId, calendars } = await ctx.routing;
  const own = ev.teamId ? calendars.get(ev.teamId) : undefined;
  if (ev.teamId && own) return { id: ev.teamId, calendar: own, routedBy: 'source' };
  const decision = routeRequest(rules, {
    channel: ev.channel, type: ev.type, categoryId: ev.categoryId ?? null, faultCode: ev.faultCode ?? null, region: who.region,
  }, defaultTeamId);
  if (decision.kind === 'unrouted') return null;
  const calendar = calendars.get(decision.teamId);
  return calendar ? { id: decision.teamId, calendar, routedBy: decision.kind === 'rule' ? `rule:${decision.ruleId}` : 'default' } : null;
}

/** Opens a new request for an identified event (routing, SLA due times, timers): the alarm stage opens one per new alarm. */
export const openRequest = create;
