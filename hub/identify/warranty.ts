import type { WarrantyVerdict } from '../contracts/model.js';

export interface WarrantyFacts {
  /** YYYY-MM-DD, inclusive */
  warrantyUntil: string | null;
  contract: { validFrom: string; validUntil: string; coverage: string } | null;
}

/**
 * Whether parts and labour are covered on `on` (a date, YYYY-MM-DD): the unit's own warranty
 * first, then a valid service contract that covers repairs. Unknown when there is no unit.
 */
export function decideWarranty(facts: WarrantyFacts | null, on: string): WarrantyVerdict {
  if (!facts) return 'unknown';
  if (facts.warrantyUntil && on <= facts.warrantyUntil) return 'in_warranty';
  const c = facts.contract;
  if (c && c.validFrom <= on && on <= c.validUntil && c.coverage !== 'inspection_only') return 'under_contract';
  return 'out_of_warranty';
}

export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}
