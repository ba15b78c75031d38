import { describe, expect, it } from 'vitest';
import type { Role } from '../contracts/model.js';
import { decideRoom, type RoomDecision } from './room-policy.js';

const TEAM = '11111111-1111-4111-8111-111111111111';
const OTHER_TEAM = '22222222-2222-4222-8222-222222222222';
const ME = '33333333-3333-4333-8333-333333333333';
const SOMEONE = '44444444-4444-4444-8444-444444444444';
const CUSTOMER = '55555555-5555-4555-8555-555555555555';
const OTHER_CUSTOMER = '66666666-6666-4666-8666-666666666666';
const REQUEST = '77777777-7777-4777-8777-777777777777';

const subject = (role: Role) => ({
  role, userId: ME, customerId: role === 'customer' ? CUSTOMER : null, teamIds: new Set([TEAM]),
});

type Verdict = 'allow' | 'deny' | 'check';
const verdict = (d: RoomDecision): Verdict => (d.kind === 'check_request' ? 'check' : d.kind);

// role × room → verdict. Every row is one line of policy.
const table: Array<[Role, string, Verdict]> = [
  ['admin', `queue:${OTHER_TEAM}`, 'allow'],
  ['supervisor', `queue:${OTHER_TEAM}`, 'allow'],
  ['dispatcher', `queue:${OTHER_TEAM}`, 'allow'],
  ['agent', `queue:${TEAM}`, 'allow'],
  ['agent', 'queue:unrouted', 'allow'],
  ['agent', `queue:${OTHER_TEAM}`, 'deny'],
  ['technician', `queue:${TEAM}`, 'deny'],
  ['technician', 'queue:unrouted', 'deny'],
  ['customer', `queue:${TEAM}`, 'deny'],
  ['customer', 'queue:unrouted', 'deny'],
  ['agent', 'alarms', 'allow'],
  ['technician', 'alarms', 'deny'],
  ['customer', 'alarms', 'deny'],
  ['agent', 'calls', 'allow'],
  ['technician', 'calls', 'deny'],
  ['customer', 'calls', 'deny'],
  ['dispatcher', 'dispatch', 'allow'],
  ['supervisor', 'dispatch', 'allow'],
  ['admin', 'dispatch', 'allow'],
  ['agent', 'dispatch', 'deny'],
  ['technician', 'dispatch', 'deny'],
  ['customer', 'dispatch', 'deny'],
  ['agent', `request:${REQUEST}`, 'check'],
  ['technician', `request:${REQUEST}`, 'check'],
  ['customer', `request:${REQUEST}`, 'check'],
  ['customer', `customer:${CUSTOMER}`, 'allow'],
  ['customer', `customer:${OTHER_CUSTOMER}`, 'deny'],
  ['technician', `customer:${CUSTOMER}`, 'deny'],
  ['agent', `customer:${CUSTOMER}`, 'allow'],
  ['technician', `technician:${ME}`, 'allow'],
  ['technician', `technician:${SOMEONE}`, 'deny'],
  ['customer', `technician:${ME}`, 'deny'],
  ['agent', `technician:${SOMEONE}`, 'deny'],
  ['dispatcher', `technician:${SOMEONE}`, 'allow'],
  ['agent', `user:${ME}`, 'allow'],
  ['agent', `user:${SOMEONE}`, 'deny'],
  ['admin', `user:${SOMEONE}`, 'deny'],
  ['admin', 'everything', 'deny'],
];

describe('decideRoom', () => {
  it.each(table)('%s joining %s → %s', (role, room, expected) => {
    expect(verdict(decideRoom(subject(role), room))).toBe(expected);
  });

  it('names the request to check for a request room', () => {
    expect(decideRoom(subject('agent'), `request:${REQUEST}`)).toEqual({ kind: 'check_request', requestId: REQUEST });
  });

  it('gives an API key acting as a customer no organisation', () => {
    expect(verdict(decideRoom({ role: 'customer', userId: null, customerId: null, teamIds: new Set() }, `customer:${CUSTOMER}`))).toBe('deny');
  });

  it('lets a tracking link\'s socket into its own request\'s room (the link proves it) and nowhere else', () => {
    const tracking = { role: 'customer' as const, userId: null, customerId: null, teamIds: new Set<string>(), trackingRequestId: REQUEST };
    expect(decideRoom(tracking, `request:${REQUEST}`)).toEqual({ kind: 'allow' });
    for (const room of [`request:${SOMEONE}`, `customer:${CUSTOMER}`, `queue:${TEAM}`, 'queue:unrouted', 'alarms', 'calls', 'dispatch', `user:${ME}`, `technician:${ME}`]) {
      expect(decideRoom(tracking, room), room).toMatchObject({ kind: 'deny', reason: 'a tracking link follows its own request only' });
    }
  });
});
