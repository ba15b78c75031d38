import { describe, expect, it } from 'vitest';
import { IntakeEvent } from '../../hub/contracts/intake-event.js';
import { parseDeviceMessage } from './parse.js';

const ID = '0b9e3c39-8a5f-4a8e-9f0e-2f2f8d3f9a11';
const NOW = new Date('2026-11-23T10:00:00Z');
const parse = (topic: string, body: unknown, auth?: string) =>
  parseDeviceMessage(topic, Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), NOW, auth);

describe('parseDeviceMessage', () => {
  it('turns an alarm into an intake event with message time', () => {
    const m = parse(`devices/${ID}/alarms`, { id: 'm1', code: 'E101', state: 'raised', severity: 'critical', ts: '2026-11-23T09:59:00Z' }, ID);
    expect(m).toMatchObject({ kind: 'alarm', deviceId: ID, event: { channel: 'mqtt', deviceId: ID, faultCode: 'E101',
      alarm: { state: 'raised', severity: 'critical', messageId: 'm1', occurredAt: new Date('2026-11-23T09:59:00Z') } } });
    expect(parse(`devices/${ID}/alarms`, { code: 'E101', state: 'cleared' })).toMatchObject({ event: { alarm: { occurredAt: NOW } } });
  });
  it('builds the event in the form IntakeEvent.parse gives, so the alarm stage can skip parsing it', () => {
    for (const body of [{ id: 'm1', code: ' E101 ', state: 'raised', severity: 'critical', message: 'hot', ts: '2026-11-23T09:59:00+01:00' }, { code: 'E7', state: 'cleared' }]) {
      const m = parse(`devices/${ID}/alarms`, body);
      if (m.kind !== 'alarm') throw new Error(`not an alarm: ${m.kind}`);
      expect(IntakeEvent.parse(m.event)).toEqual(m.event);
    }
  });
  it.each([
    ['another device\'s topic', `devices/${ID}/alarms`, { code: 'E1', state: 'raised' }, '11111111-1111-4111-8111-111111111111', 'unauthorised_topic'],
    ['not a device topic', 'plant/alarms', { code: 'E1', state: 'raised' }, undefined, 'unauthorised_topic'],
    ['not a device id', 'devices/pump-7/alarms', { code: 'E1', state: 'raised' }, undefined, 'unknown_device'],
    ['malformed JSON', `devices/${ID}/alarms`, '{"code":', undefined, 'malformed_json'],
    ['schema violation', `devices/${ID}/alarms`, { code: 'E1', state: 'on fire' }, undefined, 'schema_violation'],
    ['oversize', `devices/${ID}/alarms`, Buffer.alloc(64 * 1024 + 1, 0x20), undefined, 'oversize'],
  ] as const)('%s → %s', (_name, topic, body, auth, reason) => {
    expect(parse(topic, body, auth)).toMatchObject({ kind: 'rejected', reason });
  });
  it('reads the status topic (the last will)', () => {
    expect(parse(`devices/${ID}/status`, { online: false }, ID)).toEqual({ kind: 'status', deviceId: ID, isOnline: false });
  });
});
