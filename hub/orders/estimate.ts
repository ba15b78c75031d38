import { and, asc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { DbOrTx, Tx } from '../../db/client.js';
import { assets, contracts, costTemplates, orderCostLines, serviceRequests } from '../../db/schema/index.js';
import type { CostLineInput, OrderCosts } from '../contracts/api/orders.js';
import type { CostPhase } from '../contracts/model.js';
import { isoDay } from '../identify/warranty.js';
import { BadRequest } from '../platform/errors.js';
import { decideCoverage, lineAmount, summarizeCosts, type CoverageDecision } from './costs.js';
import type { OrderRow } from './summary.js';

type LineInput = z.infer<typeof CostLineInput>;
export const DEFAULT_CURRENCY = 'EUR';

/** Warranty and contract of the order's unit (the request's contract when the unit has none), decided for `on`. */
export async function coverageFor(tx: DbOrTx, order: Pick<OrderRow, 'requestId' | 'kind'>, on = new Date()): Promise<CoverageDecision> {
  const [r] = await tx.select({ assetId: serviceRequests.assetId, requestContractId: serviceRequests.contractId, warrantyUntil: assets.warrantyUntil, assetContractId: assets.contractId })
    .from(serviceRequests).leftJoin(assets, eq(assets.id, serviceRequests.assetId)).where(eq(serviceRequests.id, order.requestId));
  const contractId = r?.assetContractId ?? r?.requestContractId ?? null;
  const [c] = contractId
    ? await tx.select({ validFrom: contracts.validFrom, validUntil: contracts.validUntil, coverage: contracts.coverage }).from(contracts).where(eq(contracts.id, contractId))
    : [];
  const facts = r?.assetId || c ? { warrantyUntil: r?.warrantyUntil ?? null, contract: c ?? null } : null;
  return decideCoverage(facts, order.kind, isoDay(on));
}

/** The currency an order's lines are kept in: the first line's (one currency per order). */
export async function orderCurrency(tx: DbOrTx, orderId: string): Promise<string | null> {
  const [l] = await tx.select({ currency: orderCostLines.currency }).from(orderCostLines).where(eq(orderCostLines.orderId, orderId)).limit(1);
  return l?.currency ?? null;
}

/** Replaces the order's lines of one phase, each marked chargeable or covered. */
export async function replaceLines(tx: Tx, order: OrderRow, phase: CostPhase, lines: LineInput[], currency: string) {
  const [other] = await tx.select({ currency: orderCostLines.currency }).from(orderCostLines)
    .where(and(eq(orderCostLines.orderId, order.id), eq(orderCostLines.phase, phase === 'planned' ? 'actual' : 'planned'))).limit(1);
  if (other && other.currency !== currency) {
    throw new BadRequest(`the order's costs are kept in ${other.currency}`, { currency: `expected ${other.currency}` });
  }
  const coverage = await coverageFor(tx, order);
  await tx.delete(orderCostLines).where(and(eq(orderCostLines.orderId, order.id), eq(orderCostLines.phase, phase)));
  if (!lines.length) return;
  await tx.insert(orderCostLines).values(lines.map((l) => ({
    orderId: order.id, phase, category: l.category, description: l.description, partNumber: l.partNumber ?? null,
    quantity: l.quantity, unitPriceCents: l.unitPriceCents, currency, isChargeable: coverage.chargeable[l.category],
  })));
}

/** The estimate (planned lines): a template's lines and/or lines given by hand. */
export async function applyEstimate(tx: Tx, order: OrderRow, e: { templateId?: string | undefined; lines?: LineInput[] | undefined; currency?: string | undefined }) {
  let lines: LineInput[] = [];
  let currency = e.currency;
  if (e.templateId) {
    const [t] = await tx.select().from(costTemplates).where(eq(costTemplates.id, e.templateId));
    if (!t) throw new BadRequest('unknown cost template', { templateId: 'no such template' });
    if (currency && currency !== t.currency) throw new BadRequest('the template is in another currency', { currency: `template is ${t.currency}` });
    currency = t.currency;
    lines = [...t.lines];
  }
  lines.push(...(e.lines ?? []));
  await replaceLines(tx, order, 'planned', lines, currency ?? (await orderCurrency(tx, order.id)) ?? DEFAULT_CURRENCY);
}

/** Planned vs actual per category, with chargeable and covered, for GET /orders/:id/costs. */
export async function orderCosts(db: DbOrTx, order: OrderRow): Promise<z.infer<typeof OrderCosts>> {
  const rows = await db.select().from(orderCostLines).where(eq(orderCostLines.orderId, order.id))
    .orderBy(asc(orderCostLines.phase), asc(orderCostLines.createdAt), asc(orderCostLines.id));
  const coverage = await coverageFor(db, order);
  const s = summarizeCosts(rows);
  return {
    orderId: order.id, currency: rows[0]?.currency ?? DEFAULT_CURRENCY, coverage: coverage.explanation,
    categories: s.categories, totals: s.totals,
    lines: rows.map((l) => ({
      id: l.id, phase: l.phase, category: l.category, description: l.description, partNumber: l.partNumber, quantity: l.quantity,
      unitPriceCents: l.unitPriceCents, currency: l.currency, isChargeable: l.isChargeable, amountCents: lineAmount(l),
    })),
  };
}

/** Adds a template's lines to the estimate (a bundled maintenance visit), keeping what is there. */
export async function appendPlannedLines(tx: Tx, order: OrderRow, templateId: string) {
  const [t] = await tx.select().from(costTemplates).where(eq(costTemplates.id, templateId));
  if (!t || !t.lines.length) return;
  const currency = (await orderCurrency(tx, order.id)) ?? t.currency;
  // One currency per order: a template in another currency is left out rather than mixed in.
  if (currency !== t.currency) return;
  const coverage = await coverageFor(tx, order);
  await tx.insert(orderCostLines).values(t.lines.map((l) => ({
    orderId: order.id, phase: 'planned' as const, category: l.category, description: l.description, partNumber: l.partNumber ?? null,
    quantity: l.quantity, unitPriceCents: l.unitPriceCents, currency, isChargeable: coverage.chargeable[l.category],
  })));
}
