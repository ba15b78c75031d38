import { z } from '@hono/zod-openapi';
import { RequestStatus, Priority } from '../model.js';
import { RequestView } from './requests.js';

const version = z.number().int().positive().describe('the version you read; 409 when it is stale');

export const ClaimBody = z.object({ version }).openapi('ClaimBody');

/** What a 409 on a claim carries in error.details. */
export const ClaimConflictDetails = z.object({
  assignee: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  currentVersion: z.number().int(),
});

export const EscalateBody = z.object({
  version,
  reason: z.string().trim().min(1).max(2000),
  teamId: z.uuid().optional().describe('hand the request to this team (e.g. second level) as it escalates'),
}).openapi('EscalateBody');

export const LinkAssetBody = z.object({
  version,
  assetId: z.uuid().nullable().describe('null unlinks the unit'),
}).openapi('LinkAssetBody');

export const MergeBody = z.object({
  version,
  intoId: z.uuid().describe('the survivor: keeps its number and gets this request\'s history by reference'),
}).openapi('MergeBody');
export const MergeResult = z.object({ merged: RequestView, into: RequestView }).openapi('MergeResult');

export const SplitBody = z.object({
  version,
  timelineEntryIds: z.array(z.uuid()).min(1).max(200).describe('entries to copy into the new request; the original keeps them'),
  subject: z.string().trim().min(1).max(300),
  priority: Priority.optional(),
}).openapi('SplitBody');
export const SplitResult = z.object({ original: RequestView, created: RequestView }).openapi('SplitResult');

/** One team's queue (teamId null: requests no rule routed). */
export const QueueCounts = z.object({
  teamId: z.uuid().nullable(),
  name: z.string(),
  isMember: z.boolean().describe('the caller belongs to this team'),
  open: z.number().int(),
  unassigned: z.number().int(),
  breached: z.number().int().describe('open requests past a response or resolution deadline'),
  byStatus: z.partialRecord(RequestStatus, z.number().int()),
  byPriority: z.partialRecord(Priority, z.number().int()),
}).openapi('QueueCounts');
export const QueueList = z.object({ items: z.array(QueueCounts) }).openapi('QueueList');
