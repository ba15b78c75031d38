import { z } from 'zod';

export const ErrorCode = z.enum([
  'BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED', 'INTERNAL', 'UNAVAILABLE',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const statusOf: Record<ErrorCode, 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 503> = {
  BAD_REQUEST: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413, RATE_LIMITED: 429, INTERNAL: 500, UNAVAILABLE: 503,
};

export interface AppErrorOptions {
  context?: Record<string, unknown>;
  /** shown to the caller as error.details */
  details?: Record<string, unknown>;
  retryable?: boolean;
  cause?: unknown;
}

export class AppError extends Error {
  readonly context: Record<string, unknown>;
  readonly details: Record<string, unknown> | undefined;
  readonly retryable: boolean;
  constructor(readonly code: ErrorCode, message: string, opts: AppErrorOptions = {}) {
    super(message, { cause: opts.cause });
    this.name = new.target.name;
    this.context = opts.context ?? {};
    this.details = opts.details;
    this.retryable = opts.retryable ?? false;
  }
}

export class BadRequest extends AppError {
  constructor(message: string, fields?: Record<string, string>) {
    super('BAD_REQUEST', message, fields ? { details: { fields } } : {});
  }
}
export class Unauthorized extends AppError {
  constructor(message = 'sign in first') { super('UNAUTHORIZED', message); }
}
export class Forbidden extends AppError {
  constructor(message = 'your role may not do this') { super('FORBIDDEN', message); }
}
export class NotFound extends AppError {
  constructor(entity: string, id: string) { super('NOT_FOUND', `${entity} ${id} not found`, { context: { entity, id } }); }
}
export class Conflict extends AppError {
  constructor(message: string, details?: Record<string, unknown>) { super('CONFLICT', message, details ? { details } : {}); }
}
/** An update stated a version that is no longer current. */
export class StaleVersion extends Conflict {
  constructor(entity: string, expected: number, current: number | undefined) {
    super(`${entity} was changed by someone else; reload and try again`, { expectedVersion: expected, currentVersion: current });
  }
}
export class RateLimited extends AppError {
  constructor(message: string, readonly retryAfterSeconds: number) {
    super('RATE_LIMITED', message, { details: { retryAfterSeconds } });
  }
}

/** Turns zod issues into `{ "a.b": "message" }` for `details.fields`. */
export function fieldsOf(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.map(String).join('.') : '_';
    fields[key] ??= issue.message;
  }
  return fields;
}

/** PostgreSQL error codes we turn into domain answers; works for both drivers (the code sits on the cause for drizzle). */
export function pgErrorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
export function pgConstraint(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const c = (e as { constraint_name?: unknown; constraint?: unknown });
    const name = c.constraint_name ?? c.constraint;
    if (typeof name === 'string') return name;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
export function pgMessage(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const m = (e as { message?: unknown }).message;
    if (typeof m === 'string') parts.push(m);
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join(' | ');
}
