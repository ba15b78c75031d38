import { describe, expect, it } from 'vitest';
import { decideDedup, type DedupFacts } from './match-request.js';

const older = { id: 'older', createdAt: new Date('2026-11-01T10:00:00Z') };
const newer = { id: 'newer', createdAt: new Date('2026-11-20T10:00:00Z') };
const f = (v: Partial<DedupFacts>): DedupFacts => ({ channel: 'email', attachToRequestId: null, isForcedNew: false, openForAsset: [], ...v });

describe('decideDedup (cross-channel rule)', () => {
  it.each<[string, DedupFacts, ReturnType<typeof decideDedup>]>([
    ['an email about a unit with open requests joins the newest', f({ openForAsset: [older, newer] }), { kind: 'attach', requestId: 'newer', reason: 'open_request_for_asset' }],
    ['a web form joins the newest too', f({ channel: 'web', openForAsset: [newer, older] }), { kind: 'attach', requestId: 'newer', reason: 'open_request_for_asset' }],
    ['an email without an open request opens one', f({}), { kind: 'new' }],
    ['a call is only offered: without the agent choosing it opens one', f({ channel: 'phone', openForAsset: [newer] }), { kind: 'new' }],
    ['the agent chose a request for the call', f({ channel: 'phone', attachToRequestId: 'older' }), { kind: 'attach', requestId: 'older', reason: 'agent_choice' }],
    ['forced new wins over an open request', f({ isForcedNew: true, openForAsset: [newer] }), { kind: 'new' }],
    ['alarms are deduplicated by their own key, not here', f({ channel: 'mqtt', openForAsset: [newer] }), { kind: 'new' }],
  ])('%s', (_, facts, decision) => {
    expect(decideDedup(facts)).toEqual(decision);
  });
});
