import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/client.js';
import { assets, contracts, customers, productModels, sites, teams } from '../../db/schema/index.js';
import type { BusinessCalendar, SlaTable } from '../../hub/contracts/model.js';

// make… factories insert rows directly, with believable defaults that a test overrides.
const tag = () => randomBytes(3).toString('hex');

export const WEEKDAYS_BERLIN: BusinessCalendar = { timeZone: 'Europe/Berlin', weekdays: [1, 2, 3, 4, 5], open: '08:00', close: '17:00', holidays: [] };
export const SLA: SlaTable = {
  high: { responseHours: 2, resolutionHours: 8 }, medium: { responseHours: 4, resolutionHours: 16 },
  normal: { responseHours: 8, resolutionHours: 24 }, low: { responseHours: 16, resolutionHours: 40 },
};

export async function makeCustomer(db: Db, v: Partial<typeof customers.$inferInsert> = {}) {
  const [c] = await db.insert(customers).values({ name: `Kunde ${tag()} GmbH`, country: 'DE', region: 'Bayern', ...v }).returning();
  return c!;
}
export async function makeSite(db: Db, customerId: string, v: Partial<typeof sites.$inferInsert> = {}) {
  const [s] = await db.insert(sites).values({ customerId, name: `Werk ${tag()}`, address: 'Hauptstraße 1', city: 'München', country: 'DE', region: 'Bayern', ...v }).returning();
  return s!;
}
export async function makeModel(db: Db, v: Partial<typeof productModels.$inferInsert> = {}) {
  const [m] = await db.insert(productModels).values({ code: `HP-${tag()}`, name: 'Wärmepumpe 12 kW', productLine: 'heat pumps', ...v }).returning();
  return m!;
}
export async function makeContract(db: Db, customerId: string, v: Partial<typeof contracts.$inferInsert> = {}) {
  const [k] = await db.insert(contracts).values({
    number: `K-${tag()}`, customerId, name: 'Vollwartung', coverage: 'parts_and_labour', validFrom: '2020-01-01', validUntil: '2099-12-31', sla: SLA, ...v,
  }).returning();
  return k!;
}
export async function makeAsset(db: Db, v: Partial<typeof assets.$inferInsert> & { customerId?: string } = {}) {
  const customerId = v.customerId ?? (await makeCustomer(db)).id;
  const modelId = v.modelId ?? (await makeModel(db)).id;
  const [a] = await db.insert(assets).values({ serialNumber: `SN-${tag()}`, installedAt: '2024-01-10', ...v, customerId, modelId }).returning();
  return a!;
}
export async function makeTeam(db: Db, v: Partial<typeof teams.$inferInsert> = {}) {
  const [t] = await db.insert(teams).values({ name: `Team ${tag()}`, calendar: WEEKDAYS_BERLIN, ...v }).returning();
  return t!;
}
