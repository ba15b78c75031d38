import type { Alarm, DomainEvent } from '../api/types';

// Pure rules for the alarm panel. alarm.raised / acknowledged / cleared carry a full AlarmSummary
// (hub/contracts/domain-events.ts), so the newest snapshot wins; alarm.repeated carries, for each
// alarm a batch of repeats touched, only what a repeat changes (count, last seen, severity, …).

const SEVERITY_RANK: Record<string, number> = { critical: 0, major: 1, minor: 2, warning: 3 };

/** the full snapshot an event carries (a repeat carries none) */
export function alarmOf(event: DomainEvent): Alarm | null {
  switch (event.type) {
    case 'alarm.raised':
    case 'alarm.acknowledged':
    case 'alarm.cleared':
      return event.data.alarm;
    default:
      return null;
  }
}

/**
 * Keeps the active (and acknowledged) alarms: newer snapshots replace, cleared ones leave, a
 * repeat updates an alarm the panel shows (one it does not show was cleared or is past its
 * list, and a repeat does not bring it back).
 */
export function applyToAlarms(list: readonly Alarm[], event: DomainEvent): Alarm[] {
  if (event.type === 'alarm.repeated') {
    const repeats = new Map(event.data.alarms.map((r) => [r.id, r]));
    let isChanged = false;
    const out = list.map((a) => {
      const r = repeats.get(a.id);
      if (!r || r.version <= a.version) return a;
      isChanged = true;
      return { ...a, ...r };
    });
    return isChanged ? sortAlarms(out) : (list as Alarm[]);
  }
  const next = alarmOf(event);
  if (!next) return list as Alarm[];
  const at = list.findIndex((a) => a.id === next.id);
  const cur = at >= 0 ? list[at]! : null;
  if (cur && cur.version >= next.version) return list as Alarm[];
  const out = list.filter((a) => a.id !== next.id);
  if (next.state !== 'cleared') out.push(next);
  return sortAlarms(out);
}

export function sortAlarms(list: Alarm[]): Alarm[] {
  return list.sort((a, b) => (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9)
    || b.lastSeenAt.localeCompare(a.lastSeenAt));
}
