import { z } from 'zod';

/** Every job's payload schema: the name → schema registry the runner validates against. No sensitive data in here. */
export const jobRegistry = {
  /** a durable timer from the timers table came due */
  'timer.fire': z.object({ timerId: z.uuid() }),
  /** retention: prune the event log past its age */
  'events.prune': z.object({ olderThanDays: z.number().int().positive() }),
  /** every minute: put timers that come due soon on the queue (and any whose copy was lost) */
  'timers.sweep': z.object({}),
} as const;
export type JobRegistryType = typeof jobRegistry;
export type JobName = keyof JobRegistryType;

/** What a timer does when it fires; the timers table stores one of these. */
export const TimerAction = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sla.response'), requestId: z.uuid() }),
  z.object({ kind: z.literal('sla.resolution'), requestId: z.uuid() }),
]);
export type TimerAction = z.infer<typeof TimerAction>;
