import { and, eq, gte, inArray, isNotNull, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { assets, serviceOrders, serviceRequests, sites } from '../../db/schema/index.js';
import type { OrderStatus } from '../contracts/model.js';
import { localDate, zonedInstant } from '../sla/business-hours.js';
import { BadRequest } from '../platform/errors.js';
import { pointOf, type Point } from './geo.js';

export interface OrderSite { id: string; name: string; latitude: number | null; longitude: number | null; region: string | null }

/** Where each order's work is: the site of the request's unit. */
export async function sitesOf(db: DbOrTx, orderIds: string[]): Promise<Map<string, OrderSite>> {
  if (!orderIds.length) return new Map();
  const rows = await db.select({ orderId: serviceOrders.id, site: { id: sites.id, name: sites.name, latitude: sites.latitude, longitude: sites.longitude, region: sites.region } })
    .from(serviceOrders).innerJoin(serviceRequests, eq(serviceRequests.id, serviceOrders.requestId))
    .innerJoin(assets, eq(assets.id, serviceRequests.assetId)).innerJoin(sites, eq(sites.id, assets.siteId))
    .where(inArray(serviceOrders.id, orderIds));
  return new Map(rows.map((r) => [r.orderId, r.site]));
}

export function siteLocation(s: OrderSite | undefined): Point | null {
  return pointOf(s?.latitude, s?.longitude);
}

export function assertTimeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone;
  } catch {
    throw new BadRequest('unknown time zone', { timeZone: 'not an IANA time zone' });
  }
}

/** [start, end) of a calendar day in a zone (23 or 25 hours across DST). */
export function dayWindow(day: string, timeZone: string): { start: Date; end: Date } {
  const next = new Date(`${day}T12:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return { start: zonedInstant(day, '00:00', timeZone), end: zonedInstant(next.toISOString().slice(0, 10), '00:00', timeZone) };
}

export function dayOf(at: Date, timeZone: string): string {
  return localDate(at, timeZone);
}

/** Orders of these technicians scheduled in [from, to), in the given statuses. */
export async function scheduledOrders(db: DbOrTx, technicianIds: string[], from: Date, to: Date, statuses: OrderStatus[]) {
  if (!technicianIds.length) return [];
  return db.select().from(serviceOrders).where(and(
    inArray(serviceOrders.technicianId, technicianIds), isNotNull(serviceOrders.scheduledFor),
    gte(serviceOrders.scheduledFor, from), lt(serviceOrders.scheduledFor, to), inArray(serviceOrders.status, statuses),
  ));
}
