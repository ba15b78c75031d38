import { describe, expect, it } from 'vitest';
import type { OrderKind } from '../contracts/model.js';
import type { WarrantyFacts } from '../identify/warranty.js';
import { decideCoverage, lineAmount, summarizeCosts, type CostLine } from './costs.js';

const contract = (coverage: string, validUntil = '2027-12-31') => ({ validFrom: '2025-01-01', validUntil, coverage });
const facts = (warrantyUntil: string | null, c: WarrantyFacts['contract'] = null): WarrantyFacts => ({ warrantyUntil, contract: c });

describe('decideCoverage: who pays parts, labour, travel', () => {
  it.each([
    // [facts, kind, on, basis, parts chargeable, labour chargeable, travel chargeable, case]
    [facts('2026-12-31'), 'corrective', '2026-11-23', 'warranty', false, false, false, 'unit in warranty'],
    [facts('2026-11-23'), 'corrective', '2026-11-23', 'warranty', false, false, false, 'last day of warranty is inclusive'],
    [facts('2026-11-22', contract('parts_and_labour')), 'corrective', '2026-11-23', 'contract', false, false, false, 'warranty over, full contract'],
    [facts('2026-01-01', contract('parts_only')), 'corrective', '2026-11-23', 'contract', false, true, true, 'parts-only contract'],
    [facts('2026-01-01', contract('labour_only')), 'corrective', '2026-11-23', 'contract', true, false, false, 'labour-only contract: travel goes with labour'],
    [facts('2026-01-01', contract('parts_and_labour', '2026-06-30')), 'corrective', '2026-11-23', 'none', true, true, true, 'contract expired'],
    [facts(null, contract('inspection_only')), 'preventive', '2026-11-23', 'maintenance_contract', true, false, false, 'inspection contract, preventive visit'],
    [facts(null, contract('inspection_only')), 'corrective', '2026-11-23', 'none', true, true, true, 'inspection contract does not cover repairs'],
    [facts(null), 'installation', '2026-11-23', 'none', true, true, true, 'no warranty, no contract'],
    [null, 'corrective', '2026-11-23', 'none', true, true, true, 'no unit known'],
  ] as const)('%o %s on %s → %s (%s/%s/%s)', (f, kind, on, basis, parts, labour, travel, _case) => {
    const d = decideCoverage(f as WarrantyFacts | null, kind as OrderKind, on);
    expect(d.basis).toBe(basis);
    expect(d.chargeable).toEqual({ parts, labour, travel });
  });
});

describe('summarizeCosts', () => {
  it('totals planned and actual per category, splits chargeable from covered, margin = planned − actual', () => {
    const lines: CostLine[] = [
      { phase: 'planned', category: 'parts', quantity: 2, unitPriceCents: 4_500, isChargeable: true },
      { phase: 'planned', category: 'labour', quantity: 1.5, unitPriceCents: 8_000, isChargeable: false },
      { phase: 'planned', category: 'travel', quantity: 40, unitPriceCents: 55, isChargeable: true },
      { phase: 'actual', category: 'parts', quantity: 3, unitPriceCents: 4_500, isChargeable: true },
      { phase: 'actual', category: 'labour', quantity: 2.25, unitPriceCents: 8_000, isChargeable: false },
      { phase: 'actual', category: 'travel', quantity: 38, unitPriceCents: 55, isChargeable: true },
    ];
    const s = summarizeCosts(lines);
    expect(s.categories.parts).toEqual({ plannedCents: 9_000, actualCents: 13_500, chargeableCents: 13_500, coveredCents: 0 });
    expect(s.categories.labour).toEqual({ plannedCents: 12_000, actualCents: 18_000, chargeableCents: 0, coveredCents: 18_000 });
    expect(s.categories.travel).toEqual({ plannedCents: 2_200, actualCents: 2_090, chargeableCents: 2_090, coveredCents: 0 });
    expect(s.totals).toEqual({ plannedCents: 23_200, actualCents: 33_590, chargeableCents: 15_590, coveredCents: 18_000, marginCents: -10_390 });
  });

  it.each([
    [1, 1999, 1999], [0.5, 1999, 1000], [1 / 3, 100, 33], [2.5, 1, 3],
  ])('rounds each line once: %d × %d¢ = %d¢', (quantity, unitPriceCents, expected) => {
    expect(lineAmount({ quantity, unitPriceCents })).toBe(expected);
  });

  it('is all zero without lines', () => {
    expect(summarizeCosts([]).totals).toEqual({ plannedCents: 0, actualCents: 0, chargeableCents: 0, coveredCents: 0, marginCents: 0 });
  });
});
