import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { anyOf } from '../../db/any.js';
import { insertRows } from '../../db/insert-rows.js';
import type { Tx } from '../../db/client.js';
import { assets, contacts, contracts, customers, devices, productModels, sites } from '../../db/schema/index.js';
import type { IntakeEvent } from '../contracts/intake-event.js';
import type { SlaTable, WarrantyVerdict } from '../contracts/model.js';
import { BadRequest } from '../platform/errors.js';
import { indexEntities } from '../search/indexer.js';
import { decideWarranty, isoDay } from './warranty.js';

export interface IdentifiedAsset {
  id: string;
  serialNumber: string;
  customerId: string;
  modelCode: string;
  siteRegion: string | null;
}

export interface Identity {
  contactId: string | null;
  customerId: string | null;
  asset: IdentifiedAsset | null;
  contract: { id: string; sla: SlaTable } | null;
  warranty: WarrantyVerdict;
  region: string | null;
  /** what the sender named but the install base does not know */
  unknownSerial: string | null;
}

type ContactRef = { id: string; customerId: string | null };

/**
 * Contacts by email for one batch (one transaction): read for the whole batch at once, and kept
 * current as the batch creates contacts. Keyed by the lower-cased address, only for ASCII
 * addresses (JavaScript's and PostgreSQL's lower() agree on those); null: no such contact yet.
 * Only for a batch without savepoints: a rolled-back savepoint would leave a cached contact
 * that does not exist.
 *
 * A contact new by email is not inserted at once: it gets its id here and waits in `pending`
 * until `flush`, which writes the batch's new contacts with one statement. Flush before
 * anything that refers to them is written (the intake batch does, see flushCreates).
 */
export class ContactCache extends Map<string, ContactRef | null> {
  /** contacts the batch created: their search documents are written once, before it commits */
  readonly created: string[] = [];
  readonly pending: Array<typeof contacts.$inferInsert> = [];

  /**
   * Writes the pending contacts. One another process created meanwhile (the unique index on
   * lower(email)) is not written: that throws, and the batch is redone event by event, which
   * reads the other's contact instead.
   */
  async flush(tx: Tx): Promise<void> {
    const rows = this.pending.splice(0);
    if (!rows.length) return;
    const written = await insertRows(tx, contacts, rows, { onConflict: 'on conflict do nothing', returning: ['id'] });
    if (written.length !== rows.length) throw new Error('a contact of this batch was created meanwhile by another process');
  }
}

const cacheKey = (email: string) => (/^[\x20-\x7e]+$/.test(email) ? email.toLowerCase() : null);

/** One query for the contacts these events name by email (see ContactCache). */
export async function loadContactCache(tx: Tx, events: readonly IntakeEvent[]): Promise<ContactCache> {
  const cache = new ContactCache();
  const keys = [...new Set(events.flatMap((e) => { const k = e.contact?.email ? cacheKey(e.contact.email) : null; return k ? [k] : []; }))];
  if (!keys.length) return cache;
  for (const k of keys) cache.set(k, null);
  const rows = await tx.select({ id: contacts.id, customerId: contacts.customerId, key: sql<string>`lower(${contacts.email})` })
    .from(contacts).where(anyOf(sql`lower(${contacts.email})`, keys, 'text'));
  for (const r of rows) cache.set(r.key, { id: r.id, customerId: r.customerId });
  return cache;
}

/** Digits with a leading +, so "+49 (30) 123-45" and "+493012345" are one caller. */
export function normalizePhone(raw: string): string {
  const digits = raw.replace(/[^\d]/g, '');
  return raw.trim().startsWith('+') || raw.trim().startsWith('00') ? `+${digits.replace(/^00/, '')}` : digits;
}

/**
 * Finds who and what an intake event is about: the unit (by id, serial or device), its
 * customer, contract and warranty, and the contact (by id, email or phone; created when new).
 * An agent's intake is strict (an unknown serial is an error he can fix at once); mail and
 * forms keep what the customer wrote and let an agent link it later.
 */
export async function identify(tx: Tx, ev: IntakeEvent, contactCache?: ContactCache): Promise<Identity> {
  const isStrict = ev.actor.type === 'user' || ev.actor.type === 'api_key';
  const asset = await findAsset(tx, ev, isStrict);
  if (isStrict && asset && ev.customerId && asset.customerId !== ev.customerId) {
    throw new BadRequest('the unit belongs to another customer', { assetId: 'belongs to another customer' });
  }
  if (isStrict && ev.customerId && !asset) {
    const [c] = await tx.select({ id: customers.id }).from(customers).where(eq(customers.id, ev.customerId));
    if (!c) throw new BadRequest('unknown customer', { customerId: 'no such customer' });
  }
  const contact = await findOrCreateContact(tx, ev, ev.customerId ?? asset?.customerId ?? null, isStrict, contactCache);
  const customerId = ev.customerId ?? asset?.customerId ?? contact?.customerId ?? null;

  let contract: Identity['contract'] = null;
  let warranty: WarrantyVerdict = 'unknown';
  let region: string | null = asset?.siteRegion ?? null;
  if (asset) {
    const [row] = await tx.select({
      warrantyUntil: assets.warrantyUntil,
      contract: { id: contracts.id, validFrom: contracts.validFrom, validUntil: contracts.validUntil, coverage: contracts.coverage, sla: contracts.sla },
    }).from(assets).leftJoin(contracts, eq(contracts.id, assets.contractId)).where(eq(assets.id, asset.id));
    const day = isoDay(ev.receivedAt);
    warranty = decideWarranty({ warrantyUntil: row?.warrantyUntil ?? null, contract: row?.contract ?? null }, day);
    const c = row?.contract;
    if (c && c.validFrom <= day && day <= c.validUntil) contract = { id: c.id, sla: c.sla };
  }
  if (!region && customerId) {
    const [c] = await tx.select({ region: customers.region }).from(customers).where(eq(customers.id, customerId));
    region = c?.region ?? null;
  }
  const unknownSerial = !asset && ev.serialNumber ? ev.serialNumber : null;
  return { contactId: contact?.id ?? null, customerId, asset, contract, warranty, region, unknownSerial };
}

async function findAsset(tx: Tx, ev: IntakeEvent, isStrict: boolean): Promise<IdentifiedAsset | null> {
  const select = () => tx.select({
    id: assets.id, serialNumber: assets.serialNumber, customerId: assets.customerId,
    modelCode: productModels.code, siteRegion: sites.region,
  }).from(assets)
    .innerJoin(productModels, eq(productModels.id, assets.modelId))
    .leftJoin(sites, eq(sites.id, assets.siteId));
  if (ev.assetId) {
    const [a] = await select().where(eq(assets.id, ev.assetId));
    if (!a) throw new BadRequest('unknown asset', { assetId: 'no such asset' });
    return a;
  }
  if (ev.deviceId) {
    const [a] = await select().innerJoin(devices, eq(devices.assetId, assets.id))
      .where(and(eq(devices.id, ev.deviceId), sql`${devices.revokedAt} is null`));
    if (a) return a;
  }
  if (ev.serialNumber) {
    const [a] = await select().where(sql`upper(${assets.serialNumber}) = upper(${ev.serialNumber})`);
    if (!a && isStrict) {
      throw new BadRequest('no unit with this serial number in the install base', { serialNumber: 'not in the install base' });
    }
    return a ?? null;
  }
  return null;
}

/** A new contact's search document: now, or with the batch's others when a batch cache collects them. */
async function indexContact(tx: Tx, id: string, cache: ContactCache | undefined): Promise<void> {
  if (cache) cache.created.push(id);
  else await indexEntities(tx, 'contact', [id]);
}

async function findOrCreateContact(tx: Tx, ev: IntakeEvent, customerId: string | null, isStrict: boolean, cache?: ContactCache): Promise<ContactRef | null> {
  const cols = { id: contacts.id, customerId: contacts.customerId };
  if (ev.contactId) {
    const [c] = await tx.select(cols).from(contacts).where(eq(contacts.id, ev.contactId));
    if (!c) throw new BadRequest('unknown contact', { contactId: 'no such contact' });
    return c;
  }
  const hint = ev.contact;
  if (!hint) return null;
  if (hint.email) {
    const byEmail = () => tx.select(cols).from(contacts).where(sql`lower(${contacts.email}) = lower(${hint.email})`);
    const key = cache ? cacheKey(hint.email) : null;
    const cached = key !== null ? cache!.get(key) : undefined;
    const [found] = cached !== undefined ? (cached ? [cached] : []) : await byEmail();
    if (found) return found;
    const name = hint.name ?? hint.email.split('@')[0] ?? hint.email;
    const phone = hint.phone ? normalizePhone(hint.phone) : null;
    if (key !== null) {
      const row = { id: randomUUID(), customerId, name, email: hint.email, phone };
      cache!.pending.push(row);
      cache!.created.push(row.id);
      const ref = { id: row.id, customerId };
      cache!.set(key, ref);
      return ref;
    }
    // The unique index on lower(email) settles a race with another hub; re-read on conflict.
    const [created] = await tx.insert(contacts).values({ customerId, name, email: hint.email, phone })
      .onConflictDoNothing().returning(cols);
    if (created) await indexContact(tx, created.id, cache);
    const [contact] = created ? [created] : await byEmail();
    return contact ?? null;
  }
  if (hint.phone) {
    const phone = normalizePhone(hint.phone);
    const [found] = await tx.select(cols).from(contacts).where(eq(contacts.phone, phone)).limit(1);
    if (found) return found;
    if (!hint.name && !isStrict) return null;
    const [created] = await tx.insert(contacts).values({ customerId, name: hint.name ?? phone, phone }).returning(cols);
    if (created) await indexContact(tx, created.id, cache);
    return created ?? null;
  }
  return null;
}
