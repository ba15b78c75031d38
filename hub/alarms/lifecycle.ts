import { SEVERITIES, type AlarmState, type Severity } from '../contracts/model.js';

/** One alarm message, as the lifecycle sees it. */
export interface AlarmMsg {
  state: 'raised' | 'cleared';
  severity: Severity;
  /** message time: the device's ts, else when the hub received it */
  at: Date;
  message?: string;
}

/** The lifecycle fields of an alarm row. */
export interface AlarmFacts {
  state: AlarmState;
  severity: Severity;
  message: string | null;
  count: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  stateChangedAt: Date;
  clearedAt: Date | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  isFlapping: boolean;
  flapCount: number;
}

export type Transition = 'raised' | 'reopened' | 'cleared';

/** What a batch does to one alarm: an existing row (id) or a new one (id null). */
export interface AlarmDraft {
  id: string | null;
  facts: AlarmFacts;
  transitions: Transition[];
  /** raise messages recorded on it in this batch (new ones and repeats) */
  raises: number;
  /** the severity rose in this batch */
  isMoreSevere: boolean;
  /** every message recorded on it, for the occurrence history */
  recorded: AlarmMsg[];
}

/** critical is the most severe */
export const isMoreSevere = (a: Severity, b: Severity) => SEVERITIES.indexOf(a) < SEVERITIES.indexOf(b);
const maxSeverity = (a: Severity, b: Severity) => (isMoreSevere(b, a) ? b : a);
const minDate = (a: Date, b: Date) => (a < b ? a : b);
const maxDate = (a: Date, b: Date) => (a > b ? a : b);

/**
 * Folds one (asset, fault code)'s messages of a batch, sorted by message time, into its alarm(s).
 * Message time decides, not arrival order: a clear older than the latest raise clears nothing, a
 * raise older than the last clear reopens nothing (it is counted). A raise within the flapping
 * window after a clear reopens the same alarm; later, it is a new alarm. A clear with no alarm
 * yet (it overtook its raise) leaves a cleared alarm, so the late raise cannot open it again.
 */
export function foldAlarm(current: { id: string; facts: AlarmFacts } | null, msgs: readonly AlarmMsg[], flapWindowMs: number): AlarmDraft[] {
  const drafts: AlarmDraft[] = current
    ? [{ id: current.id, facts: { ...current.facts }, transitions: [], raises: 0, isMoreSevere: false, recorded: [] }]
    : [];
  for (const m of msgs) {
    const d = drafts.at(-1);
    if (!d || (m.state === 'raised' && isNewAfter(d.facts, m, flapWindowMs))) {
      drafts.push(fresh(m));
      continue;
    }
    const f = d.facts;
    d.recorded.push(m);
    if (m.state === 'cleared') {
      // older than the last raise or state change: a newer raise already said the fault is there
      if (m.at < f.stateChangedAt || (f.state !== 'cleared' && m.at < f.lastSeenAt)) continue;
      if (f.state !== 'cleared') d.transitions.push('cleared');
      f.state = 'cleared';
      f.clearedAt = m.at;
      f.stateChangedAt = m.at;
      continue;
    }
    d.raises++;
    f.count++;
    f.firstSeenAt = minDate(f.firstSeenAt, m.at);
    f.lastSeenAt = maxDate(f.lastSeenAt, m.at);
    if (isMoreSevere(m.severity, f.severity)) {
      f.severity = m.severity;
      d.isMoreSevere = true;
    }
    if (m.message) f.message = m.message;
    if (f.state === 'cleared' && m.at >= f.stateChangedAt) {
      Object.assign(f, {
        state: 'active', stateChangedAt: m.at, clearedAt: null, acknowledgedAt: null, acknowledgedBy: null,
        isFlapping: true, flapCount: f.flapCount + 1,
      } satisfies Partial<AlarmFacts>);
      d.transitions.push('reopened');
    }
  }
  return drafts;
}

/** a raise after the clear, beyond the flapping window: a new alarm, not the old one again */
function isNewAfter(f: AlarmFacts, m: AlarmMsg, flapWindowMs: number): boolean {
  return f.state === 'cleared' && m.at >= f.stateChangedAt && m.at.getTime() - f.stateChangedAt.getTime() > flapWindowMs;
}

function fresh(m: AlarmMsg): AlarmDraft {
  const isRaise = m.state === 'raised';
  return {
    id: null,
    facts: {
      state: isRaise ? 'active' : 'cleared', severity: m.severity, message: m.message ?? null, count: isRaise ? 1 : 0,
      firstSeenAt: m.at, lastSeenAt: m.at, stateChangedAt: m.at, clearedAt: isRaise ? null : m.at,
      acknowledgedAt: null, acknowledgedBy: null, isFlapping: false, flapCount: 0,
    },
    transitions: [isRaise ? 'raised' : 'cleared'],
    raises: isRaise ? 1 : 0,
    isMoreSevere: false,
    recorded: [m],
  };
}

/** the alarm's priority on its request and order when no rule says otherwise */
export function priorityForSeverity(s: Severity) {
  return ({ critical: 'high', major: 'medium', minor: 'normal', warning: 'low' } as const)[s];
}

/** one occurrence-history row per alarm per minute */
export function minuteBuckets(msgs: readonly AlarmMsg[]) {
  const buckets = new Map<number, { bucket: Date; raises: number; clears: number; maxSeverity: Severity | null }>();
  for (const m of msgs) {
    const t = Math.floor(m.at.getTime() / 60_000) * 60_000;
    const b = buckets.get(t) ?? { bucket: new Date(t), raises: 0, clears: 0, maxSeverity: null };
    if (m.state === 'raised') {
      b.raises++;
      b.maxSeverity = b.maxSeverity ? maxSeverity(b.maxSeverity, m.severity) : m.severity;
    } else b.clears++;
    buckets.set(t, b);
  }
  return [...buckets.values()];
}
