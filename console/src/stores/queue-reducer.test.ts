import { describe, expect, it } from 'vitest';
import { TEAM, OTHER_TEAM, logged, summary } from '../test/fixtures';
import { appendPage, applyToQueue, compareRows, matchesFilter, type QueueFilter } from './queue-reducer';

const open: QueueFilter = { status: 'open' };
const board = () => [summary({ createdAt: '2026-11-23T10:30:00.000Z' }), summary({ createdAt: '2026-11-23T10:20:00.000Z' }), summary({ createdAt: '2026-11-23T10:10:00.000Z' })];

describe('matchesFilter', () => {
  it.each([
    [{ status: 'open' }, { status: 'in_progress' as const }, true],
    [{ status: 'open' }, { status: 'resolved' as const }, false],
    [{ status: 'all' }, { status: 'closed' as const }, true],
    [{ status: 'resolved' }, { status: 'resolved' as const }, true],
    [{ status: 'open', priority: 'high' }, { priority: 'normal' as const }, false],
    [{ status: 'open', channel: 'email' }, { channel: 'email' as const }, true],
    [{ status: 'open', team: OTHER_TEAM }, { teamId: TEAM }, false],
    [{ status: 'open', q: 'kühl' }, { subject: 'Kühlzelle vereist' }, true],
    [{ status: 'open', q: 'SR-42' }, { number: 'SR-000042' }, true],
    [{ status: 'open', q: '43' }, { number: 'SR-000042' }, false],
  ] as Array<[QueueFilter, Parameters<typeof summary>[0], boolean]>)('%j with %j → %s', (filter, over, expected) => {
    expect(matchesFilter(summary(over), filter)).toBe(expected);
  });
});

describe('applyToQueue', () => {
  it('puts a new matching request at its place (newest first) and reports it as arrived', () => {
    const rows = board();
    const fresh = summary({ createdAt: '2026-11-23T10:40:00.000Z' });
    const change = applyToQueue(rows, logged({ type: 'request.created', data: fresh }), open, true);
    expect(change.rows.map((r) => r.id)).toEqual([fresh.id, ...rows.map((r) => r.id)]);
    expect(change.arrived).toEqual([fresh.id]);
  });

  it('leaves a request that sorts below the loaded page to paging while more pages exist', () => {
    const rows = board();
    const old = summary({ createdAt: '2026-11-23T09:00:00.000Z' });
    expect(applyToQueue(rows, logged({ type: 'request.created', data: old }), open, true).rows).toBe(rows);
    expect(applyToQueue(rows, logged({ type: 'request.created', data: old }), open, false).rows.at(-1)?.id).toBe(old.id);
  });

  it('replaces a row with a newer version and ignores an older or equal one', () => {
    const rows = board();
    const newer = { ...rows[1]!, priority: 'high' as const, version: 2 };
    const applied = applyToQueue(rows, logged({ type: 'request.updated', data: { request: newer, changed: ['priority'] } }), open, true);
    expect(applied.rows[1]!.priority).toBe('high');
    expect(applied.arrived).toEqual([]);
    const stale = { ...rows[1]!, priority: 'low' as const, version: 1 };
    expect(applyToQueue(applied.rows, logged({ type: 'request.updated', data: { request: stale, changed: ['priority'] } }), open, true).rows[1]!.priority).toBe('high');
  });

  it('removes a row that no longer matches (resolved leaves the open board; moved to another team leaves its queue)', () => {
    const rows = board();
    const resolved = { ...rows[0]!, status: 'resolved' as const, version: 2 };
    expect(applyToQueue(rows, logged({ type: 'request.updated', data: { request: resolved, changed: ['status'] } }), open, true).rows).toHaveLength(2);
    const moved = { ...rows[2]!, teamId: OTHER_TEAM, version: 2 };
    const teamBoard = applyToQueue(rows, logged({ type: 'request.updated', data: { request: moved, changed: ['teamId'] } }), { status: 'open', team: TEAM }, true);
    expect(teamBoard.rows.map((r) => r.id)).not.toContain(moved.id);
  });

  it('brings in a request that starts to match (routed into this queue)', () => {
    const rows = board();
    const routed = summary({ teamId: TEAM, createdAt: '2026-11-23T10:25:00.000Z', version: 3 });
    const change = applyToQueue(rows, logged({ type: 'request.updated', data: { request: routed, changed: ['teamId'] } }), { status: 'open', team: TEAM }, true);
    expect(change.rows[1]!.id).toBe(routed.id);
  });

  it('ignores events that carry no request (orders, timeline entries)', () => {
    const rows = board();
    const e = logged({ type: 'request.timeline_added', data: { id: rows[0]!.id, requestId: rows[0]!.id, kind: 'note', actorType: 'user', actorId: null, body: 'x', data: {}, isInternal: true, createdAt: rows[0]!.createdAt } });
    expect(applyToQueue(rows, e, open, true).rows).toBe(rows);
  });
});

describe('appendPage and compareRows', () => {
  it('skips rows a live event already added, keeps the order of GET /api/requests', () => {
    const rows = board();
    const next = [rows[2]!, summary({ createdAt: '2026-11-23T10:05:00.000Z' })];
    const out = appendPage(rows, next);
    expect(out).toHaveLength(4);
    expect([...out].sort(compareRows).map((r) => r.id)).toEqual(out.map((r) => r.id));
  });
});
