import { describe, expect, it } from 'vitest';
import { summary } from '../test/fixtures';
import { applyToCalls, type Call } from './calls-reducer';

const call = (over: Partial<Call> = {}): Call => ({
  id: 'c1', callId: 'cti-1', direction: 'in', from: '+491714432190', to: '+4989100', state: 'ringing', agentId: null, contactId: null,
  customerId: null, requestId: null, caller: { contactName: 'Franz Müller', customerName: 'Bäckerei Müller GmbH' }, startedAt: '2026-11-23T10:00:00.000Z',
  cause: null, answeredAt: null, endedAt: null, durationSeconds: null, ...over,
});

describe('applyToCalls', () => {
  it('pops up a ringing call for this agent or for nobody yet, and replaces it when answered', () => {
    let calls = applyToCalls([], { type: 'call.ringing', data: call() }, 'me');
    expect(calls).toHaveLength(1);
    calls = applyToCalls(calls, { type: 'call.answered', data: call({ state: 'answered', agentId: 'me' }) }, 'me');
    expect(calls).toEqual([expect.objectContaining({ state: 'answered' })]);
  });

  it('drops the call when it ends or another agent answers it', () => {
    const ringing = applyToCalls([], { type: 'call.ringing', data: call() }, 'me');
    expect(applyToCalls(ringing, { type: 'call.ended', data: call({ state: 'ended' }) }, 'me')).toEqual([]);
    expect(applyToCalls(ringing, { type: 'call.answered', data: call({ agentId: 'someone-else' }) }, 'me')).toEqual([]);
  });

  it('ignores outbound calls and events that are not calls', () => {
    expect(applyToCalls([], { type: 'call.ringing', data: call({ direction: 'out' }) }, 'me')).toEqual([]);
    const ringing = applyToCalls([], { type: 'call.ringing', data: call() }, 'me');
    expect(applyToCalls(ringing, { type: 'request.created', data: summary() }, 'me')).toBe(ringing);
  });
});
