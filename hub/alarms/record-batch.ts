import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { anyOf } from '../../db/any.js';
import { insertRows } from '../../db/insert-rows.js';
import { columnsOf, statement } from '../../db/statement.js';
import type { Tx } from '../../db/client.js';
import {
  alarmOccurrences, alarms, deadLetters, devices, faultCodes, intakeReceipts, orderRules, serviceRequests, timelineEntries,
} from '../../db/schema/index.js';
import type { AlarmRepeat, DomainEvent } from '../contracts/domain-events.js';
import type { IntakeEvent } from '../contracts/intake-event.js';
import type { Severity } from '../contracts/model.js';
import { identify } from '../identify/identify.js';
import { flushCreates, openRequest, type BatchContext, type Effects } from '../intake/process-event.js';
import { createServiceOrders } from '../orders/create.js';
import { toRequestSummary, toTimelineView } from '../requests/summary.js';
import { slaOnReopen } from '../sla/pause.js';
import { deadLetterRow, type DeadLetterInput, type DeadLetterReason } from './dead-letters.js';
import { foldAlarm, minuteBuckets, priorityForSeverity, type AlarmDraft, type AlarmFacts, type AlarmMsg } from './lifecycle.js';
import { coversCode, matchOrderRule } from './order-rules.js';
import { toAlarmRepeat, toAlarmSummary, type AlarmRow } from './summary.js';

/** An alarm intake event and, for dead-lettering, the bytes it came from. */
export interface AlarmItem {
  ev: IntakeEvent & { alarm: NonNullable<IntakeEvent['alarm']>; deviceId: string; faultCode: string };
  raw?: { bytes: Buffer; meta: Record<string, unknown> };
}

export type AlarmOutcome =
  | { kind: 'recorded'; alarmId: string }
  | { kind: 'duplicate' }
  | { kind: 'dead_letter'; reason: DeadLetterReason; detail: string };

interface Keyed { item: AlarmItem; index: number; msg: AlarmMsg; assetId: string }

/**
 * Records a batch of alarm messages in the caller's transaction, set-based: receipts in one
 * statement (a redelivery changes nothing), the batch coalesced per (asset, fault code) and
 * folded in message-time order, alarms written in one upsert, the occurrence history in
 * another, a request only for a new alarm and an order only when a rule first matches.
 */
export async function recordAlarmBatch(tx: Tx, items: AlarmItem[], fx: Effects, opts: { flapWindowMs: number }): Promise<AlarmOutcome[]> {
  const outcomes: AlarmOutcome[] = new Array(items.length);
  const dead: DeadLetterInput[] = [];
  // Reads that depend on nothing go together: postgres.js pipelines statements issued at once on
  // the transaction's connection (one write, one wait), and PostgreSQL runs them in order.
  const [known, codes, rules] = await Promise.all([
    knownDevices(tx, items), faultCodeInfo(tx, items.map((i) => i.ev.faultCode)), activeOrderRules(tx),
  ]);
  const live: Array<{ item: AlarmItem; index: number; assetId: string }> = [];
  items.forEach((item, index) => {
    const d = known.get(item.ev.deviceId);
    if (d) return live.push({ item, index, assetId: d.assetId });
    const detail = `device ${item.ev.deviceId} is not registered or is revoked`;
    outcomes[index] = { kind: 'dead_letter', reason: 'unknown_device', detail };
    // A replay that fails again answers 409; its dead letter is already there.
    if (!item.raw?.meta.isReplay) dead.push({ source: 'mqtt', reason: 'unknown_device', detail, raw: item.raw?.bytes ?? Buffer.from(JSON.stringify(item.ev)), meta: item.raw?.meta ?? {} });
  });
  if (dead.length) await tx.insert(deadLetters).values(dead.map(deadLetterRow));
  if (!live.length) return outcomes;

  const keyedLive: Keyed[] = live.map((k) => {
    const a = k.item.ev.alarm;
    const severity: Severity = a.severity ?? codes.get(k.item.ev.faultCode)?.defaultSeverity ?? 'major';
    return { ...k, msg: { state: a.state, severity, at: a.occurredAt, message: a.message } };
  });
  // Receipts, then the per-key locks, then the current alarms, in one pipeline: the locks and
  // the read cover every live message (a redelivery's key too, which costs nothing), so they
  // need not wait for the receipts' answer.
  const [fresh, , current] = await Promise.all([
    takeReceipts(tx, live, outcomes),
    lockAlarmKeys(tx, keyedLive.map((k) => ({ assetId: k.assetId, faultCode: k.item.ev.faultCode }))),
    currentAlarms(tx, keyedLive, opts.flapWindowMs),
  ]);
  if (!fresh.length) return outcomes;
  const isFresh = new Set(fresh.map((f) => f.index));
  const groups = groupByAlarmKey(keyedLive.filter((k) => isFresh.has(k.index)));

  const written: Array<{ draft: AlarmDraft; id: string; group: Keyed[] }> = [];
  for (const [key, group] of groups) {
    group.sort((a, b) => a.msg.at.getTime() - b.msg.at.getTime());
    const cur = current.get(key);
    const drafts = foldAlarm(cur ? { id: cur.id, facts: cur } : null, group.map((g) => g.msg), opts.flapWindowMs);
    const owner = new Map<AlarmMsg, string>();
    for (const d of drafts) {
      const id = d.id ?? randomUUID();
      written.push({ draft: d, id, group });
      for (const m of d.recorded) owner.set(m, id);
    }
    for (const g of group) outcomes[g.index] = { kind: 'recorded', alarmId: owner.get(g.msg)! };
  }
  // the alarms the batch found, by id: what openRequests, alarmWrites, reopenRequests and openOrders look up
  const found = new Map([...current.values()].map((c) => [c.id, c]));
  const requestIds = await openRequests(tx, written, found, codes, fx);
  const writes = alarmWrites(written, found, requestIds, codes);
  // The alarms, their occurrence history and their timeline entries in one pipeline, in that order
  // (a history row needs its alarm): the entries are written from what the batch decided, so
  // they need not wait for the alarms' update to answer.
  const [rows] = await Promise.all([
    writeAlarms(tx, writes), writeOccurrences(tx, written), noteOnTimelines(tx, written, writes.decided, codes, fx),
  ]);
  await reopenRequests(tx, written, rows, found, fx);
  await openOrders(tx, written, rows, found, codes, rules, fx);
  emitAlarmEvents(written, rows, fx.events);
  return outcomes;
}

// The batch's statements are written as text once (db/statement.ts): drizzle's builder took
// 30-80 µs and a heap of garbage to build each of them again for every batch.
const deviceColumns = columnsOf(devices, ['id', 'assetId']);
const selectDevices = statement(`select ${deviceColumns.list} from "devices" where "id" = any($1::uuid[]) and "revoked_at" is null`);
const ruleColumns = columnsOf(orderRules);
const selectActiveRules = statement(`select ${ruleColumns.list} from "order_rules" where "is_active"`);
const codeColumns = columnsOf(faultCodes);
const selectCodes = statement(`select ${codeColumns.list} from "fault_codes" where "code" = any($1::text[])`);
const alarmColumns = columnsOf(alarms, undefined, { qualified: true });
// By the batch's (asset, fault code) pairs, not by its assets and its codes apart: in a storm
// whose batches touch most assets and codes, that cross product read every alarm of the fleet,
// cleared ones within the flapping window too, for a few hundred keys.
const selectCurrentAlarms = statement(`select ${alarmColumns.list},
    exists (select 1 from "service_orders" o where o."alarm_id" = "alarms"."id") as "has_order",
    exists (select 1 from "service_requests" r where r."id" = "alarms"."request_id" and r."status" = 'resolved') as "is_request_resolved"
  from unnest($1::uuid[], $2::text[]) as k("asset_id", "fault_code")
  join "alarms" on "alarms"."asset_id" = k."asset_id" and "alarms"."fault_code" = k."fault_code"
  where "alarms"."state" <> 'cleared' or "alarms"."state_changed_at" >= $3::timestamptz`);
const updateAlarms = statement(`update "alarms" set "state" = x."state", "severity" = x."severity", "message" = x."message",
  "count" = x."count", "first_seen_at" = x."firstSeenAt", "last_seen_at" = x."lastSeenAt", "state_changed_at" = x."stateChangedAt",
  "cleared_at" = x."clearedAt", "acknowledged_at" = x."acknowledgedAt", "acknowledged_by" = x."acknowledgedBy",
  "is_flapping" = x."isFlapping", "flap_count" = x."flapCount", "request_id" = x."requestId",
  "version" = "alarms"."version" + 1, "updated_at" = now()
  from jsonb_to_recordset($1::jsonb) as x("id" uuid, "state" alarm_state, "severity" severity, "message" text, "count" int,
    "firstSeenAt" timestamptz, "lastSeenAt" timestamptz, "stateChangedAt" timestamptz, "clearedAt" timestamptz,
    "acknowledgedAt" timestamptz, "acknowledgedBy" uuid, "isFlapping" boolean, "flapCount" int, "requestId" uuid)
  where "alarms"."id" = x."id"
  returning "alarms"."id"`);
const historyColumns = columnsOf(alarmOccurrences, ['alarmId', 'bucket', 'raises']);
const selectHistory = statement(`select ${historyColumns.list} from "alarm_occurrences" where "alarm_id" = any($1::uuid[])`);

async function knownDevices(tx: Tx, items: AlarmItem[]) {
  const rows = (await selectDevices(tx, [...new Set(items.map((i) => i.ev.deviceId))])).map(deviceColumns.read);
  return new Map(rows.map((r) => [r.id, r]));
}

/** `${deviceId}:${id}`: one row per device message id; the first delivery wins, in the batch and across hubs */
async function takeReceipts(tx: Tx, live: Array<{ item: AlarmItem; index: number; assetId: string }>, outcomes: AlarmOutcome[]) {
  const seen = new Set<string>();
  const keyed = live.map((l) => {
    const id = l.item.ev.alarm.messageId;
    const key = id ? `${l.item.ev.deviceId}:${id}` : null;
    const isRepeatInBatch = key !== null && seen.has(key);
    if (key) seen.add(key);
    if (isRepeatInBatch) outcomes[l.index] = { kind: 'duplicate' };
    return { ...l, key, isRepeatInBatch };
  }).filter((k) => !k.isRepeatInBatch);
  const keys = keyed.flatMap((k) => (k.key ? [{ key: k.key, at: k.item.ev.receivedAt }] : []));
  const taken = new Set<string>();
  if (keys.length) {
    const rows = await insertRows(tx, intakeReceipts,
      keys.map((k) => ({ channel: 'mqtt' as const, sourceKey: k.key, outcome: 'alarm', receivedAt: k.at })),
      { onConflict: 'on conflict do nothing', returning: ['sourceKey'] });
    for (const r of rows) taken.add(r.sourceKey);
  }
  return keyed.filter((k) => {
    if (k.key === null || taken.has(k.key)) return true;
    outcomes[k.index] = { kind: 'duplicate' };
    return false;
  });
}

async function activeOrderRules(tx: Tx) {
  return (await selectActiveRules(tx)).map(ruleColumns.read);
}
type OrderRuleRow = Awaited<ReturnType<typeof activeOrderRules>>[number];

async function faultCodeInfo(tx: Tx, codes: string[]) {
  const rows = (await selectCodes(tx, [...new Set(codes)])).map(codeColumns.read);
  return new Map(rows.map((r) => [r.code, r]));
}
type CodeInfo = Awaited<ReturnType<typeof faultCodeInfo>>;

/** the asset id is a fixed-length uuid, so the code after it cannot blur the key */
const alarmKey = (assetId: string, code: string) => `${assetId}|${code}`;

function groupByAlarmKey(keyed: Keyed[]) {
  const groups = new Map<string, Keyed[]>();
  for (const k of keyed) {
    const key = alarmKey(k.assetId, k.item.ev.faultCode);
    const g = groups.get(key);
    if (g) g.push(k); else groups.set(key, [k]);
  }
  return groups;
}

/**
 * Two hubs with messages for the same (asset, fault code) take turns: a transaction-level
 * advisory lock per key, taken in one order so they cannot deadlock. The partial unique index
 * stays the last word. A batch holds its keys from before it reads the alarms until it commits
 * what it decided from them; whatever else writes an alarm takes its key too (lockAlarm).
 */
export async function lockAlarmKeys(tx: Tx, keys: Array<{ assetId: string; faultCode: string }>) {
  await lockByKey(tx, [...new Set(keys.map((k) => `alarm:${alarmKey(k.assetId, k.faultCode)}`))]);
}
const lockByKey = statement(`select count(pg_advisory_xact_lock(h)) from (select hashtextextended(k, 0) as h from unnest($1::text[]) as k order by 1) as s`);

// the key lockAlarmKeys builds, from the alarm's row
const lockAlarmById = statement(`select pg_advisory_xact_lock(hashtextextended('alarm:' || "asset_id"::text || '|' || "fault_code", 0))
  from "alarms" where "id" = $1::uuid`);

/**
 * Waits for any batch that holds the alarm's key: without it, an acknowledgement committed between
 * a batch's read of the alarm and its write would be written over with what the batch had read.
 */
export async function lockAlarm(tx: Tx, alarmId: string): Promise<void> {
  await lockAlarmById(tx, alarmId);
}

/** An alarm as the batch found it, whether a rule has already opened its order, and whether its request was resolved. */
type CurrentAlarm = AlarmRow & { hasOrder: boolean; isRequestResolved: boolean };

/**
 * Per key: the open alarm, else the latest cleared one (a raise may reopen it, a late message may
 * belong to it). Read under the keys' locks, so `hasOrder` stays true to the end of the batch:
 * only a batch holding an alarm's key opens its order.
 */
async function currentAlarms(tx: Tx, keyed: Keyed[], flapWindowMs: number) {
  const earliest = Math.min(...keyed.map((k) => k.msg.at.getTime()));
  const pairs = [...new Map(keyed.map((k) => [alarmKey(k.assetId, k.item.ev.faultCode), k])).values()];
  const rows = (await selectCurrentAlarms(tx,
    pairs.map((k) => k.assetId), pairs.map((k) => k.item.ev.faultCode),
    new Date(earliest - flapWindowMs).toISOString(),
  )).map((r): CurrentAlarm => ({ ...alarmColumns.read(r), hasOrder: r.has_order === true, isRequestResolved: r.is_request_resolved === true }));
  const byKey = new Map<string, CurrentAlarm>();
  for (const r of rows) {
    const key = alarmKey(r.assetId, r.faultCode);
    const had = byKey.get(key);
    const isBetter = !had || (had.state === 'cleared' && (r.state !== 'cleared' || r.stateChangedAt > had.stateChangedAt));
    if (isBetter) byKey.set(key, r);
  }
  return byKey;
}

/** A request for every alarm that has a raise and none yet: a new alarm, or one whose clear overtook its raise. */
async function openRequests(
  tx: Tx, written: Array<{ draft: AlarmDraft; id: string; group: Keyed[] }>, found: Map<string, AlarmRow>, codes: CodeInfo, fx: Effects,
) {
  const ids = new Map<string, string>();
  // the new requests are decided one by one and written together (flushCreates)
  const ctx: BatchContext = { creates: [] };
  // Concurrently: postgres.js pipelines the statements on the transaction's connection, so a batch
  // with many new alarms does not pay a round trip per statement per request.
  await Promise.all(written.map(async (w) => {
    if ((w.draft.id && found.get(w.draft.id)?.requestId) || w.draft.facts.count === 0) return;
    const first = w.group[0]!.item.ev;
    const info = codes.get(first.faultCode);
    const ev: IntakeEvent = {
      ...first, type: 'alarm', priority: priorityForSeverity(w.draft.facts.severity),
      subject: `${first.faultCode} ${info?.description ?? 'unknown fault code'}`.slice(0, 300),
      description: w.draft.facts.message ?? '',
    };
    const who = await identify(tx, ev);
    if (who.asset) ev.subject = `${ev.subject} · ${who.asset.serialNumber}`.slice(0, 300);
    const res = await openRequest(tx, ev, who, fx, ctx);
    if (res.requestId) ids.set(w.id, res.requestId);
  }));
  await flushCreates(tx, ctx);
  return ids;
}

function toColumns(f: AlarmFacts) {
  return {
    state: f.state, severity: f.severity, message: f.message, count: f.count, firstSeenAt: f.firstSeenAt, lastSeenAt: f.lastSeenAt,
    stateChangedAt: f.stateChangedAt, clearedAt: f.clearedAt, acknowledgedAt: f.acknowledgedAt, acknowledgedBy: f.acknowledgedBy,
    isFlapping: f.isFlapping, flapCount: f.flapCount,
  };
}

/** An alarm as the batch leaves it, known before the write answers: what its timeline entries say. */
type DecidedAlarm = AlarmFacts & { id: string; faultCode: string; deviceId: string | null; requestId: string | null };

/**
 * The batch's alarm rows: updates of the alarms it found, inserts of the new ones, and each as
 * decided. An updated alarm's row is known without asking: what the batch read under its key's
 * lock, with the batch's facts and the next version (the update returns only its id, not the
 * 20 columns of a thousand rows for the hub to parse in a storm).
 */
function alarmWrites(
  written: Array<{ draft: AlarmDraft; id: string; group: Keyed[] }>, found: Map<string, CurrentAlarm>,
  requestIds: Map<string, string>, codes: CodeInfo,
) {
  const existing: Array<ReturnType<typeof toColumns> & { id: string; requestId: string | null }> = [];
  const updated = new Map<string, AlarmRow>();
  const added: Array<typeof alarms.$inferInsert> = [];
  const decided = new Map<string, DecidedAlarm>();
  const now = new Date();
  for (const w of written) {
    const had = w.draft.id ? found.get(w.id)! : null;
    const ev = w.group[0]!.item.ev;
    const requestId = had?.requestId ?? requestIds.get(w.id) ?? null;
    if (had) {
      const columns = { id: w.id, ...toColumns(w.draft.facts), requestId };
      existing.push(columns);
      const { hasOrder: _o, isRequestResolved: _r, ...row } = had;
      const after = { ...row, ...columns, version: had.version + 1, updatedAt: now };
      updated.set(w.id, after);
      decided.set(w.id, after);
    } else {
      const info = codes.get(ev.faultCode);
      const row = {
        id: w.id, assetId: w.group[0]!.assetId, deviceId: ev.deviceId, faultCode: ev.faultCode, faultCodeId: info?.id ?? null,
        isUnknownCode: !info, requestId, ...toColumns(w.draft.facts),
      };
      added.push(row);
      decided.set(w.id, row);
    }
  }
  return { existing, updated, added, decided };
}

/**
 * Existing alarms first (one may be cleared here before a new one for its key is inserted), then
 * the new ones: both statements are issued at once, so they go in one pipeline and run in order.
 */
async function writeAlarms(tx: Tx, writes: ReturnType<typeof alarmWrites>) {
  const [changed, inserted] = await Promise.all([
    // One JSON parameter for the whole batch: building a statement with a parameter per column
    // per row cost more CPU than the database spent running it (drizzle's SQL builder, profiled).
    writes.existing.length ? updateAlarms(tx, JSON.stringify(writes.existing)) : [],
    insertRows(tx, alarms, writes.added),
  ]);
  const rows = new Map<string, AlarmRow>();
  // an alarm gone meanwhile (its asset deleted) is updated by nobody: no row, no event
  for (const r of changed) rows.set(r.id as string, writes.updated.get(r.id as string)!);
  for (const r of inserted) rows.set(r.id, r);
  return rows;
}

async function writeOccurrences(tx: Tx, written: Array<{ draft: AlarmDraft; id: string }>) {
  const values = written.flatMap((w) => minuteBuckets(w.draft.recorded).map((b) => ({ alarmId: w.id, ...b })));
  if (!values.length) return;
  // the enum's order is critical < major < minor < warning: least() is the most severe
  await insertRows(tx, alarmOccurrences, values, {
    onConflict: `on conflict (alarm_id, bucket) do update set
      raises = alarm_occurrences.raises + excluded.raises, clears = alarm_occurrences.clears + excluded.clears,
      max_severity = coalesce(least(alarm_occurrences.max_severity, excluded.max_severity), alarm_occurrences.max_severity, excluded.max_severity)`,
    returning: [],
  });
}

/** One timeline entry per state change (raise, clear, reopen), never per repeat. */
async function noteOnTimelines(
  tx: Tx, written: Array<{ draft: AlarmDraft; id: string }>, decided: Map<string, DecidedAlarm>, codes: CodeInfo, fx: Effects,
) {
  const values = written.flatMap((w) => {
    const a = decided.get(w.id);
    if (!a?.requestId) return [];
    const name = `${a.faultCode} ${codes.get(a.faultCode)?.description ?? '(unknown code)'}`;
    return w.draft.transitions.map((t) => ({
      requestId: a.requestId!, kind: 'alarm' as const, actorType: 'device', actorId: a.deviceId,
      body: t === 'raised' ? `${name} raised (${a.severity})`
        : t === 'cleared' ? `${name} cleared after ${a.count} occurrence${a.count === 1 ? '' : 's'}`
          : `${name} raised again after its clear: flapping (${a.flapCount}×)`,
      data: { alarmId: a.id, event: t, severity: a.severity, count: a.count, at: (t === 'cleared' ? a.clearedAt ?? a.stateChangedAt : a.stateChangedAt).toISOString() },
    }));
  });
  if (!values.length) return;
  for (const e of await insertRows(tx, timelineEntries, values)) fx.events.push({ type: 'request.timeline_added', data: toTimelineView(e) });
}

/**
 * A flapping alarm's request was resolved meanwhile: it is not solved, so it goes back to work.
 * Whether it was resolved came with the alarm: most reopened alarms of a storm have their request
 * still open, and the batch need not ask again (the update checks once more).
 */
async function reopenRequests(
  tx: Tx, written: Array<{ draft: AlarmDraft; id: string }>, rows: Map<string, AlarmRow>, found: Map<string, CurrentAlarm>, fx: Effects,
) {
  const ids = written.filter((w) => found.get(w.id)?.isRequestResolved && w.draft.transitions.includes('reopened')).flatMap((w) => rows.get(w.id)?.requestId ?? []);
  if (!ids.length) return;
  const reopened = await tx.update(serviceRequests)
    .set({ status: 'in_progress', resolvedAt: null, version: sql`${serviceRequests.version} + 1`, updatedAt: new Date() })
    .where(and(anyOf(serviceRequests.id, ids, 'uuid'), eq(serviceRequests.status, 'resolved'))).returning();
  for (const r of reopened) await slaOnReopen(tx, r);
  for (const r of reopened) fx.events.push({ type: 'request.updated', data: { request: toRequestSummary(r), changed: ['status'] } });
}

/** Condition-based orders: exactly one per alarm, when a rule first matches its count, severity and window. */
async function openOrders(
  tx: Tx, written: Array<{ draft: AlarmDraft; id: string }>, rows: Map<string, AlarmRow>, found: Map<string, CurrentAlarm>,
  codes: CodeInfo, rules: OrderRuleRow[], fx: Effects,
) {
  if (!rules.length) return;
  // Most alarms of a storm have their order already: the batch read that with the alarm.
  const candidates = written.filter((w) => !found.get(w.id)?.hasOrder && (w.draft.raises > 0 || w.draft.isMoreSevere)
    && rows.get(w.id)?.state !== 'cleared' && rows.get(w.id)?.requestId).map((w) => rows.get(w.id)!);
  if (!candidates.length) return;
  // the occurrence history counts only for a rule with a window
  const windowed = candidates.filter((a) => rules.some((r) => r.windowMinutes && coversCode(r, a.faultCode))).map((a) => a.id);
  const history = windowed.length ? (await selectHistory(tx, windowed)).map(historyColumns.read) : [];
  const bucketsOf = new Map<string, typeof history>();
  for (const h of history) {
    const list = bucketsOf.get(h.alarmId);
    if (list) list.push(h); else bucketsOf.set(h.alarmId, [h]);
  }
  const orders = candidates.flatMap((a) => {
    const rule = matchOrderRule(rules, { ...a, buckets: bucketsOf.get(a.id) ?? [] });
    if (!rule) return [];
    const info = codes.get(a.faultCode);
    return [{
      requestId: a.requestId!, kind: rule.orderKind, priority: rule.priority ?? priorityForSeverity(a.severity),
      requiredSkill: info?.requiredSkill ?? null,
      description: `${a.faultCode} ${info?.description ?? '(unknown code)'}: ${a.count} occurrence${a.count === 1 ? '' : 's'}, ${a.severity} (rule ${rule.name})`,
      actor: { type: 'system' as const, id: `order-rule:${rule.id}` },
      extra: { alarmId: a.id, orderRuleId: rule.id },
    }];
  });
  // all of the batch's new orders at once: a storm's first batches open hundreds
  await createServiceOrders(tx, orders, (e) => fx.events.push(e));
}

/**
 * Transitions as they happened, each with the alarm's full snapshot; the batch's repeats in one
 * `alarm.repeated`, an entry per alarm with what a repeat changes.
 */
function emitAlarmEvents(written: Array<{ draft: AlarmDraft; id: string }>, rows: Map<string, AlarmRow>, events: DomainEvent[]) {
  const repeats: AlarmRepeat[] = [];
  for (const { draft: d, id } of written) {
    const row = rows.get(id);
    if (!row) continue;
    if (!d.transitions.length) {
      if (d.recorded.length) repeats.push(toAlarmRepeat(row));
      continue;
    }
    const alarm = toAlarmSummary(row);
    for (const t of d.transitions) {
      events.push(t === 'cleared' ? { type: 'alarm.cleared', data: { alarm } } : { type: 'alarm.raised', data: { alarm, reopened: t === 'reopened' } });
    }
  }
  if (repeats.length) events.push({ type: 'alarm.repeated', data: { alarms: repeats } });
}
