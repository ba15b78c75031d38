import { describe, expect, it } from 'vitest';
import type { Alarm } from '../api/types';
import { alarmOf, applyToAlarms } from './alarms-reducer';

const alarm = (over: Partial<Alarm> = {}): Alarm => ({
  id: 'a1', assetId: 'as1', deviceId: null, faultCode: 'E205', isUnknownCode: false, severity: 'major', state: 'active', message: null, count: 1,
  firstSeenAt: '2026-11-23T10:00:00.000Z', lastSeenAt: '2026-11-23T10:00:00.000Z', stateChangedAt: '2026-11-23T10:00:00.000Z', clearedAt: null,
  acknowledgedAt: null, acknowledgedBy: null, isFlapping: false, flapCount: 0, requestId: null, version: 1, ...over,
});

describe('applyToAlarms', () => {
  it('adds a raised alarm and keeps the most severe first', () => {
    const list = applyToAlarms([alarm()], { type: 'alarm.raised', data: { alarm: alarm({ id: 'a2', severity: 'critical' }), reopened: false } });
    expect(list.map((a) => a.id)).toEqual(['a2', 'a1']);
  });

  it('replaces an alarm with a newer snapshot and ignores an older one', () => {
    const list = applyToAlarms([alarm()], { type: 'alarm.acknowledged', data: { alarm: alarm({ state: 'acknowledged', count: 5, version: 3, isFlapping: true }) } });
    expect(list[0]).toMatchObject({ count: 5, isFlapping: true, state: 'acknowledged' });
    expect(applyToAlarms(list, { type: 'alarm.raised', data: { alarm: alarm({ count: 2, version: 2 }), reopened: false } })[0]!.count).toBe(5);
  });

  it('applies a batch of repeats to the alarms it shows, newer versions only, keeping the rest of each alarm', () => {
    const shown = [alarm({ state: 'acknowledged', acknowledgedBy: 'u1', version: 4 }), alarm({ id: 'a2', severity: 'minor', version: 2 })];
    const repeat = (id: string, over: Partial<Alarm>) => ({
      id, requestId: 'r1', severity: 'major' as const, message: 'Hochdruck', count: 7,
      firstSeenAt: '2026-11-23T10:00:00.000Z', lastSeenAt: '2026-11-23T10:05:00.000Z', version: 5, ...over,
    });
    const list = applyToAlarms(shown, { type: 'alarm.repeated', data: { alarms: [
      repeat('a1', { count: 3, version: 4 }), // not newer than what the panel has: ignored
      repeat('a2', { severity: 'critical', count: 9, version: 3 }),
      repeat('a9', { count: 2 }), // not on the panel (cleared, or past its list): not added
    ] } });
    expect(list.map((a) => [a.id, a.count, a.severity])).toEqual([['a2', 9, 'critical'], ['a1', 1, 'major']]);
    expect(list[0]).toMatchObject({ requestId: 'r1', message: 'Hochdruck', lastSeenAt: '2026-11-23T10:05:00.000Z', faultCode: 'E205', assetId: 'as1' });
    expect(list[1]).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'u1' });
    expect(alarmOf({ type: 'alarm.repeated', data: { alarms: [repeat('a2', {})] } })).toBeNull();
  });

  it('drops a cleared alarm from the active list', () => {
    expect(applyToAlarms([alarm()], { type: 'alarm.cleared', data: { alarm: alarm({ state: 'cleared', version: 2 }) } })).toEqual([]);
  });

  it('reads nothing from events that are not about alarms', () => {
    expect(alarmOf({ type: 'device.status_changed', data: { deviceId: 'd1', assetId: 'as1', isOnline: false, at: '2026-11-23T10:00:00.000Z' } })).toBeNull();
    expect(applyToAlarms([alarm()], { type: 'device.status_changed', data: { deviceId: 'd1', assetId: 'as1', isOnline: false, at: '2026-11-23T10:00:00.000Z' } })).toHaveLength(1);
  });

  it('keeps an acknowledged alarm on the panel', () => {
    const list = applyToAlarms([alarm()], { type: 'alarm.acknowledged', data: { alarm: alarm({ state: 'acknowledged', acknowledgedBy: 'u1', version: 2 }) } });
    expect(list).toEqual([expect.objectContaining({ state: 'acknowledged' })]);
  });
});
