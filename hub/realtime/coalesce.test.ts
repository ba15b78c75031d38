import { describe, expect, it } from 'vitest';
import type { LoggedEvent, RequestSummary } from '../contracts/domain-events.js';
import { Coalescer, keepLatest } from './coalesce.js';

const R1 = '00000000-0000-4000-8000-000000000001';
const R2 = '00000000-0000-4000-8000-000000000002';
const summary = (id: string, version: number, teamId = 'a'): RequestSummary => ({
  id, number: 'SR-000001', type: 'alarm', channel: 'mqtt', priority: 'high', status: 'new', subject: 's', teamId,
  assigneeId: null, customerId: null, assetId: null, warranty: 'unknown', version, responseDueAt: null, resolutionDueAt: null,
  createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
});
const updated = (seq: number, id: string, version: number, room = 'queue:a'): LoggedEvent => ({
  type: 'request.updated', data: { request: summary(id, version), changed: ['priority'] }, seq, rooms: [room, `request:${id}`], committedAt: '2026-01-01T00:00:00.000Z',
});
const timeline = (seq: number, id: string): LoggedEvent => ({
  type: 'request.timeline_added', seq, rooms: [`request:${id}`], committedAt: '2026-01-01T00:00:00.000Z',
  data: { id: R2, requestId: id, kind: 'note', actorType: 'user', actorId: null, body: String(seq), data: {}, isInternal: false, createdAt: '2026-01-01T00:00:00.000Z' },
});
const seqs = (es: LoggedEvent[]) => es.map((e) => e.seq);

describe('Coalescer', () => {
  it('sends the first update of a request at once and holds the next ones, keeping only the newest', () => {
    const c = new Coalescer(100);
    expect(seqs(c.push([updated(1, R1, 2)], 0))).toEqual([1]);
    expect(seqs(c.push([updated(2, R1, 3), updated(3, R1, 4)], 10))).toEqual([]);
    expect(c.safeUpTo(3)).toBe(2);
    expect(c.nextDueIn(10)).toBe(90);
    expect(seqs(c.due(50))).toEqual([]);
    expect(seqs(c.due(100))).toEqual([3]);
    expect(c.safeUpTo(3)).toBe(3);
    expect(c.supersededCount).toBe(1);
  });

  it('never holds or drops additive events, and keeps seq order', () => {
    const c = new Coalescer(100);
    const out = c.push([updated(1, R1, 2), timeline(2, R1), updated(3, R2, 2), timeline(4, R1), updated(5, R1, 3)], 0);
    expect(seqs(out)).toEqual([1, 2, 3, 4]);
    expect(seqs(c.due(100))).toEqual([5]);
  });

  it('keeps updates apart when the rooms differ, so a queue learns a request left it', () => {
    const c = new Coalescer(100);
    c.push([updated(1, R1, 2, 'queue:a')], 0);
    expect(seqs(c.push([updated(2, R1, 3, 'queue:a'), updated(3, R1, 4, 'queue:b')], 5))).toEqual([3]);
    expect(seqs(c.due(100))).toEqual([2]);
  });

  it('sends at most one update per request per window during a storm', () => {
    const c = new Coalescer(100);
    let sent = 0;
    for (let t = 0, seq = 1; t < 1000; t += 2, seq++) {
      sent += c.push([updated(seq, R1, seq)], t).length + c.due(t).length;
    }
    expect(sent).toBeLessThanOrEqual(11);
    expect(sent).toBeGreaterThanOrEqual(9);
  });
});

describe('keepLatest', () => {
  it('drops superseded updates from a replay and keeps every additive event', () => {
    expect(seqs(keepLatest([updated(1, R1, 2), timeline(2, R1), updated(3, R1, 3), updated(4, R2, 2)]))).toEqual([2, 3, 4]);
  });
});
