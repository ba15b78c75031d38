import { describe, expect, it } from 'vitest';
import { logged, summary } from '../test/fixtures';
import type { LoggedEvent } from '../api/types';
import { isInRooms, judgeBatch } from './frames';

const at = (seq: number, rooms = ['queue:unrouted']): LoggedEvent => ({ ...logged({ type: 'request.created', data: summary() }, rooms), seq });

describe('judgeBatch', () => {
  it('passes the events after the resume position in seq order', () => {
    const v = judgeBatch(10, [at(12), at(11), at(10)], 12);
    expect(v).toEqual({ kind: 'frames', frames: [expect.objectContaining({ seq: 11 }), expect.objectContaining({ seq: 12 })], lastSeq: 12 });
  });

  it('asks for a reload when the log no longer starts right after the resume position', () => {
    expect(judgeBatch(10, [at(15), at(16)], 16)).toEqual({ kind: 'reload', lastSeq: 16 });
    expect(judgeBatch(10, [], 20)).toEqual({ kind: 'reload', lastSeq: 20 });
  });

  it('stays put with nothing new', () => {
    expect(judgeBatch(10, [], 10)).toEqual({ kind: 'frames', frames: [], lastSeq: 10 });
  });
});

describe('isInRooms', () => {
  it('matches any shared room', () => {
    expect(isInRooms(at(1, ['queue:a', 'request:b']), new Set(['request:b']))).toBe(true);
    expect(isInRooms(at(1, ['queue:a']), new Set(['alarms']))).toBe(false);
  });
});
