import { and, eq, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../db/client.js';
import { auditLog, calls, serviceRequests } from '../../db/schema/index.js';
import { agentIntakeEvent } from '../../connectors/phone/agent-intake.js';
import type { CallToRequest } from '../contracts/api/calls.js';
import { actorOf, type Principal } from '../auth/principal.js';
import type { EventBus } from '../events/bus.js';
import { commitWithEvents } from '../events/unit-of-work.js';
import type { IntakePipeline } from '../intake/pipeline.js';
import { Conflict, NotFound } from '../platform/errors.js';
import { getRequest, visibleTo } from '../requests/queries.js';
import { callEvent } from './events.js';
import { logCallOnTimeline, toCallView } from './service.js';

/**
 * A call becomes part of a request: attached to an open one the agent picked from the
 * duplicates offered, or a new request opened from it (the caller filled in from the call).
 * The call lands on the request's timeline when it has ended (now, or at hangup).
 */
export async function callToRequest(db: Db, bus: EventBus, pipeline: IntakePipeline, p: Principal, callId: string, b: z.infer<typeof CallToRequest>) {
  const [call] = await db.select().from(calls).where(eq(calls.id, callId));
  if (!call) throw new NotFound('call', callId);
  if (call.requestId) throw new Conflict('the call already belongs to a request', { requestId: call.requestId });
  let requestId: string;
  if ('requestId' in b) {
    requestId = b.requestId;
  } else {
    const callerNumber = call.direction === 'in' ? call.fromNumber : call.toNumber;
    const result = await pipeline.submit(agentIntakeEvent({
      ...b, channel: 'phone',
      ...(b.contactId || b.contact || !call.contactId ? {} : { contactId: call.contactId }),
      ...(b.customerId || call.contactId ? {} : call.customerId ? { customerId: call.customerId } : {}),
      ...(b.contactId || b.contact || call.contactId ? {} : { contact: { phone: callerNumber } }),
    }, { actor: actorOf(p) }));
    if (!result.requestId) throw new Conflict('the request could not be opened', { result });
    requestId = result.requestId;
  }
  const view = await commitWithEvents(db, bus, async (tx, emit) => {
    const [req] = await tx.select({ id: serviceRequests.id }).from(serviceRequests)
      .where(and(eq(serviceRequests.id, requestId), visibleTo(p))).for('update');
    if (!req) throw new NotFound('request', requestId);
    const [row] = await tx.update(calls).set({ requestId, version: sql`${calls.version} + 1`, updatedAt: sql`now()` })
      .where(and(eq(calls.id, callId), isNull(calls.requestId))).returning();
    if (!row) throw new Conflict('the call was attached to a request meanwhile');
    await tx.insert(auditLog).values({ actorType: p.kind, actorId: p.id, action: 'attach_call', entity: 'service_request', entityId: requestId, changes: { callId } });
    const v = await toCallView(tx, row);
    emit(callEvent(v));
    await logCallOnTimeline(tx, v, emit);
    return v;
  });
  const { timeline: _t, ...request } = await getRequest(db, p, requestId);
  return { call: view, request };
}
