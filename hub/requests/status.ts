import type { RequestStatus, Role } from '../contracts/model.js';

const OPEN_TO_UNRESOLVED = ['new', 'assigned', 'in_progress', 'waiting_customer', 'suspended', 'escalated'] as const;

/** DESIGN.md's request status machine: where each status may go next. */
const NEXT: Record<RequestStatus, readonly RequestStatus[]> = {
  new: ['assigned', 'in_progress', 'escalated', 'resolved', 'closed_unresolved'],
  assigned: ['in_progress', 'waiting_customer', 'suspended', 'escalated', 'resolved', 'closed_unresolved'],
  in_progress: ['waiting_customer', 'suspended', 'escalated', 'resolved', 'closed_unresolved'],
  waiting_customer: ['in_progress', 'suspended', 'escalated', 'resolved', 'closed_unresolved'],
  suspended: ['in_progress', 'escalated', 'closed_unresolved'],
  escalated: ['in_progress', 'resolved', 'closed_unresolved'],
  resolved: ['closed', 'in_progress'],
  closed: [],
  closed_unresolved: [],
};

/** Closing is for supervisors (seed 003: only certain roles may close a report). */
const CLOSERS: readonly Role[] = ['admin', 'supervisor'];

export type TransitionCheck =
  | { ok: true }
  | { ok: false; reason: 'not_allowed' | 'role' | 'needs_reason'; allowed: RequestStatus[] };

export function allowedNext(from: RequestStatus, role: Role): RequestStatus[] {
  return NEXT[from].filter((to) => !isClosing(to) || CLOSERS.includes(role));
}

/**
 * A request closes only after customer feedback or by a supervisor with a recorded reason.
 * Feedback (portal acceptance, sign-off, reply) arrives with later channels; until then, a
 * close always needs the supervisor's reason.
 */
export function checkTransition(from: RequestStatus, to: RequestStatus, role: Role, reason: string | undefined, hasCustomerFeedback: boolean): TransitionCheck {
  const allowed = allowedNext(from, role);
  if (!NEXT[from].includes(to)) return { ok: false, reason: 'not_allowed', allowed };
  if (isClosing(to) && !CLOSERS.includes(role)) return { ok: false, reason: 'role', allowed };
  if (to === 'closed_unresolved' && !reason) return { ok: false, reason: 'needs_reason', allowed };
  if (to === 'closed' && !hasCustomerFeedback && !reason) return { ok: false, reason: 'needs_reason', allowed };
  return { ok: true };
}

export function isClosing(s: RequestStatus): boolean {
  return s === 'closed' || s === 'closed_unresolved';
}
export const OPEN_STATUSES = [...OPEN_TO_UNRESOLVED] as RequestStatus[];
export const CLOSED_STATUSES: RequestStatus[] = ['resolved', 'closed', 'closed_unresolved'];
