import { describe, expect, it } from 'vitest';
import { allowedNext, checkTransition } from './status.js';

describe('request status machine', () => {
  it.each([
    ['new', 'assigned', 'agent'],
    ['assigned', 'in_progress', 'agent'],
    ['in_progress', 'waiting_customer', 'agent'],
    ['waiting_customer', 'in_progress', 'agent'],
    ['suspended', 'escalated', 'dispatcher'],
    ['escalated', 'resolved', 'agent'],
    ['resolved', 'in_progress', 'agent'],
  ] as const)('%s → %s is allowed for %s', (from, to, role) => {
    expect(checkTransition(from, to, role, undefined, false)).toEqual({ ok: true });
  });

  it.each([
    ['new', 'closed'], ['suspended', 'resolved'], ['closed', 'in_progress'], ['closed_unresolved', 'new'], ['resolved', 'new'],
  ] as const)('%s → %s is not a transition', (from, to) => {
    const r = checkTransition(from, to, 'admin', 'because', true);
    expect(r).toMatchObject({ ok: false, reason: 'not_allowed' });
  });

  it('only supervisors close, and not without feedback or a reason', () => {
    expect(checkTransition('resolved', 'closed', 'agent', 'done', true)).toMatchObject({ ok: false, reason: 'role' });
    expect(checkTransition('resolved', 'closed', 'supervisor', undefined, false)).toMatchObject({ ok: false, reason: 'needs_reason' });
    expect(checkTransition('resolved', 'closed', 'supervisor', undefined, true)).toEqual({ ok: true });
    expect(checkTransition('resolved', 'closed', 'supervisor', 'confirmed by phone', false)).toEqual({ ok: true });
    expect(checkTransition('in_progress', 'closed_unresolved', 'supervisor', undefined, false)).toMatchObject({ ok: false, reason: 'needs_reason' });
  });

  it('lists the allowed next statuses per role', () => {
    expect(allowedNext('resolved', 'agent')).toEqual(['in_progress']);
    expect(allowedNext('resolved', 'supervisor')).toEqual(['closed', 'in_progress']);
  });
});
