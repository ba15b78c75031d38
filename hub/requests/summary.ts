import type { InferSelectModel } from 'drizzle-orm';
import type { serviceRequests, timelineEntries } from '../../db/schema/index.js';
import type { RequestSummary, TimelineEntryView } from '../contracts/domain-events.js';
import { formatRequestNumber } from '../contracts/model.js';

export type RequestRow = InferSelectModel<typeof serviceRequests>;
export type TimelineRow = InferSelectModel<typeof timelineEntries>;

export function toRequestSummary(r: RequestRow): RequestSummary {
  return {
    id: r.id,
    number: formatRequestNumber(r.number),
    type: r.type,
    channel: r.channel,
    priority: r.priority,
    status: r.status,
    subject: r.subject,
    teamId: r.teamId,
    assigneeId: r.assigneeId,
    customerId: r.customerId,
    assetId: r.assetId,
    warranty: r.warranty,
    version: r.version,
    responseDueAt: r.responseDueAt?.toISOString() ?? null,
    resolutionDueAt: r.resolutionDueAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export function toTimelineView(t: TimelineRow): TimelineEntryView {
  return {
    id: t.id, requestId: t.requestId, kind: t.kind, actorType: t.actorType, actorId: t.actorId,
    body: t.body, data: t.data, isInternal: t.isInternal, createdAt: t.createdAt.toISOString(),
  };
}
