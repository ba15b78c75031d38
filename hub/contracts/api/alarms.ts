import { z } from '@hono/zod-openapi';
import { AlarmSummary } from '../domain-events.js';
import { AlarmState, Severity } from '../model.js';

/** The unit an alarm is about, as an agent names it on the phone. */
export const AlarmUnit = z.object({
  serialNumber: z.string(), model: z.string(), customerName: z.string(), siteName: z.string().nullable(),
}).openapi('AlarmUnit');

export const AlarmView = AlarmSummary.extend({ unit: AlarmUnit.nullable() }).openapi('Alarm');

export const AlarmOccurrenceView = z.object({
  bucket: z.iso.datetime(), raises: z.number().int(), clears: z.number().int(), maxSeverity: Severity.nullable(),
}).openapi('AlarmOccurrence');

export const AlarmDetail = AlarmSummary.extend({
  unit: AlarmUnit.nullable(),
  /** per-minute history, newest first (at most the last 1,440 minutes with messages) */
  occurrences: z.array(AlarmOccurrenceView),
}).openapi('AlarmDetail');

export const AlarmListQuery = z.object({
  state: AlarmState.optional(), severity: Severity.optional(), assetId: z.uuid().optional(), requestId: z.uuid().optional(),
});

export const ReplayResult = z.object({
  deadLetterId: z.uuid(),
  outcome: z.enum(['recorded', 'duplicate', 'status']),
  alarmId: z.uuid().nullable(),
}).openapi('DeadLetterReplay');
