import type { orderRules } from '../../db/schema/index.js';
import { isMoreSevere } from './lifecycle.js';
import type { Severity } from '../contracts/model.js';

export type OrderRule = typeof orderRules.$inferSelect;

export interface RuleFacts {
  faultCode: string;
  severity: Severity;
  /** raises over the alarm's life */
  count: number;
  lastSeenAt: Date;
  /** the alarm's occurrence history: raises per minute */
  buckets: ReadonlyArray<{ bucket: Date; raises: number }>;
}

/** raises in the window that ends at the alarm's last raise (whole minutes: the history is per minute) */
export function raisesWithin(facts: RuleFacts, windowMinutes: number): number {
  const from = facts.lastSeenAt.getTime() - windowMinutes * 60_000;
  return facts.buckets.reduce((n, b) => (b.bucket.getTime() + 60_000 > from ? n + b.raises : n), 0);
}

/** an active rule for this fault code, exactly or by prefix */
export function coversCode(rule: OrderRule, faultCode: string): boolean {
  return rule.isActive && (rule.isPrefix ? faultCode.startsWith(rule.faultCode) : faultCode === rule.faultCode);
}

/**
 * The first active rule (most specific code first: exact before prefix, longer prefix first)
 * that the alarm satisfies: code, minimum severity, and N occurrences (within a window, if set).
 */
export function matchOrderRule(rules: readonly OrderRule[], facts: RuleFacts): OrderRule | null {
  const candidates = rules
    .filter((r) => coversCode(r, facts.faultCode))
    .sort((a, b) => Number(a.isPrefix) - Number(b.isPrefix) || b.faultCode.length - a.faultCode.length);
  for (const r of candidates) {
    if (isMoreSevere(r.minSeverity, facts.severity)) continue;
    const seen = r.windowMinutes ? raisesWithin(facts, r.windowMinutes) : facts.count;
    if (seen >= r.minOccurrences) return r;
  }
  return null;
}
