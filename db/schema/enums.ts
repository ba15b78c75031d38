import { pgEnum } from 'drizzle-orm/pg-core';

// The value lists live in hub/contracts/model.ts (zod), so the API, the console and the
// database share one definition.
import {
  CHANNELS, ORDER_KINDS, ORDER_STATUSES, PRIORITIES, REQUEST_STATUSES, REQUEST_TYPES, ROLES,
  SEVERITIES, WARRANTY_VERDICTS, COVERAGES, TIMELINE_KINDS,
} from '../../hub/contracts/model.js';

export const roleEnum = pgEnum('role', ROLES);
export const channelEnum = pgEnum('channel', CHANNELS);
export const requestTypeEnum = pgEnum('request_type', REQUEST_TYPES);
export const requestStatusEnum = pgEnum('request_status', REQUEST_STATUSES);
export const priorityEnum = pgEnum('priority', PRIORITIES);
export const severityEnum = pgEnum('severity', SEVERITIES);
export const warrantyVerdictEnum = pgEnum('warranty_verdict', WARRANTY_VERDICTS);
export const coverageEnum = pgEnum('coverage', COVERAGES);
export const orderKindEnum = pgEnum('order_kind', ORDER_KINDS);
export const orderStatusEnum = pgEnum('order_status', ORDER_STATUSES);
export const timelineKindEnum = pgEnum('timeline_kind', TIMELINE_KINDS);
