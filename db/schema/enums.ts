import { pgEnum } from 'drizzle-orm/pg-core';

// The value lists live in hub/contracts/model.ts (zod), so the API, the console and the
// database share one definition.
import {
  CHANNELS, ORDER_KINDS, ORDER_STATUSES, PRIORITIES, REQUEST_STATUSES, REQUEST_TYPES, ROLES,
  SEVERITIES, WARRANTY_VERDICTS, COVERAGES, TIMELINE_KINDS,
  ALARM_STATES,
  COST_CATEGORIES, COST_PHASES, REQUISITION_STATUSES, TECHNICIAN_STATUSES, INTERVAL_UNITS, MAINTENANCE_ANCHORS,
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
export const alarmStateEnum = pgEnum('alarm_state', ALARM_STATES);
export const costCategoryEnum = pgEnum('cost_category', COST_CATEGORIES);
export const costPhaseEnum = pgEnum('cost_phase', COST_PHASES);
export const requisitionStatusEnum = pgEnum('requisition_status', REQUISITION_STATUSES);
export const technicianStatusEnum = pgEnum('technician_status', TECHNICIAN_STATUSES);
export const intervalUnitEnum = pgEnum('interval_unit', INTERVAL_UNITS);
export const maintenanceAnchorEnum = pgEnum('maintenance_anchor', MAINTENANCE_ANCHORS);
