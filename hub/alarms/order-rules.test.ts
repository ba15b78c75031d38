import { describe, expect, it } from 'vitest';
import { matchOrderRule, type OrderRule } from './order-rules.js';

const rule = (over: Partial<OrderRule>): OrderRule => ({
  id: over.name ?? 'r', name: 'r', faultCode: 'E101', isPrefix: false, minSeverity: 'warning', minOccurrences: 1, windowMinutes: null,
  orderKind: 'corrective', priority: null, isActive: true, version: 1, createdAt: new Date(), updatedAt: new Date(), ...over,
});
const last = new Date('2026-11-23T10:30:00Z');
const facts = (over: Partial<Parameters<typeof matchOrderRule>[1]> = {}) => ({
  faultCode: 'E101', severity: 'major' as const, count: 1, lastSeenAt: last, buckets: [{ bucket: new Date('2026-11-23T10:30:00Z'), raises: 1 }], ...over,
});

describe('matchOrderRule', () => {
  it.each([
    ['exact code', [rule({ name: 'exact' })], facts(), 'exact'],
    ['prefix code', [rule({ name: 'prefix', faultCode: 'E1', isPrefix: true })], facts(), 'prefix'],
    ['other code', [rule({ faultCode: 'E2', isPrefix: true })], facts(), null],
    ['exact before prefix', [rule({ name: 'p', faultCode: 'E', isPrefix: true }), rule({ name: 'x' })], facts(), 'x'],
    ['too mild', [rule({ minSeverity: 'critical' })], facts(), null],
    ['inactive', [rule({ isActive: false })], facts(), null],
    ['not enough occurrences', [rule({ minOccurrences: 3 })], facts({ count: 2 }), null],
    ['enough occurrences', [rule({ name: 'n', minOccurrences: 3 })], facts({ count: 3 }), 'n'],
    ['enough, but not within the window', [rule({ minOccurrences: 3, windowMinutes: 10 })],
      facts({ count: 3, buckets: [{ bucket: new Date('2026-11-23T10:00:00Z'), raises: 2 }, { bucket: last, raises: 1 }] }), null],
    ['enough within the window', [rule({ name: 'w', minOccurrences: 3, windowMinutes: 10 })],
      facts({ count: 3, buckets: [{ bucket: new Date('2026-11-23T10:21:00Z'), raises: 2 }, { bucket: last, raises: 1 }] }), 'w'],
  ] as const)('%s', (_name, rules, f, expected) => {
    expect(matchOrderRule(rules, f)?.name ?? null).toBe(expected);
  });
});
