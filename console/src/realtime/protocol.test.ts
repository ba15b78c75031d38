import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../api/types';
import { logged, summary } from '../test/fixtures';
import { acceptEvents, advance, subscribeMessage } from './protocol';

const at = (seq: number): LoggedEvent => ({ ...logged({ type: 'request.created', data: summary() }, ['queue:unrouted']), seq });

describe('acceptEvents', () => {
  it('delivers new events once, in seq order, and resumes from upTo', () => {
    const r = acceptEvents({ upTo: 10, seen: new Set() }, { events: [at(12), at(11), at(9)], upTo: 12 });
    expect(r.deliver.map((e) => e.seq)).toEqual([11, 12]);
    expect(r.pos).toEqual({ upTo: 12, seen: new Set() });
  });

  it('remembers an event sent ahead of upTo (held-back coalesced update) and skips its replay', () => {
    const first = acceptEvents({ upTo: 10, seen: new Set() }, { events: [at(11), at(14)], upTo: 11 });
    expect(first.deliver.map((e) => e.seq)).toEqual([11, 14]);
    expect(first.pos.upTo).toBe(11);
    const replay = acceptEvents(first.pos, { events: [at(12), at(13), at(14)], upTo: 14 });
    expect(replay.deliver.map((e) => e.seq)).toEqual([12, 13]);
    expect(replay.pos).toEqual({ upTo: 14, seen: new Set() });
  });

  it('never moves the position back (watermarks)', () => {
    expect(advance({ upTo: 20, seen: new Set([25]) }, 15)).toEqual({ upTo: 20, seen: new Set([25]) });
    expect(advance({ upTo: 20, seen: new Set([25]) }, 30)).toEqual({ upTo: 30, seen: new Set() });
  });
});

describe('subscribeMessage', () => {
  it('resumes with the first subscribe of a connection, and joins later rooms from now on (the hub refuses afterSeq there)', () => {
    expect(subscribeMessage({ upTo: 40, seen: new Set() }, ['queue:unrouted'], false)).toEqual({ rooms: ['queue:unrouted'], afterSeq: 40 });
    expect(subscribeMessage({ upTo: 40, seen: new Set() }, ['request:x'], true)).toEqual({ rooms: ['request:x'] });
  });

  it('asks for no replay before the console has a position', () => {
    expect(subscribeMessage({ upTo: -1, seen: new Set() }, ['alarms'], false)).toEqual({ rooms: ['alarms'] });
  });
});
