import { describe, expect, it } from 'vitest';
import { routeRequest, type RoutingFacts, type RoutingRule } from './route.js';

const rule = (id: string, teamId: string, position: number, v: Partial<RoutingRule> = {}): RoutingRule => ({
  id, teamId, position, channel: null, type: null, categoryId: null, faultCodePrefix: null, region: null, ...v,
});
const facts = (v: Partial<RoutingFacts> = {}): RoutingFacts => ({ channel: 'phone', type: 'request', categoryId: null, faultCode: null, region: null, ...v });

const rules = [
  rule('r-complaints', 'supervisors', 1, { type: 'complaint' }),
  rule('r-e1', 'refrigeration', 5, { faultCodePrefix: 'E1' }),
  rule('r-pl', 'poland', 10, { region: 'Mazowieckie' }),
  rule('r-mail-pl', 'poland-mail', 9, { region: 'Mazowieckie', channel: 'email' }),
];

describe('routeRequest', () => {
  it.each([
    ['a complaint goes to supervisors whatever the region', facts({ type: 'complaint', region: 'Mazowieckie' }), 'supervisors'],
    ['a fault code prefix matches', facts({ channel: 'mqtt', type: 'alarm', faultCode: 'E105' }), 'refrigeration'],
    ['a different prefix does not', facts({ channel: 'mqtt', type: 'alarm', faultCode: 'W310', region: 'Bayern' }), 'desk'],
    ['region matches case-insensitively', facts({ region: 'mazowieckie' }), 'poland'],
    ['the lower position wins when both match', facts({ region: 'Mazowieckie', channel: 'email' }), 'poland-mail'],
    ['nothing matches → the default team', facts({ region: 'Bayern' }), 'desk'],
  ])('%s', (_, f, team) => {
    const d = routeRequest(rules, f, 'desk');
    expect(d.kind === 'unrouted' ? null : d.teamId).toBe(team);
  });

  it('says which rule routed it', () => {
    expect(routeRequest(rules, facts({ type: 'complaint' }), null)).toEqual({ kind: 'rule', teamId: 'supervisors', ruleId: 'r-complaints' });
  });

  it('is unrouted without a match and without a default team', () => {
    expect(routeRequest(rules, facts(), null)).toEqual({ kind: 'unrouted' });
  });
});
