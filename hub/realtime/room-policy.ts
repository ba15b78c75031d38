import type { Role } from '../contracts/model.js';

export interface RoomSubject {
  role: Role;
  /** null for API keys */
  userId: string | null;
  customerId: string | null;
  /** the teams the user belongs to */
  teamIds: ReadonlySet<string>;
  /** a socket opened with a request's tracking link: that request's room and nothing else */
  trackingRequestId?: string | null;
}

export type RoomDecision =
  | { kind: 'allow' }
  | { kind: 'deny'; reason: string }
  /** allowed if the request is visible to the subject (the same rule as GET /api/requests/:id) */
  | { kind: 'check_request'; requestId: string };

const STAFF: readonly Role[] = ['admin', 'supervisor', 'dispatcher', 'agent'];
const OVERSEERS: readonly Role[] = ['admin', 'supervisor', 'dispatcher'];

/**
 * Which rooms a socket may join (DESIGN.md invariant 4: everyone sees only what is theirs).
 * Agents get the queues of their own teams and the unrouted queue (requests nobody routed
 * still need a person to pick them up); supervisors, dispatchers and admins every queue.
 * Technicians and customers never see a queue: only their own room and the requests of theirs.
 */
export function decideRoom(s: RoomSubject, room: string): RoomDecision {
  if (s.trackingRequestId) return room === `request:${s.trackingRequestId}` ? allow : deny('a tracking link follows its own request only');
  const [kind, id] = splitRoom(room);
  switch (kind) {
    case 'queue':
      if (OVERSEERS.includes(s.role)) return allow;
      if (s.role === 'agent') return id === 'unrouted' || s.teamIds.has(id) ? allow : deny('not a member of this team');
      return deny(`a ${s.role} does not see queues`);
    case 'alarms':
    case 'calls':
      return STAFF.includes(s.role) ? allow : deny(`a ${s.role} does not see ${kind}`);
    case 'dispatch':
      return OVERSEERS.includes(s.role) ? allow : deny(`a ${s.role} does not see the dispatch board`);
    case 'request':
      return { kind: 'check_request', requestId: id };
    case 'customer':
      if (OVERSEERS.includes(s.role) || s.role === 'agent') return allow;
      return s.role === 'customer' && s.customerId === id ? allow : deny('only your own organisation');
    case 'technician':
      if (OVERSEERS.includes(s.role)) return allow;
      return s.role === 'technician' && s.userId === id ? allow : deny('only your own orders');
    case 'user':
      return s.userId === id ? allow : deny('only your own room');
    default:
      return deny('unknown room');
  }
}

const allow: RoomDecision = { kind: 'allow' };
function deny(reason: string): RoomDecision {
  return { kind: 'deny', reason };
}

function splitRoom(room: string): [string, string] {
  const i = room.indexOf(':');
  return i < 0 ? [room, ''] : [room.slice(0, i), room.slice(i + 1)];
}

/** The rooms of an event that a socket is in: what a replay sends it. */
export function isForRooms(eventRooms: readonly string[], joined: ReadonlySet<string>): boolean {
  for (const r of eventRooms) if (joined.has(r)) return true;
  return false;
}
