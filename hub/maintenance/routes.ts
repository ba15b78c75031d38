import { createRoute, z } from '@hono/zod-openapi';
import { desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { maintenancePlans, maintenanceVisits } from '../../db/schema/index.js';
import {
  GenerateResultView, MaintenancePlanCreate, MaintenancePlanUpdate, MaintenancePlanView, MaintenanceVisitView,
} from '../contracts/api/maintenance.js';
import type { EventBus } from '../events/bus.js';
import { listOf } from '../http/pagination.js';
import { createRouter, errorResponses, json, requirePermission } from '../http/router.js';
import type { Logger } from '../platform/logger.js';
import { BadRequest } from '../platform/errors.js';
import { crudRoutes, toWire } from '../provisioning/crud.js';
import { generateMaintenance } from './generate.js';

/** Maintenance plans (CRUD), their generated visits, and a manual run of the generator. */
export function maintenanceRoutes(db: Db, bus: EventBus, log: Logger) {
  const app = createRouter();
  const tags = ['maintenance'];

  app.openapi(createRoute({
    method: 'post', path: '/maintenance-plans/generate', tags,
    responses: { 200: json(GenerateResultView, 'what this run made (the hourly job does the same)'), ...errorResponses },
  }), async (c) => {
    requirePermission(c, 'maintenance.write');
    return c.json(await generateMaintenance(db, bus, log), 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/maintenance-plans/{id}/visits', tags, request: { params: z.object({ id: z.uuid() }) },
    responses: { 200: json(listOf(MaintenanceVisitView), 'generated visits, latest due first'), ...errorResponses },
  }), async (c) => {
    requirePermission(c, 'maintenance.read');
    const rows = await db.select().from(maintenanceVisits).where(eq(maintenanceVisits.planId, c.req.valid('param').id))
      .orderBy(desc(maintenanceVisits.dueDate), desc(maintenanceVisits.createdAt)).limit(500);
    return c.json({ items: rows.map((r) => MaintenanceVisitView.parse(toWire(r))), nextCursor: null }, 200);
  });

  return [app, crudRoutes(db, {
    entity: 'maintenance plan', path: '/maintenance-plans', table: maintenancePlans, create: MaintenancePlanCreate,
    update: MaintenancePlanUpdate, view: MaintenancePlanView, read: 'maintenance.read', write: 'maintenance.write',
    search: [maintenancePlans.name], filters: { assetId: maintenancePlans.assetId, modelId: maintenancePlans.modelId },
    prepare: async (_tx, v, existing) => {
      const assetId = v.assetId !== undefined ? v.assetId : existing?.assetId;
      const modelId = v.modelId !== undefined ? v.modelId : existing?.modelId;
      if (!!assetId === !!modelId) throw new BadRequest('a plan is for one asset or one model', { assetId: 'give either assetId or modelId' });
      return v;
    },
  })];
}
