import { z } from '@hono/zod-openapi';
import { OrderSummary, TechnicianSummary } from '../domain-events.js';
import { BusinessCalendar, TechnicianStatus } from '../model.js';

const lat = z.number().min(-90).max(90);
const lng = z.number().min(-180).max(180);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const TechnicianView = TechnicianSummary.extend({
  email: z.string(), phone: z.string().nullable(), shift: BusinessCalendar.nullable(), isActive: z.boolean(),
}).openapi('Technician');

export const TechnicianUpdate = z.object({
  version: z.number().int().positive().describe('the profile version you read (1 before the first change)'),
  skills: z.array(z.string().trim().min(1).max(60)).max(50).optional(),
  region: z.string().trim().max(100).nullable().optional(),
  home: z.object({ latitude: lat, longitude: lng }).nullable().optional(),
  shift: BusinessCalendar.nullable().optional(),
  status: TechnicianStatus.optional(),
}).openapi('TechnicianUpdate');

export const PositionReport = z.object({
  latitude: lat, longitude: lng, at: z.iso.datetime().optional().describe('when the device measured it; default now'),
}).openapi('PositionReport');
export const StatusReport = z.object({ status: TechnicianStatus }).openapi('TechnicianStatusReport');

export const Suggestion = z.object({
  technicianId: z.uuid(), name: z.string(), isEligible: z.boolean(), score: z.number(),
  parts: z.object({ shift: z.number(), distance: z.number(), load: z.number(), status: z.number() }),
  distanceKm: z.number().nullable(), load: z.number().int(), reasons: z.array(z.string()),
}).openapi('Suggestion');
export const Suggestions = z.object({ orderId: z.uuid(), at: z.string(), items: z.array(Suggestion) }).openapi('Suggestions');

export const AssignBody = z.object({
  orderId: z.uuid(), technicianId: z.uuid(), scheduledFor: z.iso.datetime(),
  version: z.number().int().positive().describe('the order version you read'),
}).openapi('DispatchAssign');
export const ReleaseBody = z.object({ orderIds: z.array(z.uuid()).min(1).max(200) }).openapi('DispatchRelease');
export const ReleaseResult = z.object({
  released: z.array(OrderSummary),
  refused: z.array(z.object({ orderId: z.uuid(), message: z.string(), allowed: z.array(z.string()) })),
}).openapi('DispatchReleaseResult');

export const BoardQuery = z.object({
  date: isoDate, timeZone: z.string().max(60).optional().describe('the day\'s zone; default UTC'),
});
const Site = z.object({ id: z.uuid(), name: z.string(), latitude: z.number().nullable(), longitude: z.number().nullable() }).nullable();
export const BoardVisit = OrderSummary.extend({ site: Site, legKm: z.number().nullable() });
export const Board = z.object({
  date: z.string(), timeZone: z.string(),
  technicians: z.array(z.object({ technician: TechnicianSummary, visits: z.array(BoardVisit), routeKm: z.number() })),
  unassigned: z.array(OrderSummary.extend({ site: Site })),
}).openapi('DispatchBoard');
export const MyDayQuery = z.object({ date: isoDate.optional(), timeZone: z.string().max(60).optional() });
