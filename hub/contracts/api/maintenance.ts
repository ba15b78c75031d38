import { z } from '@hono/zod-openapi';
import { IntervalUnit, MaintenanceAnchor, Priority } from '../model.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

const fields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(5000),
  assetId: z.uuid().nullable(),
  modelId: z.uuid().nullable(),
  intervalCount: z.number().int().min(1).max(1000),
  intervalUnit: IntervalUnit,
  anchor: MaintenanceAnchor.describe('scheduled: from the last due date; completion: from the day the work was completed'),
  leadTimeDays: z.number().int().min(0).max(365).describe('the order is made this many days before the due date'),
  firstDueDate: isoDate,
  priority: Priority,
  requiredSkill: z.string().trim().min(1).max(60).nullable(),
  templateId: z.uuid().nullable().describe('a cost template for the estimate'),
  isActive: z.boolean(),
};

export const MaintenancePlanCreate = z.object({
  ...fields,
  description: fields.description.default(''),
  assetId: fields.assetId.optional(), modelId: fields.modelId.optional(),
  anchor: fields.anchor.default('scheduled'), leadTimeDays: fields.leadTimeDays.default(14), priority: fields.priority.default('low'),
  requiredSkill: fields.requiredSkill.optional(), templateId: fields.templateId.optional(), isActive: fields.isActive.default(true),
}).refine((p) => !!p.assetId !== !!p.modelId, { message: 'give either assetId or modelId', path: ['assetId'] }).openapi('MaintenancePlanCreate');

export const MaintenancePlanUpdate = z.object({ ...fields, version: z.number().int().positive() }).partial().openapi('MaintenancePlanUpdate');

export const MaintenancePlanView = z.object({
  id: z.uuid(), ...fields, version: z.number().int(), createdAt: z.string(), updatedAt: z.string(),
}).openapi('MaintenancePlan');

export const MaintenanceVisitView = z.object({
  id: z.uuid(), planId: z.uuid(), assetId: z.uuid(), dueDate: z.string(), orderId: z.uuid().nullable(), isBundled: z.boolean(),
  completedAt: z.string().nullable(), createdAt: z.string(),
}).openapi('MaintenanceVisit');
export const GenerateResultView = z.object({ created: z.number().int(), bundled: z.number().int(), skipped: z.number().int(), failed: z.number().int() }).openapi('MaintenanceGenerateResult');
