import type { LoggedEvent, RequestSummary, TimelineEntryView } from '../api/types';

let n = 0;
const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

export function summary(over: Partial<RequestSummary> = {}): RequestSummary {
  n += 1;
  return {
    id: uuid(n), number: `SR-${String(n).padStart(6, '0')}`, type: 'request', channel: 'phone', priority: 'normal', status: 'new',
    subject: `Request ${n}`, teamId: uuid(900), assigneeId: null, customerId: null, assetId: null, warranty: 'unknown', version: 1,
    responseDueAt: null, resolutionDueAt: null, createdAt: new Date(Date.UTC(2026, 10, 23, 10, n)).toISOString(),
    updatedAt: new Date(Date.UTC(2026, 10, 23, 10, n)).toISOString(), ...over,
  };
}

export function entry(requestId: string, over: Partial<TimelineEntryView> = {}): TimelineEntryView {
  n += 1;
  return {
    id: uuid(n), requestId, kind: 'note', actorType: 'user', actorId: null, body: `note ${n}`, data: {}, isInternal: true,
    createdAt: new Date(Date.UTC(2026, 10, 23, 11, n)).toISOString(), ...over,
  };
}

let seq = 100;
export function logged(event: LoggedEvent extends infer E ? E extends LoggedEvent ? Omit<E, 'seq' | 'rooms' | 'committedAt'> : never : never, rooms: string[] = []): LoggedEvent {
  seq += 1;
  return { ...event, seq, rooms, committedAt: new Date().toISOString() } as LoggedEvent;
}

export const TEAM = uuid(900);
export const OTHER_TEAM = uuid(901);
