import type { OrderStatus, Role } from '../contracts/model.js';

const OFFICE: readonly Role[] = ['admin', 'supervisor', 'dispatcher'];
const CLOSERS: readonly Role[] = ['admin', 'supervisor'];
const FIELD: readonly Role[] = ['technician'];
/** Acceptance is the customer's word (portal); the office records it when it comes by phone or mail. */
const ACCEPTORS: readonly Role[] = ['admin', 'supervisor', 'dispatcher', 'customer'];

/**
 * The order lifecycle: from each status, which next status which roles may set. Dispatch
 * (assign/release) and the sign-off use the same table, so nothing moves around it.
 */
export const ORDER_TRANSITIONS: Record<OrderStatus, Partial<Record<OrderStatus, readonly Role[]>>> = {
  new: { planned: OFFICE, cancelled: OFFICE },
  planned: { dispatched: OFFICE, cancelled: OFFICE },
  dispatched: { en_route: FIELD, planned: OFFICE, cancelled: OFFICE },
  en_route: { on_site: FIELD, dispatched: FIELD, cancelled: OFFICE },
  on_site: { completed: FIELD, cancelled: OFFICE },
  completed: { accepted: ACCEPTORS, rejected: ACCEPTORS, closed: CLOSERS },
  rejected: { planned: OFFICE, cancelled: OFFICE },
  accepted: { closed: CLOSERS },
  closed: {},
  cancelled: {},
};

export const OPEN_ORDER_STATUSES: OrderStatus[] = ['new', 'planned', 'dispatched', 'en_route', 'on_site', 'completed', 'rejected', 'accepted'];
/** Statuses in which the work is still to be done (a preventive order can be bundled into such a one). */
export const ACTIVE_ORDER_STATUSES: OrderStatus[] = ['new', 'planned', 'dispatched', 'en_route', 'on_site', 'rejected'];

export interface TransitionFacts {
  from: OrderStatus;
  to: OrderStatus;
  role: Role;
  /** a technician may move only orders assigned to them */
  isAssignee: boolean;
  hasTechnician: boolean;
  /** the customer accepted (on-site sign-off or portal) */
  isAccepted: boolean;
  reason?: string | undefined;
}

export type TransitionVerdict =
  | { ok: true }
  | { ok: false; why: 'not_allowed' | 'role' | 'not_assignee' | 'needs_technician' | 'needs_reason' | 'needs_acceptance'; allowed: OrderStatus[] };

/** Where an order in `from` may go next for this role. */
export function allowedOrderTransitions(from: OrderStatus, role: Role): OrderStatus[] {
  return Object.entries(ORDER_TRANSITIONS[from])
    .filter(([, roles]) => roles.includes(role))
    .map(([to]) => to as OrderStatus);
}

/** Decides a transition; the reasons name what is missing, so the API can say it. */
export function checkOrderTransition(f: TransitionFacts): TransitionVerdict {
  const allowed = allowedOrderTransitions(f.from, f.role);
  const roles = ORDER_TRANSITIONS[f.from][f.to];
  if (!roles) return { ok: false, why: 'not_allowed', allowed };
  if (!roles.includes(f.role)) return { ok: false, why: 'role', allowed };
  if (f.role === 'technician' && !f.isAssignee) return { ok: false, why: 'not_assignee', allowed: [] };
  if (f.to === 'dispatched' && !f.hasTechnician) return { ok: false, why: 'needs_technician', allowed };
  if ((f.to === 'cancelled' || f.to === 'rejected') && !f.reason) return { ok: false, why: 'needs_reason', allowed };
  // Closing needs the customer's acceptance, or a supervisor's recorded override.
  if (f.to === 'closed' && f.from === 'completed' && !f.isAccepted && !f.reason) return { ok: false, why: 'needs_acceptance', allowed };
  return { ok: true };
}

export function describeRefusal(v: Extract<TransitionVerdict, { ok: false }>, from: OrderStatus, to: OrderStatus, role: Role): string {
  switch (v.why) {
    case 'not_allowed': return `a ${from} order cannot become ${to}`;
    case 'role': return `a ${role} may not move an order from ${from} to ${to}`;
    case 'not_assignee': return 'only the assigned technician may change this order';
    case 'needs_technician': return 'assign a technician before dispatching';
    case 'needs_reason': return `${to === 'cancelled' ? 'cancelling' : 'rejecting'} needs a reason`;
    case 'needs_acceptance': return 'closing without the customer\'s acceptance needs an override reason';
  }
}
