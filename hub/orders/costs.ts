import type { CostCategory, OrderKind } from '../contracts/model.js';
import { decideWarranty, type WarrantyFacts } from '../identify/warranty.js';

export type CoverageBasis = 'warranty' | 'contract' | 'maintenance_contract' | 'none';

export interface CoverageDecision {
  basis: CoverageBasis;
  /** which categories the customer pays for */
  chargeable: Record<CostCategory, boolean>;
  explanation: string;
}

const ALL = (v: boolean): Record<CostCategory, boolean> => ({ parts: v, labour: v, travel: v });

/**
 * Whether parts, labour and travel are chargeable for work on `on` (YYYY-MM-DD): the unit's
 * warranty covers everything; a valid contract covers what its coverage says (travel goes with
 * labour: the visit is the labour's); an inspection-only contract covers the visit of a
 * preventive order but not parts. Nothing known: everything is chargeable.
 */
export function decideCoverage(facts: WarrantyFacts | null, kind: OrderKind, on: string): CoverageDecision {
  const verdict = decideWarranty(facts, on);
  if (verdict === 'in_warranty') return { basis: 'warranty', chargeable: ALL(false), explanation: `in warranty until ${facts!.warrantyUntil}` };
  const c = facts?.contract;
  const isValid = !!c && c.validFrom <= on && on <= c.validUntil;
  if (isValid && c.coverage === 'inspection_only' && kind === 'preventive') {
    return { basis: 'maintenance_contract', chargeable: { parts: true, labour: false, travel: false }, explanation: 'inspection-only contract covers the preventive visit, not parts' };
  }
  if (verdict === 'under_contract' && c) {
    const coversParts = c.coverage === 'parts_and_labour' || c.coverage === 'parts_only';
    const coversLabour = c.coverage === 'parts_and_labour' || c.coverage === 'labour_only';
    return {
      basis: 'contract',
      chargeable: { parts: !coversParts, labour: !coversLabour, travel: !coversLabour },
      explanation: `contract coverage ${c.coverage}`,
    };
  }
  return { basis: 'none', chargeable: ALL(true), explanation: facts ? 'out of warranty, no covering contract' : 'no unit on record: chargeable' };
}

export interface CostLine {
  phase: 'planned' | 'actual';
  category: CostCategory;
  quantity: number;
  unitPriceCents: number;
  isChargeable: boolean;
}

export interface CategoryTotals { plannedCents: number; actualCents: number; chargeableCents: number; coveredCents: number }

/** Money is integer cents: a line's amount is rounded once, then only summed. */
export function lineAmount(l: Pick<CostLine, 'quantity' | 'unitPriceCents'>): number {
  return Math.round(l.quantity * l.unitPriceCents);
}

/**
 * Planned vs actual per category; chargeable/covered split the actual costs (what is invoiced
 * and what warranty or contract carries). The margin is planned − actual.
 */
export function summarizeCosts(lines: CostLine[]) {
  const empty = (): CategoryTotals => ({ plannedCents: 0, actualCents: 0, chargeableCents: 0, coveredCents: 0 });
  const categories: Record<CostCategory, CategoryTotals> = { parts: empty(), labour: empty(), travel: empty() };
  const totals = empty();
  for (const l of lines) {
    const amount = lineAmount(l);
    for (const t of [categories[l.category], totals]) {
      if (l.phase === 'planned') { t.plannedCents += amount; continue; }
      t.actualCents += amount;
      if (l.isChargeable) t.chargeableCents += amount; else t.coveredCents += amount;
    }
  }
  return { categories, totals: { ...totals, marginCents: totals.plannedCents - totals.actualCents } };
}
