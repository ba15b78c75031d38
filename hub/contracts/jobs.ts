import { z } from 'zod';

/** Every job's payload schema: the name → schema registry the runner validates against. No sensitive data in here. */
export const jobRegistry = {
  /** a durable timer from the timers table came due */
  'timer.fire': z.object({ timerId: z.uuid() }),
  /** retention: prune the event log past its age */
  'events.prune': z.object({ olderThanDays: z.number().int().positive() }),
  /** every minute: put timers that come due soon on the queue (and any whose copy was lost) */
  'timers.sweep': z.object({}),
  /** retention: prune alarm occurrence history of cleared alarms and MQTT receipts past their age */
  'alarms.prune': z.object({ olderThanDays: z.number().int().positive() }),
  /** deliver due outbox mail (woken after commits that queued mail, and every 15 s for retries) */
  'outbox.send': z.object({}),
  /** reconcile this hub's mailbox sessions (each hub now runs its own 60 s timer; kept so a queued job from an older hub still has a handler) */
  'mailboxes.reconcile': z.object({}),
  /** hourly and at start: preventive orders for maintenance plans due within their lead time */
  'maintenance.generate': z.object({}),
} as const;
export type JobRegistryType = typeof jobRegistry;
export type JobName = keyof JobRegistryType;

/** What a timer does when it fires; the timers table stores one of these. */
/** An SLA timer first fires at 80% of its budget (warn), then at the due time (breach). */
export const SlaPhase = z.enum(['warn', 'breach']);
export const TimerAction = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sla.response'), requestId: z.uuid(), phase: SlaPhase.default('breach') }),
  z.object({ kind: z.literal('sla.resolution'), requestId: z.uuid(), phase: SlaPhase.default('breach') }),
  z.object({ kind: z.literal('sla.on_site'), orderId: z.uuid(), phase: SlaPhase.default('breach') }),
]);
export type TimerAction = z.infer<typeof TimerAction>;
