import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError, BadRequest, type ErrorCode, Forbidden, Unauthorized, fieldsOf, pgConstraint, pgErrorCode, pgMessage, statusOf } from '../platform/errors.js';
import { can, type Permission } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import type { HubEnv } from './context.js';

/** Every sub-app uses this, so a failed validation renders the one error shape with details.fields. */
export function createRouter() {
  return new OpenAPIHono<HubEnv>({
    defaultHook: (result) => {
      if (!result.success) throw new BadRequest('the request is not valid', fieldsOf(result.error as z.ZodError));
    },
  });
}

export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    requestId: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
}).openapi('Error');

export function renderError(c: Context<HubEnv>, err: unknown) {
  const requestId = c.get('requestId') ?? 'unknown';
  const app = toAppError(err);
  if (!app) {
    c.get('log')?.error({ err }, 'unhandled error');
    return c.json({ error: { code: 'INTERNAL', message: 'something went wrong on our side', requestId } }, 500);
  }
  const status = statusOf[app.code];
  if (app.code === 'RATE_LIMITED' && typeof app.details?.retryAfterSeconds === 'number') {
    c.header('Retry-After', String(app.details.retryAfterSeconds));
  }
  if (status >= 500) c.get('log')?.error({ err }, 'request failed');
  return c.json({ error: { code: app.code, message: app.message, requestId, ...(app.details ? { details: app.details } : {}) } }, status);
}

/** Database constraint failures are answers too: a duplicate is a conflict, a dangling reference a bad request. */
function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (err instanceof HTTPException) {
    const byStatus: Record<number, ErrorCode> = { 400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 413: 'PAYLOAD_TOO_LARGE' };
    return new AppError(byStatus[err.status] ?? 'BAD_REQUEST', err.message || 'the request is not valid');
  }
  if (err instanceof z.ZodError) return new BadRequest('the request is not valid', fieldsOf(err));
  const code = pgErrorCode(err);
  const constraint = pgConstraint(err);
  if (code === '23505') return new AppError('CONFLICT', 'a record with the same unique value exists', { details: { constraint } });
  if (code === '23503') {
    // PostgreSQL says "update or delete on table …" when a row is still referenced, "insert or update …" when a reference dangles.
    return /update or delete on table/.test(pgMessage(err))
      ? new AppError('CONFLICT', 'other records still refer to this one', { details: { constraint } })
      : new AppError('BAD_REQUEST', 'a referenced record does not exist', { details: { constraint } });
  }
  if (code === '22P02' || code === '22007' || code === '22008') return new BadRequest('a value has the wrong format');
  return null;
}

export function principalOf(c: Context<HubEnv>): Principal {
  const p = c.get('principal');
  if (!p) throw new Unauthorized();
  return p;
}

/** The caller, if their role has the permission; 401 without sign-in, 403 otherwise. */
export function requirePermission(c: Context<HubEnv>, permission: Permission): Principal {
  const p = principalOf(c);
  if (!can(p.role, permission)) throw new Forbidden(`role ${p.role} may not ${permission.replace('.', ' ')}`);
  return p;
}

export const errorResponses = {
  400: { description: 'invalid input; details.fields names each bad field', content: { 'application/json': { schema: ErrorBody } } },
  401: { description: 'not signed in', content: { 'application/json': { schema: ErrorBody } } },
  403: { description: 'role may not do this', content: { 'application/json': { schema: ErrorBody } } },
} as const;
export const notFoundResponse = { 404: { description: 'not found', content: { 'application/json': { schema: ErrorBody } } } } as const;
export const conflictResponse = { 409: { description: 'conflict (stale version, duplicate, still referenced)', content: { 'application/json': { schema: ErrorBody } } } } as const;

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}
export function body<T extends z.ZodType>(schema: T) {
  return { body: { content: { 'application/json': { schema } }, required: true } };
}
