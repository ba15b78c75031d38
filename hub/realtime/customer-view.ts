import type { LoggedEvent } from '../contracts/domain-events.js';

/**
 * The events that change what the customer portal shows. Everything else (alarm repeats,
 * calls, requisitions, technicians, SLA clocks, internal notes) is staff business: a customer's
 * socket does not even hear that it happened.
 */
function isSeenByCustomers(e: LoggedEvent): boolean {
  switch (e.type) {
    case 'request.timeline_added':
      return !e.data.isInternal;
    case 'request.created':
    case 'request.updated':
    case 'request.duplicate_attached':
    case 'request.merged':
    case 'request.split':
    case 'order.created':
    case 'order.updated':
    case 'order.status_changed':
    case 'order.dispatched':
    case 'order.signed_off':
    case 'order.feedback_submitted':
      return true;
    default:
      return false;
  }
}

/**
 * What a customer's socket is told of `events` (already those of its rooms): which of the
 * requests it follows changed, or null when nothing it may see did. Only requests whose room the
 * socket joined are named (the room policy let it in); a change that reached it through its
 * organisation's room alone says "something changed" with no id.
 */
export function customerChanges(events: readonly LoggedEvent[], joined: ReadonlySet<string>): { requestIds: string[] } | null {
  const ids = new Set<string>();
  let isAny = false;
  for (const e of events) {
    if (!isSeenByCustomers(e)) continue;
    isAny = true;
    for (const room of e.rooms) if (room.startsWith('request:') && joined.has(room)) ids.add(room.slice('request:'.length));
  }
  return isAny ? { requestIds: [...ids].sort() } : null;
}
