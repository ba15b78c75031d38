import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES, ROLES, type OrderStatus, type Role } from '../contracts/model.js';
import { allowedOrderTransitions, checkOrderTransition, type TransitionFacts } from './transitions.js';

// The expected lifecycle, written out by hand (not derived from the table under test):
// "from>to: roles". Every pair not listed must be refused for every role.
const EXPECTED = `
new>planned: admin supervisor dispatcher
new>cancelled: admin supervisor dispatcher
planned>dispatched: admin supervisor dispatcher
planned>cancelled: admin supervisor dispatcher
dispatched>en_route: technician
dispatched>planned: admin supervisor dispatcher
dispatched>cancelled: admin supervisor dispatcher
en_route>on_site: technician
en_route>dispatched: technician
en_route>cancelled: admin supervisor dispatcher
on_site>completed: technician
on_site>cancelled: admin supervisor dispatcher
completed>accepted: admin supervisor dispatcher customer
completed>rejected: admin supervisor dispatcher customer
completed>closed: admin supervisor
rejected>planned: admin supervisor dispatcher
rejected>cancelled: admin supervisor dispatcher
accepted>closed: admin supervisor
`;
const allowedTriples = new Set(EXPECTED.trim().split('\n').flatMap((line) => {
  const [pair, roles] = line.split(': ');
  return roles!.split(' ').map((r) => `${pair}:${r}`);
}));

/** Facts that satisfy every precondition, so only the table (status × role) decides. */
function satisfied(from: OrderStatus, to: OrderStatus, role: Role): TransitionFacts {
  return { from, to, role, isAssignee: true, hasTechnician: true, isAccepted: true, reason: 'because' };
}

const cases = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.filter((to) => to !== from)
  .flatMap((to) => ROLES.map((role) => [from, to, role, allowedTriples.has(`${from}>${to}:${role}`)] as const)));

describe('order state machine: every role × transition', () => {
  it.each(cases)('%s → %s as %s: allowed=%s', (from, to, role, isAllowed) => {
    const v = checkOrderTransition(satisfied(from, to, role));
    expect(v.ok).toBe(isAllowed);
    const isKnownPair = EXPECTED.includes(`\n${from}>${to}:`);
    if (!v.ok) expect(v.why).toBe(isKnownPair ? 'role' : 'not_allowed');
    expect(allowedOrderTransitions(from, role).includes(to)).toBe(isAllowed);
  });

  it('has no way out of closed and cancelled', () => {
    for (const role of ROLES) {
      expect(allowedOrderTransitions('closed', role)).toEqual([]);
      expect(allowedOrderTransitions('cancelled', role)).toEqual([]);
    }
  });
});

describe('order transition preconditions', () => {
  it.each([
    // [facts, expected why, case]
    [{ from: 'dispatched', to: 'en_route', role: 'technician', isAssignee: false }, 'not_assignee', 'another technician\'s order'],
    [{ from: 'planned', to: 'dispatched', role: 'dispatcher', hasTechnician: false }, 'needs_technician', 'dispatch without a technician'],
    [{ from: 'new', to: 'cancelled', role: 'dispatcher', reason: undefined }, 'needs_reason', 'cancel without a reason'],
    [{ from: 'completed', to: 'rejected', role: 'customer', reason: undefined }, 'needs_reason', 'reject without a reason'],
    [{ from: 'completed', to: 'closed', role: 'supervisor', isAccepted: false, reason: undefined }, 'needs_acceptance', 'close with neither acceptance nor override'],
    [{ from: 'completed', to: 'closed', role: 'dispatcher' }, 'role', 'a dispatcher closing'],
    [{ from: 'on_site', to: 'closed', role: 'admin' }, 'not_allowed', 'skipping completion'],
  ] as const)('%o → %s (%s)', (partial, why, _case) => {
    const base: TransitionFacts = { from: 'new', to: 'planned', role: 'admin', isAssignee: true, hasTechnician: true, isAccepted: true, reason: 'x' };
    const v = checkOrderTransition({ ...base, ...partial });
    expect(v).toMatchObject({ ok: false, why });
  });

  it.each([
    [{ from: 'completed', to: 'closed', role: 'supervisor', isAccepted: false, reason: 'customer unreachable for 3 weeks' }, 'override with a reason'],
    [{ from: 'completed', to: 'closed', role: 'supervisor', isAccepted: true, reason: undefined }, 'accepted by sign-off recorded on the order'],
    [{ from: 'accepted', to: 'closed', role: 'admin', isAccepted: true, reason: undefined }, 'after acceptance'],
    [{ from: 'dispatched', to: 'en_route', role: 'technician', isAssignee: true }, 'the assignee sets off'],
  ] as const)('%o is allowed (%s)', (partial, _case) => {
    const base: TransitionFacts = { from: 'new', to: 'planned', role: 'admin', isAssignee: true, hasTechnician: true, isAccepted: true, reason: 'x' };
    expect(checkOrderTransition({ ...base, ...partial })).toEqual({ ok: true });
  });
});
