import { describe, expect, it } from 'vitest';
import { decideWarranty, type WarrantyFacts } from './warranty.js';
import { normalizePhone } from './identify.js';

const contract = (coverage: string, validFrom = '2025-01-01', validUntil = '2026-12-31') => ({ coverage, validFrom, validUntil });

describe('decideWarranty', () => {
  it.each<[string, WarrantyFacts | null, string]>([
    ['no unit identified', null, 'unknown'],
    ['within the unit warranty', { warrantyUntil: '2026-11-23', contract: null }, 'in_warranty'],
    ['warranty expired, no contract', { warrantyUntil: '2026-11-22', contract: null }, 'out_of_warranty'],
    ['warranty expired, valid full contract', { warrantyUntil: '2025-01-01', contract: contract('parts_and_labour') }, 'under_contract'],
    ['warranty expired, labour-only contract still covers', { warrantyUntil: null, contract: contract('labour_only') }, 'under_contract'],
    ['an inspection-only contract does not cover repairs', { warrantyUntil: null, contract: contract('inspection_only') }, 'out_of_warranty'],
    ['an expired contract does not cover', { warrantyUntil: null, contract: contract('parts_and_labour', '2020-01-01', '2026-11-22') }, 'out_of_warranty'],
    ['a contract not yet valid does not cover', { warrantyUntil: null, contract: contract('parts_and_labour', '2026-12-01') }, 'out_of_warranty'],
    ['warranty wins over contract', { warrantyUntil: '2027-01-01', contract: contract('parts_only') }, 'in_warranty'],
  ])('%s → %s', (_, facts, verdict) => {
    expect(decideWarranty(facts, '2026-11-23')).toBe(verdict);
  });
});

describe('normalizePhone', () => {
  it.each([
    ['+49 (30) 123-45', '+493012345'],
    ['0049 30 12345', '+493012345'],
    ['030 12345', '03012345'],
    [' +86 21 6123 4567 ', '+862161234567'],
  ])('%s → %s', (raw, expected) => expect(normalizePhone(raw)).toBe(expected));
});
