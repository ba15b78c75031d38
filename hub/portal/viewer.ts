import type { Context } from 'hono';
import { and, eq, type SQL } from 'drizzle-orm';
import { serviceRequests } from '../../db/schema/index.js';
import type { HubEnv } from '../http/context.js';
import type { SecretBox } from '../mail/secrets.js';
import { Forbidden, Unauthorized } from '../platform/errors.js';
import { verifyTrackingToken } from './tracking.js';

/**
 * Who is looking at the portal: a customer account (their organisation's requests, orders and
 * units) or the holder of a request's tracking link (that one request only).
 */
export type Viewer =
  | { kind: 'customer'; customerId: string; userId: string }
  | { kind: 'tracking'; requestId: string };

export const TRACKING_HEADER = 'x-tracking-token';

export function viewerOf(c: Context<HubEnv>, secrets: SecretBox): Viewer {
  const tracking = c.req.header(TRACKING_HEADER);
  if (tracking) {
    const requestId = verifyTrackingToken(secrets, tracking);
    if (!requestId) throw new Unauthorized('this tracking link is not valid');
    return { kind: 'tracking', requestId };
  }
  const p = c.get('principal');
  if (!p) throw new Unauthorized('sign in to the portal, or open the link from your confirmation mail');
  if (p.role !== 'customer' || !p.customerId || !p.userId) throw new Forbidden('the portal is for customer accounts');
  return { kind: 'customer', customerId: p.customerId, userId: p.userId };
}

/** The requests a viewer may see: anything else answers 404, never 403, so ids cannot be probed. */
export function requestScope(v: Viewer, ...more: Array<SQL | undefined>): SQL | undefined {
  return and(v.kind === 'customer' ? eq(serviceRequests.customerId, v.customerId) : eq(serviceRequests.id, v.requestId), ...more);
}

/** Timeline and audit actor: the customer's account, or "customer" without an id for a tracking link. */
export function actorOfViewer(v: Viewer): { actorType: string; actorId: string | null } {
  return v.kind === 'customer' ? { actorType: 'user', actorId: v.userId } : { actorType: 'customer', actorId: null };
}
