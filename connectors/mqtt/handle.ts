import type { AlarmOutcome } from '../../hub/alarms/record-batch.js';
import type { DeadLetterInput } from '../../hub/alarms/dead-letters.js';
import type { IntakeEvent } from '../../hub/contracts/intake-event.js';
import { parseDeviceMessage } from './parse.js';

/** What the MQTT connector asks of the hub: it never touches the database itself. */
export interface MqttHubServices {
  /** resolves after the transaction that records the alarm committed; `ev` is parsed already (parseDeviceMessage) */
  submitAlarm(ev: IntakeEvent, raw: { bytes: Buffer; meta: Record<string, unknown> }): Promise<AlarmOutcome>;
  deadLetter(d: DeadLetterInput): Promise<void>;
  verifyDevice(deviceId: string, token: string): Promise<boolean>;
  setDeviceOnline(deviceId: string, isOnline: boolean, at: Date): Promise<void>;
}

/**
 * One device message, from either broker. Resolves when the message may be acknowledged: after
 * its batch committed, or after it was recorded as a dead letter. Rejects when it must not be
 * acknowledged (the broker or device sends it again).
 */
export async function handleDeviceMessage(
  hub: MqttHubServices, topic: string, payload: Buffer, opts: { authDeviceId?: string; receivedAt?: Date; isReplay?: boolean } = {},
): Promise<AlarmOutcome | { kind: 'status' }> {
  const receivedAt = opts.receivedAt ?? new Date();
  const msg = parseDeviceMessage(topic, payload, receivedAt, opts.authDeviceId);
  const meta = { topic, deviceId: msg.deviceId, receivedAt: receivedAt.toISOString(), ...(opts.isReplay ? { isReplay: true } : {}) };
  switch (msg.kind) {
    case 'alarm':
      return hub.submitAlarm(msg.event, { bytes: payload, meta });
    case 'status':
      await hub.setDeviceOnline(msg.deviceId, msg.isOnline, receivedAt);
      return { kind: 'status' };
    case 'rejected':
      await hub.deadLetter({ source: 'mqtt', reason: msg.reason, detail: msg.detail, raw: payload, meta });
      return { kind: 'dead_letter', reason: msg.reason, detail: msg.detail };
  }
}
