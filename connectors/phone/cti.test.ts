import { describe, expect, it } from 'vitest';
import { parseCtiEvent } from './cti.js';

describe('parseCtiEvent (Zammad generic CTI fields)', () => {
  it('reads a form post with user[] as the agent list', () => {
    const r = parseCtiEvent({ event: 'newCall', from: '+49 30 1234', to: '4930999', direction: 'in', callId: 'c-1', 'user[]': ['Anna', 'Bert'] });
    expect(r).toEqual({ ok: true, event: { event: 'newCall', from: '+49 30 1234', to: '4930999', direction: 'in', callId: 'c-1', user: ['Anna', 'Bert'] } });
  });

  it('reads JSON with user as a single string, and hangup causes', () => {
    const r = parseCtiEvent({ event: 'hangup', from: '1', to: '2', direction: 'out', callId: 'c-2', user: 'Anna', cause: 'normalClearing' });
    expect(r).toMatchObject({ ok: true, event: { user: ['Anna'], cause: 'normalClearing' } });
  });

  it('gives an empty agent list when none is sent', () => {
    expect(parseCtiEvent({ event: 'answer', from: '1', to: '2', direction: 'in', callId: 'c', answeringNumber: '+4930' }))
      .toMatchObject({ ok: true, event: { user: [], answeringNumber: '+4930' } });
  });

  it.each([
    [{ from: '1', to: '2', direction: 'in', callId: 'c' }, 'event'],
    [{ event: 'ring', from: '1', to: '2', direction: 'in', callId: 'c' }, 'event'],
    [{ event: 'newCall', from: '1', to: '2', direction: 'sideways', callId: 'c' }, 'direction'],
    [{ event: 'newCall', from: '1', to: '2', direction: 'in' }, 'callId'],
  ])('refuses %j naming %s', (raw, field) => {
    const r = parseCtiEvent(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.fields)).toContain(field);
  });
});
