import { z } from '@hono/zod-openapi';
import { OrderKind, OrderStatus, Priority } from '../model.js';

export const OrderView = z.object({
  id: z.uuid(), number: z.string(), requestId: z.uuid(), kind: OrderKind, status: OrderStatus, priority: Priority,
  requiredSkill: z.string().nullable(), description: z.string(), technicianId: z.uuid().nullable(), dueAt: z.string().nullable(),
  version: z.number().int(), createdAt: z.string(), updatedAt: z.string(),
}).openapi('Order');

export const OrderListQuery = z.object({
  status: OrderStatus.optional(), kind: OrderKind.optional(), priority: Priority.optional(),
  technician: z.uuid().optional(), requestId: z.uuid().optional(),
});
