import type { RequestStatus, Role } from './model.js';

// The request status machine, shared by the hub (which enforces it) and the console (which
// offers only these moves). Pure data: no zod, so the console bundles it for free.

/** DESIGN.md's request status machine: where each status may go next. */
export const NEXT_STATUSES: Record<RequestStatus, readonly RequestStatus[]> = {
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
export const CLOSERS: readonly Role[] = ['admin', 'supervisor'];

export function isClosing(s: RequestStatus): boolean {
  return s === 'closed' || s === 'closed_unresolved';
}

export function allowedNext(from: RequestStatus, role: Role): RequestStatus[] {
  return NEXT_STATUSES[from].filter((to) => !isClosing(to) || CLOSERS.includes(role));
}
