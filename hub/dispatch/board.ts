import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../db/client.js';
import { serviceOrders } from '../../db/schema/index.js';
import type { Board, Suggestions } from '../contracts/api/dispatch.js';
import type { Principal } from '../auth/principal.js';
import { toOrderSummary, type OrderRow } from '../orders/summary.js';
import { NotFound } from '../platform/errors.js';
import { haversineKm, type Point } from './geo.js';
import { assertTimeZone, dayOf, dayWindow, scheduledOrders, siteLocation, sitesOf, type OrderSite } from './queries.js';
import { rankTechnicians } from './rank.js';
import { planDay } from './route.js';
import { DONE_OR_HERE, ROUTED, startOf } from './service.js';
import { getTechnician, loadTechnicians, toCandidate, toTechnicianSummary } from './technicians.js';

const UNASSIGNED: OrderRow['status'][] = ['new', 'planned', 'rejected'];
const PRIORITY_SQL = sql`case ${serviceOrders.priority} when 'high' then 0 when 'medium' then 1 when 'normal' then 2 else 3 end`;
const siteView = (s: OrderSite | undefined) => (s ? { id: s.id, name: s.name, latitude: s.latitude, longitude: s.longitude } : null);

/**
 * One technician's day in visit order: what is done or under way first (as it happened), then
 * the rest routed from there (planDay), with the length of each leg.
 */
async function dayOfTechnician(db: Db, tech: Awaited<ReturnType<typeof getTechnician>>, start: Date, end: Date) {
  const done = (await scheduledOrders(db, [tech.user.id], start, end, DONE_OR_HERE))
    .sort((a, b) => (a.completedAt?.getTime() ?? Infinity) - (b.completedAt?.getTime() ?? Infinity));
  const ahead = await scheduledOrders(db, [tech.user.id], start, end, ROUTED);
  const sites = await sitesOf(db, [...done, ...ahead].map((o) => o.id));
  const lastDone = [...done].reverse().map((o) => siteLocation(sites.get(o.id))).find(Boolean) ?? null;
  const from: Point | null = lastDone ?? startOf(tech);
  const plan = planDay(from, ahead.map((o) => ({ id: o.id, priority: o.priority, dueAt: o.dueAt, location: siteLocation(sites.get(o.id)) })), end);
  const byId = new Map(ahead.map((o) => [o.id, o]));
  let at = startOf(tech);
  const visits = done.map((o) => {
    const loc = siteLocation(sites.get(o.id));
    const legKm = at && loc ? Math.round(haversineKm(at, loc) * 10) / 10 : null;
    if (loc) at = loc;
    return { ...toOrderSummary(o), site: siteView(sites.get(o.id)), legKm };
  });
  for (const v of plan) visits.push({ ...toOrderSummary(byId.get(v.id)!), sequence: done.length + v.sequence, site: siteView(sites.get(v.id)), legKm: v.legKm });
  const routeKm = Math.round(visits.reduce((km, v) => km + (v.legKm ?? 0), 0) * 10) / 10;
  return { technician: toTechnicianSummary(tech), visits, routeKm };
}

/** GET /dispatch/board: technicians × the day, and the orders nobody has yet (priority, then due time). */
export async function dispatchBoard(db: Db, date: string, timeZone = 'UTC'): Promise<z.infer<typeof Board>> {
  assertTimeZone(timeZone);
  const { start, end } = dayWindow(date, timeZone);
  const techs = await loadTechnicians(db);
  const technicians = [];
  for (const t of techs) technicians.push(await dayOfTechnician(db, t, start, end));
  const open = await db.select().from(serviceOrders).where(and(isNull(serviceOrders.technicianId), inArray(serviceOrders.status, UNASSIGNED)))
    .orderBy(PRIORITY_SQL, sql`${serviceOrders.dueAt} asc nulls last`, asc(serviceOrders.createdAt)).limit(500);
  const sites = await sitesOf(db, open.map((o) => o.id));
  return { date, timeZone, technicians, unassigned: open.map((o) => ({ ...toOrderSummary(o), site: siteView(sites.get(o.id)) })) };
}

/** GET /technicians/me/orders: the technician's released visits of a day, in sequence. */
export async function myDay(db: Db, p: Principal, date: string | undefined, timeZone: string | undefined) {
  const tech = await getTechnician(db, p.userId ?? '');
  const tz = assertTimeZone(timeZone ?? tech.profile?.shift?.timeZone ?? 'UTC');
  const { start, end } = dayWindow(date ?? dayOf(new Date(), tz), tz);
  const day = await dayOfTechnician(db, tech, start, end);
  return { ...day, visits: day.visits.filter((v) => v.status !== 'planned') };
}

/** GET /orders/:id/suggestions: every active technician, ranked, with the reasons. */
export async function suggestTechnicians(db: Db, orderId: string, now = new Date()): Promise<z.infer<typeof Suggestions>> {
  const [order] = await db.select().from(serviceOrders).where(eq(serviceOrders.id, orderId));
  if (!order) throw new NotFound('order', orderId);
  const site = (await sitesOf(db, [orderId])).get(orderId);
  const at = order.scheduledFor ?? (order.dueAt && order.dueAt > now ? order.dueAt : now);
  const techs = await loadTechnicians(db);
  // Load: each technician's other visits on that day, in their own zone.
  const wide = await scheduledOrders(db, techs.map((t) => t.user.id), new Date(at.getTime() - 36 * 3_600_000), new Date(at.getTime() + 36 * 3_600_000), [...ROUTED, 'on_site']);
  const candidates = techs.map((t) => {
    const tz = t.profile?.shift?.timeZone ?? 'UTC';
    const { start, end } = dayWindow(dayOf(at, tz), tz);
    const load = wide.filter((o) => o.technicianId === t.user.id && o.id !== orderId && o.scheduledFor! >= start && o.scheduledFor! < end).length;
    return toCandidate(t, load);
  });
  const items = rankTechnicians({ priority: order.priority, requiredSkill: order.requiredSkill, site: siteLocation(site), region: site?.region ?? null, at }, candidates, now);
  return { orderId, at: at.toISOString(), items };
}
