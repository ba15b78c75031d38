import { and, desc, eq, ilike, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { DbOrTx } from '../../db/client.js';
import { assets, contacts, contracts, customers, productModels, serviceRequests, sites } from '../../db/schema/index.js';
import type { CallerAlarm, CallerCard, CallerSearchHit } from '../contracts/api/calls.js';
import type { CallView } from '../contracts/domain-events.js';
import { normalizePhone } from '../identify/identify.js';
import { decideWarranty, isoDay } from '../identify/warranty.js';
import { escapeLike } from '../provisioning/crud.js';
import { toRequestView } from '../requests/queries.js';
import { OPEN_STATUSES } from '../requests/status.js';
import { matchCaller, phoneForms } from './service.js';

/**
 * Active alarms on a caller's units. The alarm domain provides it (the MQTT alarms issue adds
 * the alarms table); a hub without it passes `noAlarmSource`.
 */
export type ActiveAlarmsLookup = (db: DbOrTx, q: { customerId: string; assetIds: string[] }) => Promise<CallerAlarm[]>;
export const noAlarmSource: ActiveAlarmsLookup = async () => [];

type Card = z.infer<typeof CallerCard>;
const MAX_ASSETS = 50;

/** Who is calling: contacts with that number, their customer, the customer's units with warranty, open requests, active alarms. */
export async function callerCard(
  db: DbOrTx, alarms: ActiveAlarmsLookup,
  who: { phone?: string | null; contactId?: string | null; customerId?: string | null }, call: CallView | null = null,
): Promise<Card> {
  const phone = who.phone ? normalizePhone(who.phone) : null;
  const matched = !who.customerId && !who.contactId && phone ? await matchCaller(db, phone) : { contactId: who.contactId ?? null, customerId: who.customerId ?? null };
  const contactWhere = or(
    phone ? inArray(contacts.phone, phoneForms(phone)) : undefined,
    matched.contactId ? eq(contacts.id, matched.contactId) : undefined,
  );
  const contactRows = contactWhere ? await db.select({ id: contacts.id, name: contacts.name, email: contacts.email, phone: contacts.phone, customerId: contacts.customerId })
    .from(contacts).where(contactWhere).limit(10) : [];
  const customerId = matched.customerId ?? contactRows.find((c) => c.customerId)?.customerId ?? null;
  const [customer] = customerId
    ? await db.select({ id: customers.id, name: customers.name, phone: customers.phone, email: customers.email }).from(customers).where(eq(customers.id, customerId))
    : [];
  const units = customerId ? await customerAssets(db, customerId) : [];
  const anyOf: SQL[] = [];
  if (contactRows.length) anyOf.push(inArray(serviceRequests.contactId, contactRows.map((c) => c.id)));
  if (customerId) anyOf.push(eq(serviceRequests.customerId, customerId));
  const open = anyOf.length ? await db.select().from(serviceRequests)
    .where(and(or(...anyOf), inArray(serviceRequests.status, OPEN_STATUSES), isNull(serviceRequests.mergedIntoId)))
    .orderBy(desc(serviceRequests.createdAt)).limit(50) : [];
  return {
    call, phone, contacts: contactRows, customer: customer ?? null, assets: units, openRequests: open.map(toRequestView),
    activeAlarms: customerId ? await alarms(db, { customerId, assetIds: units.map((u) => u.id) }) : [],
  };
}

async function customerAssets(db: DbOrTx, customerId: string): Promise<Card['assets']> {
  const rows = await db.select({
    id: assets.id, serialNumber: assets.serialNumber, model: productModels.name, siteName: sites.name, warrantyUntil: assets.warrantyUntil,
    contract: { validFrom: contracts.validFrom, validUntil: contracts.validUntil, coverage: contracts.coverage },
  }).from(assets)
    .innerJoin(productModels, eq(productModels.id, assets.modelId))
    .leftJoin(sites, eq(sites.id, assets.siteId))
    .leftJoin(contracts, eq(contracts.id, assets.contractId))
    .where(and(eq(assets.customerId, customerId), eq(assets.isRetired, false)))
    .orderBy(assets.serialNumber).limit(MAX_ASSETS);
  const today = isoDay(new Date());
  return rows.map(({ contract, ...a }) => ({ ...a, warranty: decideWarranty({ warrantyUntil: a.warrantyUntil, contract: contract?.validFrom ? contract : null }, today) }));
}

/** The agent's search box: a phone number (any spelling), a name, an email or a serial number. */
export async function searchCallers(db: DbOrTx, raw: string, limit = 20): Promise<Array<z.infer<typeof CallerSearchHit>>> {
  const q = raw.trim();
  const like = `%${escapeLike(q)}%`;
  const digits = q.replace(/[^\d]/g, '');
  const hits: Array<z.infer<typeof CallerSearchHit>> = [];
  const seen = new Set<string>();
  const contactCols = { id: contacts.id, name: contacts.name, email: contacts.email, phone: contacts.phone, customerId: customers.id, customerName: customers.name };
  const contactHits = async (matchedBy: 'phone' | 'name' | 'email', where: SQL) => {
    const rows = await db.select(contactCols).from(contacts).leftJoin(customers, eq(customers.id, contacts.customerId)).where(where).limit(limit);
    for (const r of rows) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      hits.push({ matchedBy, contact: { id: r.id, name: r.name, email: r.email, phone: r.phone }, customer: r.customerId ? { id: r.customerId, name: r.customerName! } : null, asset: null });
    }
  };
  // Contacts' phones are normalised ("+4930…"); match the digits anywhere, so "030 12…" finds "+4930 12…" by its tail.
  if (digits.length >= 4 && /^[\d\s()+\-/.]+$/.test(q)) await contactHits('phone', ilike(contacts.phone, `%${digits.slice(-Math.min(digits.length, 9))}%`));
  if (q.includes('@')) await contactHits('email', ilike(contacts.email, like));
  else await contactHits('name', ilike(contacts.name, like));
  const units = await db.select({ id: assets.id, serialNumber: assets.serialNumber, customerId: customers.id, customerName: customers.name })
    .from(assets).innerJoin(customers, eq(customers.id, assets.customerId))
    .where(sql`upper(${assets.serialNumber}) like upper(${like})`).limit(limit);
  for (const u of units) hits.push({ matchedBy: 'serial', contact: null, customer: { id: u.customerId, name: u.customerName }, asset: { id: u.id, serialNumber: u.serialNumber } });
  return hits.slice(0, limit * 2);
}
