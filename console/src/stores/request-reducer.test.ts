import { describe, expect, it } from 'vitest';
import type { RequestDetail } from '../api/types';
import { entry, logged, summary } from '../test/fixtures';
import { addEntry, applyToRequest, conflictMessage, holderOf } from './request-reducer';

function detail(): RequestDetail {
  const s = summary({ version: 3 });
  return {
    ...s, description: '', categoryId: null, contactId: null, contractId: null, customFields: {}, firstRespondedAt: null,
    resolvedAt: null, closedAt: null, closeReason: null, mergedIntoId: null, splitFromId: null, timeline: [entry(s.id)],
  };
}

describe('applyToRequest', () => {
  it('takes a newer snapshot of the same request and keeps its timeline', () => {
    const d = detail();
    const next = applyToRequest(d, logged({ type: 'request.updated', data: { request: { ...d, status: 'in_progress', version: 4 }, changed: ['status'] } }));
    expect(next.status).toBe('in_progress');
    expect(next.version).toBe(4);
    expect(next.timeline).toHaveLength(1);
  });

  it('ignores an older snapshot, another request, and events without a request', () => {
    const d = detail();
    expect(applyToRequest(d, logged({ type: 'request.updated', data: { request: { ...d, status: 'suspended', version: 3 }, changed: ['status'] } }))).toBe(d);
    expect(applyToRequest(d, logged({ type: 'request.created', data: summary({ version: 9 }) }))).toBe(d);
  });

  it('adds a timeline entry once, in time order', () => {
    const d = detail();
    const later = entry(d.id, { createdAt: '2030-01-01T00:00:00.000Z' });
    const earlier = entry(d.id, { createdAt: '2020-01-01T00:00:00.000Z' });
    let next = applyToRequest(d, logged({ type: 'request.timeline_added', data: later }));
    next = applyToRequest(next, logged({ type: 'request.timeline_added', data: earlier }));
    next = applyToRequest(next, logged({ type: 'request.timeline_added', data: later }));
    expect(next.timeline.map((e) => e.id)).toEqual([earlier.id, d.timeline[0]!.id, later.id]);
    expect(applyToRequest(d, logged({ type: 'request.timeline_added', data: entry(summary().id) }))).toBe(d);
  });

  it('addEntry returns the same list when the entry is known', () => {
    const d = detail();
    expect(addEntry(d.timeline, d.timeline[0]!)).toBe(d.timeline);
  });
});

describe('conflictMessage', () => {
  it.each([
    [{ assignee: { id: 'x', name: 'Lukas Hofer' }, currentVersion: 4 }, 'Lukas Hofer holds this request now'],
    [{ from: 'new', to: 'closed', allowed: ['assigned', 'in_progress'] }, 'Allowed: Assigned, In progress'],
    [{ allowed: [] }, 'cannot change status any more'],
    [{ expectedVersion: 2, currentVersion: 3 }, 'Someone else changed this request'],
    [{}, 'changed in the meantime'],
  ])('%j', (details, text) => {
    expect(conflictMessage(details)).toContain(text);
  });
});

describe('holderOf', () => {
  it('reads who holds the request from a refused claim, and nothing from other conflicts', () => {
    expect(holderOf({ assignee: { id: 'u1', name: 'Anna Schmidt' }, currentVersion: 3 })).toEqual({ id: 'u1', name: 'Anna Schmidt' });
    expect(holderOf({ assignee: null, currentVersion: 3 })).toBeNull();
    expect(holderOf({ allowed: ['resolved'] })).toBeNull();
  });
});
