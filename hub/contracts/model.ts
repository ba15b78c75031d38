import { z } from 'zod';

// The shared vocabulary of DESIGN.md and DOMAIN.md. Database enums, API schemas and the
// console all derive from these lists.
export const ROLES = ['admin', 'supervisor', 'dispatcher', 'agent', 'technician', 'customer'] as const;
export const CHANNELS = ['phone', 'email', 'web', 'mqtt'] as const;
export const REQUEST_TYPES = ['request', 'complaint', 'alarm'] as const;
export const REQUEST_STATUSES = [
  'new', 'assigned', 'in_progress', 'waiting_customer', 'suspended', 'escalated',
  'resolved', 'closed', 'closed_unresolved',
] as const;
export const PRIORITIES = ['high', 'medium', 'normal', 'low'] as const;
export const SEVERITIES = ['critical', 'major', 'minor', 'warning'] as const;
/** in_warranty: the unit's warranty covers it; under_contract: a valid service contract covers it. */
export const WARRANTY_VERDICTS = ['in_warranty', 'under_contract', 'out_of_warranty', 'unknown'] as const;
export const COVERAGES = ['parts_and_labour', 'parts_only', 'labour_only', 'inspection_only'] as const;
export const ORDER_KINDS = ['corrective', 'preventive', 'installation'] as const;
export const ORDER_STATUSES = [
  'new', 'planned', 'dispatched', 'en_route', 'on_site', 'completed', 'accepted', 'rejected',
  'closed', 'cancelled',
] as const;
export const TIMELINE_KINDS = [
  'created', 'intake', 'note', 'call', 'email_in', 'email_out', 'form', 'alarm', 'status_changed',
  'assigned', 'priority_changed', 'attached', 'merged', 'split', 'order', 'sla',
] as const;
export const COST_CATEGORIES = ['parts', 'labour', 'travel'] as const;
export const COST_PHASES = ['planned', 'actual'] as const;
export const REQUISITION_STATUSES = ['open', 'ordered', 'delivered', 'cancelled'] as const;
export const TECHNICIAN_STATUSES = ['available', 'busy', 'off'] as const;
export const INTERVAL_UNITS = ['day', 'week', 'month'] as const;
/** scheduled: the next visit follows the last due date; completion: it follows the day the work was completed */
export const MAINTENANCE_ANCHORS = ['scheduled', 'completion'] as const;
export const CALL_DIRECTIONS = ['in', 'out'] as const;
export const CALL_STATES = ['ringing', 'answered', 'ended'] as const;
export const FIELD_KINDS = ['text', 'number', 'date', 'choice', 'serial', 'attachment'] as const;

export const Role = z.enum(ROLES);
export const Channel = z.enum(CHANNELS);
export const RequestType = z.enum(REQUEST_TYPES);
export const RequestStatus = z.enum(REQUEST_STATUSES);
export const Priority = z.enum(PRIORITIES);
export const Severity = z.enum(SEVERITIES);
export const WarrantyVerdict = z.enum(WARRANTY_VERDICTS);
export const Coverage = z.enum(COVERAGES);
export const OrderKind = z.enum(ORDER_KINDS);
export const OrderStatus = z.enum(ORDER_STATUSES);
export const TimelineKind = z.enum(TIMELINE_KINDS);
export const CallDirection = z.enum(CALL_DIRECTIONS);
export const CallState = z.enum(CALL_STATES);
export type Role = z.infer<typeof Role>;
export type Channel = z.infer<typeof Channel>;
export type RequestType = z.infer<typeof RequestType>;
export type RequestStatus = z.infer<typeof RequestStatus>;
export type Priority = z.infer<typeof Priority>;
export type Severity = z.infer<typeof Severity>;
export type WarrantyVerdict = z.infer<typeof WarrantyVerdict>;
export type OrderKind = z.infer<typeof OrderKind>;
export type OrderStatus = z.infer<typeof OrderStatus>;
export const CostCategory = z.enum(COST_CATEGORIES);
export const CostPhase = z.enum(COST_PHASES);
export const RequisitionStatus = z.enum(REQUISITION_STATUSES);
export const TechnicianStatus = z.enum(TECHNICIAN_STATUSES);
export type CostCategory = z.infer<typeof CostCategory>;
export type CostPhase = z.infer<typeof CostPhase>;
export type TechnicianStatus = z.infer<typeof TechnicianStatus>;
export const IntervalUnit = z.enum(INTERVAL_UNITS);
export const MaintenanceAnchor = z.enum(MAINTENANCE_ANCHORS);
export type IntervalUnit = z.infer<typeof IntervalUnit>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/** A team's business hours: which weekdays (1 = Monday … 7 = Sunday), which hours, in which zone. */
export const BusinessCalendar = z.object({
  timeZone: z.string().refine(isTimeZone, 'unknown IANA time zone'),
  weekdays: z.array(z.number().int().min(1).max(7)).min(1),
  open: hhmm,
  /** 24:00 closes at the end of the day (a calendar open around the clock has no gap at midnight) */
  close: z.union([hhmm, z.literal('24:00')]),
  holidays: z.array(isoDate).default([]),
}).refine((c) => c.open < c.close, { message: 'open must be before close', path: ['close'] });
export type BusinessCalendar = z.infer<typeof BusinessCalendar>;

/** Response, on-site (optional: the house standard applies) and resolution times, in business hours, per priority. */
const SlaTimes = z.object({ responseHours: z.number().positive(), resolutionHours: z.number().positive(), onSiteHours: z.number().positive().optional() });
export const SlaTable = z.object({ high: SlaTimes, medium: SlaTimes, normal: SlaTimes, low: SlaTimes });
export type SlaTable = z.infer<typeof SlaTable>;

export const FieldDefinition = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lowercase letters, digits and _'),
  label: z.string().min(1).max(120),
  kind: z.enum(FIELD_KINDS),
  required: z.boolean().default(false),
  options: z.array(z.string().min(1)).optional(),
}).refine((f) => f.kind !== 'choice' || (f.options?.length ?? 0) > 0, {
  message: 'a choice field needs options', path: ['options'],
});
export type FieldDefinition = z.infer<typeof FieldDefinition>;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function formatRequestNumber(n: number): string {
  return `SR-${String(n).padStart(6, '0')}`;
}
export function formatOrderNumber(n: number): string {
  return `WO-${String(n).padStart(6, '0')}`;
}

/** Alarm lifecycle (ThingsBoard's): one active alarm per (asset, fault code) until it is cleared. */
export const ALARM_STATES = ['active', 'acknowledged', 'cleared'] as const;
export const AlarmState = z.enum(ALARM_STATES);
export type AlarmState = z.infer<typeof AlarmState>;
