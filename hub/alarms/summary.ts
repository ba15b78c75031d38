import type { alarms } from '../../db/schema/index.js';
import type { AlarmRepeat, AlarmSummary } from '../contracts/domain-events.js';

export type AlarmRow = typeof alarms.$inferSelect;

export function toAlarmSummary(a: AlarmRow): AlarmSummary {
  return {
    id: a.id, assetId: a.assetId, deviceId: a.deviceId, faultCode: a.faultCode, isUnknownCode: a.isUnknownCode,
    state: a.state, severity: a.severity, message: a.message, count: a.count,
    firstSeenAt: a.firstSeenAt.toISOString(), lastSeenAt: a.lastSeenAt.toISOString(), stateChangedAt: a.stateChangedAt.toISOString(),
    clearedAt: a.clearedAt?.toISOString() ?? null, acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: a.acknowledgedBy, isFlapping: a.isFlapping, flapCount: a.flapCount, requestId: a.requestId, version: a.version,
  };
}

/** what a repeat changes on an alarm (alarm.repeated) */
export function toAlarmRepeat(a: AlarmRow): AlarmRepeat {
  return {
    id: a.id, requestId: a.requestId, severity: a.severity, message: a.message, count: a.count,
    firstSeenAt: a.firstSeenAt.toISOString(), lastSeenAt: a.lastSeenAt.toISOString(), version: a.version,
  };
}
