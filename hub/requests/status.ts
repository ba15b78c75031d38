import type { RequestStatus, Role } from '../contracts/model.js';
import { CLOSERS, NEXT_STATUSES as NEXT, allowedNext, isClosing } from '../contracts/request-status.js';

export { allowedNext, isClosing };

const OPEN_TO_UNRESOLVED = ['new', 'assigned', 'in_progress', 'waiting_customer', 'suspended', 'escalated'] as const;

export type TransitionCheck =
  | { ok: true }
  | { ok: false; reason: 'not_allowed' | 'role' | 'needs_reason'; allowed: RequestStatus[] };

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

export const OPEN_STATUSES = [...OPEN_TO_UNRESOLVED] as RequestStatus[];
export const CLOSED_STATUSES: RequestStatus[] = ['resolved', 'closed', 'closed_unresolved'];
