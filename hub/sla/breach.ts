import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { serviceRequests, timelineEntries } from '../../db/schema/index.js';
import type { TimerAction } from '../contracts/jobs.js';
import type { EventBus } from '../events/bus.js';
import { commitWithEvents } from '../events/unit-of-work.js';
import { toRequestSummary, toTimelineView } from '../requests/summary.js';
import { CLOSED_STATUSES } from '../requests/status.js';

/**
 * A request's SLA clock ran out: if it still has no first response (or is not resolved), the
 * breach is put on its timeline and announced. A request answered in time is left alone.
 */
export async function checkSlaBreach(db: Db, bus: EventBus, action: TimerAction): Promise<void> {
  const clock = action.kind === 'sla.response' ? 'response' : 'resolution';
  await commitWithEvents(db, bus, async (tx, emit) => {
    const [r] = await tx.select().from(serviceRequests).where(eq(serviceRequests.id, action.requestId));
    if (!r || CLOSED_STATUSES.includes(r.status) || r.mergedIntoId) return;
    const dueAt = clock === 'response' ? r.responseDueAt : r.resolutionDueAt;
    if (!dueAt || dueAt.getTime() > Date.now()) return;
    if (clock === 'response' && r.firstRespondedAt) return;
    const [entry] = await tx.insert(timelineEntries).values({
      requestId: r.id, kind: 'sla', actorType: 'system', body: `${clock} time exceeded`, data: { clock, dueAt: dueAt.toISOString() },
    }).returning();
    emit({ type: 'sla.breached', data: { request: toRequestSummary(r), clock, dueAt: dueAt.toISOString() } });
    emit({ type: 'request.timeline_added', data: toTimelineView(entry!) });
  });
}
