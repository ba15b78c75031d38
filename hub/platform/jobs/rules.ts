// Validation and defaults shared by both adapters, so they cannot drift apart.
import { CronExpressionParser } from 'cron-parser';
import type { z } from 'zod';
import { AppError } from '../errors.js';
import type { EnqueueOptions, JobRegistry, RecurringSpec } from './port.js';

export const DEFAULT_ATTEMPTS = 5;
export const DEFAULT_BACKOFF = { type: 'exponential', delayMs: 1000 } as const;
export const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;

// Job payloads and options are built by hub code, not sent by clients, so a bad one is a bug
// (INTERNAL). AppError defaults to retryable: false: a job failing on these is not retried.
export class InvalidJobPayload extends AppError {
  constructor(readonly jobName: string, readonly issues: z.core.$ZodIssue[], when: 'enqueue' | 'run') {
    const detail = issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
    super('INTERNAL', `invalid payload for job "${jobName}" at ${when}: ${detail}`, { context: { jobName, when } });
  }
}

export class UnknownJobName extends AppError {
  constructor(readonly jobName: string) {
    super('INTERNAL', `unknown job "${jobName}": it is not in the job registry`, { context: { jobName } });
  }
}

export class InvalidJobOptions extends AppError {
  constructor(message: string) {
    super('INTERNAL', message);
  }
}

/** Retryable: a handler that enqueues a follow-up during shutdown should be retried, not failed for good. */
export class JobRunnerClosed extends AppError {
  constructor() {
    super('UNAVAILABLE', 'job runner is closed', { retryable: true });
  }
}

export function schemaOf(registry: JobRegistry, name: string): z.ZodType {
  // hasOwn keeps 'constructor', '__proto__' and friends from passing as job names
  const schema = Object.hasOwn(registry, name) ? registry[name] : undefined;
  if (!schema) throw new UnknownJobName(name);
  return schema;
}

/**
 * Parses a payload and returns what is stored: the parsed value, JSON round-tripped, so
 * the in-process runner hands handlers exactly what BullMQ would after Redis.
 */
export function parsePayload(registry: JobRegistry, name: string, payload: unknown, when: 'enqueue' | 'run'): unknown {
  const result = schemaOf(registry, name).safeParse(payload);
  if (!result.success) throw new InvalidJobPayload(name, result.error.issues, when);
  if (when === 'run') return result.data;
  const json = JSON.stringify(result.data);
  if (json === undefined) throw new InvalidJobOptions(`payload for job "${name}" is not JSON-serializable`);
  return JSON.parse(json) as unknown;
}

export interface ResolvedEnqueue {
  delayMs: number;
  attempts: number;
  backoff: { type: 'fixed' | 'exponential'; delayMs: number };
  dedupKey: string | undefined;
}

export function resolveEnqueueOptions(opts: EnqueueOptions, nowMs: number): ResolvedEnqueue {
  if (opts.delayMs !== undefined && opts.runAt !== undefined) {
    throw new InvalidJobOptions('pass delayMs or runAt, not both');
  }
  const attempts = opts.attempts ?? DEFAULT_ATTEMPTS;
  if (!Number.isInteger(attempts) || attempts < 1) throw new InvalidJobOptions(`attempts must be an integer >= 1, got ${attempts}`);
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  if (!(backoff.delayMs >= 0)) throw new InvalidJobOptions(`backoff.delayMs must be >= 0, got ${backoff.delayMs}`);
  const delayMs = opts.runAt ? opts.runAt.getTime() - nowMs : (opts.delayMs ?? 0);
  if (Number.isNaN(delayMs)) throw new InvalidJobOptions('delayMs/runAt is not a number');
  if (opts.jobId === '') throw new InvalidJobOptions('jobId must not be empty');
  return { delayMs: Math.max(0, delayMs), attempts, backoff: { type: backoff.type, delayMs: backoff.delayMs }, dedupKey: opts.jobId };
}

/** Same formula as BullMQ's built-in strategies, so both adapters retry on the same timeline. */
export function backoffDelayMs(backoff: ResolvedEnqueue['backoff'], failedAttempt: number): number {
  return backoff.type === 'fixed' ? backoff.delayMs : Math.round(2 ** (failedAttempt - 1) * backoff.delayMs);
}

export type ResolvedSpec = { kind: 'every'; everyMs: number } | { kind: 'cron'; pattern: string; tz: string | undefined };

export function resolveRecurringSpec(spec: RecurringSpec): ResolvedSpec {
  if ((spec.everyMs === undefined) === (spec.pattern === undefined)) {
    throw new InvalidJobOptions('a recurring job needs exactly one of everyMs or pattern');
  }
  if (spec.everyMs !== undefined) {
    if (!Number.isInteger(spec.everyMs) || spec.everyMs < 1) throw new InvalidJobOptions(`everyMs must be an integer >= 1, got ${spec.everyMs}`);
    if (spec.tz !== undefined) throw new InvalidJobOptions('tz applies to pattern only');
    return { kind: 'every', everyMs: spec.everyMs };
  }
  const pattern = spec.pattern ?? '';
  // parse now so a bad pattern fails the caller instead of a timer or a Redis script later
  nextCronMs({ pattern, tz: spec.tz }, Date.now());
  return { kind: 'cron', pattern, tz: spec.tz };
}

export function nextCronMs(spec: { pattern: string; tz: string | undefined }, afterMs: number): number {
  const fields = spec.pattern.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) throw new InvalidJobOptions(`cron pattern needs 5 or 6 fields: "${spec.pattern}"`);
  try {
    const expr = CronExpressionParser.parse(spec.pattern, { currentDate: afterMs, ...(spec.tz ? { tz: spec.tz } : {}) });
    return expr.next().getTime();
  } catch (err) {
    throw new InvalidJobOptions(`invalid cron pattern "${spec.pattern}": ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Resolves true once every promise settled, false if the bound ran out first. */
export async function settleWithin(promises: Iterable<Promise<unknown>>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  try {
    return await Promise.race([Promise.allSettled(promises).then(() => true as const), bound]);
  } finally {
    clearTimeout(timer);
  }
}

export function checkConcurrency(name: string, concurrency: number | undefined): number {
  const n = concurrency ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new InvalidJobOptions(`concurrency for job "${name}" must be an integer >= 1, got ${n}`);
  return n;
}
