import { and, eq, inArray, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db, Tx } from '../../db/client.js';
import {
  auditLog, faultCodes, orderCostLines, orderFeedback, orderSignOffs, partsRequisitions, serviceOrders, timelineEntries,
  type FeedbackPhoto,
} from '../../db/schema/index.js';
import { PHOTO_MAX_BYTES, SIGNATURE_MAX_BYTES, type CostLineInput, type FeedbackBody, type FeedbackView, type SignOffBody } from '../contracts/api/orders.js';
import type { Principal } from '../auth/principal.js';
import type { EventBus } from '../events/bus.js';
import { commitWithEvents } from '../events/unit-of-work.js';
import { BadRequest, Conflict, NotFound } from '../platform/errors.js';
import { toTimelineView } from '../requests/summary.js';
import { decodeImage, storeOrderPhoto } from './attachments.js';
import { DEFAULT_CURRENCY, orderCurrency, replaceLines } from './estimate.js';
import { applyTransition, lockOrder, type Emit } from './lifecycle.js';
import { moverOf, toDetail } from './service.js';
import { toOrderSummary, type OrderRow } from './summary.js';
import { toRequisitionSummary } from './requisitions.js';

type Feedback = z.infer<typeof FeedbackBody>;
type LineInput = z.infer<typeof CostLineInput>;
const MAX_PHOTOS = 20;

/** Feedback and sign-off happen at the visit: by the order's technician (or a supervisor correcting it). */
async function lockForVisit(tx: Tx, p: Principal, id: string, what: string): Promise<OrderRow> {
  const cur = await lockOrder(tx, id);
  if (!cur || (p.role === 'technician' && cur.technicianId !== p.userId)) throw new NotFound('order', id);
  if (cur.status !== 'on_site' && cur.status !== 'completed') {
    throw new Conflict(`${what} is given on site or after completion; the order is ${cur.status}`, { status: cur.status, allowed: ['on_site', 'completed'] });
  }
  return cur;
}

/**
 * The technician's report: work done, confirmed fault code, parts used (the actual cost
 * lines), labour and travel, condition, photos. Parts that were missing become requisitions
 * (one open requisition per order and part number).
 */
export async function submitFeedback(db: Db, bus: EventBus, dataDir: string, p: Principal, id: string, f: Feedback): Promise<z.infer<typeof FeedbackView>> {
  const images = f.photos.map((ph, i) => decodeImage(ph.dataUrl, `photos.${i}.dataUrl`, PHOTO_MAX_BYTES));
  return commitWithEvents(db, bus, async (tx, emit) => {
    const order = await lockForVisit(tx, p, id, 'technical feedback');
    if (f.faultCode) {
      const [fc] = await tx.select({ id: faultCodes.id }).from(faultCodes).where(eq(faultCodes.code, f.faultCode));
      if (!fc) throw new BadRequest('unknown fault code', { faultCode: 'not in the fault-code table' });
    }
    const [previous] = await tx.select().from(orderFeedback).where(eq(orderFeedback.orderId, id));
    if ((previous?.photos.length ?? 0) + images.length > MAX_PHOTOS) throw new BadRequest('too many photos', { photos: `at most ${MAX_PHOTOS} per order` });
    await replaceLines(tx, order, 'actual', await actualLines(tx, order, f), (await orderCurrency(tx, id)) ?? DEFAULT_CURRENCY);
    // Files are written inside the transaction's span: a failed commit leaves only unreferenced files.
    const stored: FeedbackPhoto[] = [];
    for (const img of images) stored.push(await storeOrderPhoto(dataDir, id, img));
    const values = {
      technicianId: p.userId, workDone: f.workDone, faultCode: f.faultCode ?? null, failedComponent: f.failedComponent ?? null,
      objectCondition: f.objectCondition, labourHours: f.labour.hours, travelKm: f.travel?.quantity ?? 0,
      photos: [...(previous?.photos ?? []), ...stored], submittedAt: new Date(),
    };
    const [fb] = await tx.insert(orderFeedback).values({ orderId: id, ...values })
      .onConflictDoUpdate({ target: orderFeedback.orderId, set: values }).returning();
    const requisitionIds = await requisitionMissing(tx, emit, p, order, f.missingParts);
    const [row] = await tx.update(serviceOrders).set({ version: sql`${serviceOrders.version} + 1`, updatedAt: sql`now()` }).where(eq(serviceOrders.id, id)).returning();
    const summary = toOrderSummary(row!);
    const [entry] = await tx.insert(timelineEntries).values({
      requestId: order.requestId, kind: 'order', actorType: p.kind, actorId: p.id,
      body: `${summary.number} technical feedback: ${f.workDone}`,
      data: { orderId: id, number: summary.number, event: 'feedback', faultCode: f.faultCode ?? null, failedComponent: f.failedComponent ?? null, partsUsed: f.partsUsed.length, requisitionIds },
    }).returning();
    await tx.insert(auditLog).values({ actorType: p.kind, actorId: p.id, action: 'feedback', entity: 'service_order', entityId: id, changes: { ...f, photos: stored.map((s) => s.id) } });
    emit({ type: 'order.feedback_submitted', data: { order: summary, faultCode: f.faultCode ?? null, requisitionIds } });
    emit({ type: 'request.timeline_added', data: toTimelineView(entry!) });
    return toFeedbackView(fb!, requisitionIds);
  });
}

/** Labour and travel are priced at the rate given, else the estimate's rate for that category. */
async function actualLines(tx: Tx, order: OrderRow, f: Feedback) {
  const rateOf = async (category: 'labour' | 'travel', given: number | undefined, field: string) => {
    if (given !== undefined) return given;
    const [planned] = await tx.select({ unitPriceCents: orderCostLines.unitPriceCents }).from(orderCostLines)
      .where(and(eq(orderCostLines.orderId, order.id), eq(orderCostLines.phase, 'planned'), eq(orderCostLines.category, category))).limit(1);
    if (!planned) throw new BadRequest(`no ${category} rate: give ${field} or put a ${category} line on the estimate`, { [field]: 'required without an estimate' });
    return planned.unitPriceCents;
  };
  const lines: LineInput[] = f.partsUsed.map((pu) => ({ category: 'parts', description: pu.description, partNumber: pu.partNumber, quantity: pu.quantity, unitPriceCents: pu.unitPriceCents }));
  if (f.labour.hours > 0) {
    lines.push({ category: 'labour', description: 'labour', quantity: f.labour.hours, unitPriceCents: await rateOf('labour', f.labour.unitPriceCents, 'labour.unitPriceCents') });
  }
  if (f.travel && f.travel.quantity > 0) {
    lines.push({ category: 'travel', description: 'travel', quantity: f.travel.quantity, unitPriceCents: await rateOf('travel', f.travel.unitPriceCents, 'travel.unitPriceCents') });
  }
  return lines;
}

async function requisitionMissing(tx: Tx, emit: Emit, p: Principal, order: OrderRow, missing: Feedback['missingParts']): Promise<string[]> {
  if (!missing.length) return [];
  const open = await tx.select({ partNumber: partsRequisitions.partNumber }).from(partsRequisitions)
    .where(and(eq(partsRequisitions.orderId, order.id), inArray(partsRequisitions.status, ['open', 'ordered'])));
  const have = new Set(open.map((r) => r.partNumber));
  const fresh = missing.filter((m) => !have.has(m.partNumber));
  if (!fresh.length) return [];
  const rows = await tx.insert(partsRequisitions).values(fresh.map((m) => ({
    orderId: order.id, partNumber: m.partNumber, description: m.description, quantity: m.quantity, requestedBy: p.userId,
  }))).returning();
  for (const r of rows) emit({ type: 'requisition.created', data: toRequisitionSummary(r, order.requestId) });
  return rows.map((r) => r.id);
}

function toFeedbackView(fb: typeof orderFeedback.$inferSelect, requisitionIds: string[]): z.infer<typeof FeedbackView> {
  return {
    orderId: fb.orderId, technicianId: fb.technicianId, workDone: fb.workDone, faultCode: fb.faultCode, failedComponent: fb.failedComponent,
    objectCondition: fb.objectCondition, labourHours: fb.labourHours, travelKm: fb.travelKm,
    photos: fb.photos.map((ph) => ({ id: ph.id, contentType: ph.contentType, bytes: ph.bytes, url: `/api/orders/${fb.orderId}/photos/${ph.id}` })),
    requisitionIds, submittedAt: fb.submittedAt.toISOString(),
  };
}

export async function getFeedback(db: Db, orderId: string) {
  const [fb] = await db.select().from(orderFeedback).where(eq(orderFeedback.orderId, orderId));
  if (!fb) throw new NotFound('feedback of order', orderId);
  const reqs = await db.select({ id: partsRequisitions.id }).from(partsRequisitions).where(eq(partsRequisitions.orderId, orderId));
  return { row: fb, view: toFeedbackView(fb, reqs.map((r) => r.id)) };
}

/**
 * The customer signs on site: a typed name or a drawn PNG. It is the customer's acceptance;
 * an order already completed moves to accepted at once, one still on site when it completes.
 */
export async function signOff(db: Db, bus: EventBus, p: Principal, id: string, s: z.infer<typeof SignOffBody>) {
  if (s.signature.kind === 'drawn') decodeImage(s.signature.dataUrl, 'signature.dataUrl', SIGNATURE_MAX_BYTES);
  const signedAt = new Date(s.signedAt);
  if (signedAt.getTime() > Date.now() + 5 * 60_000) throw new BadRequest('signedAt is in the future', { signedAt: 'in the future' });
  return commitWithEvents(db, bus, async (tx, emit) => {
    const order = await lockForVisit(tx, p, id, 'the sign-off');
    const [done] = await tx.insert(orderSignOffs).values({
      orderId: id, name: s.name, signatureKind: s.signature.kind,
      signature: s.signature.kind === 'typed' ? s.signature.text : s.signature.dataUrl, signedAt, recordedBy: p.userId,
    }).onConflictDoNothing().returning();
    if (!done) throw new Conflict('the order is already signed off', { orderId: id });
    const accept = { acceptedAt: signedAt, acceptedVia: 'sign_off' };
    let row: OrderRow;
    if (order.status === 'completed') {
      row = await applyTransition(tx, emit, order, 'accepted', { ...moverOf(p), role: 'customer' }, undefined, accept);
    } else {
      [row] = (await tx.update(serviceOrders).set({ ...accept, version: sql`${serviceOrders.version} + 1`, updatedAt: sql`now()` })
        .where(eq(serviceOrders.id, id)).returning()) as [OrderRow];
    }
    const summary = toOrderSummary(row);
    const [entry] = await tx.insert(timelineEntries).values({
      requestId: order.requestId, kind: 'order', actorType: p.kind, actorId: p.id,
      body: `${summary.number} signed off by ${s.name}`,
      data: { orderId: id, number: summary.number, event: 'signed_off', name: s.name, signatureKind: s.signature.kind, signedAt: signedAt.toISOString() },
    }).returning();
    await tx.insert(auditLog).values({ actorType: p.kind, actorId: p.id, action: 'sign_off', entity: 'service_order', entityId: id, changes: { name: s.name, kind: s.signature.kind, signedAt: s.signedAt } });
    emit({ type: 'order.signed_off', data: { order: summary, name: s.name, signedAt: signedAt.toISOString() } });
    emit({ type: 'request.timeline_added', data: toTimelineView(entry!) });
    return toDetail(row, p);
  });
}
