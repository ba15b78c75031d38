import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../client.js';
import {
  assets, contacts, contracts, customers, faultCodes, orderRules, productModels, requestCategories, routingRules, sites, teamMembers,
  teams, users,
} from '../schema/index.js';
import { hashPassword } from '../../hub/auth/tokens.js';
import type { Logger } from '../../hub/platform/logger.js';
import { DEMO_CATEGORIES, DEMO_FAULT_CODES, DEMO_MODELS, DEMO_PASSWORD, DEMO_TEAMS, DEMO_USERS, SLA_BY_TIER } from './demo-catalog.js';
import { DEMO_CUSTOMERS } from './demo-customers.js';
import { holidaysFor } from './holidays.js';
import { addDays, addMonths } from './dates.js';
import { createRng } from './prng.js';

export const DEMO_ASSET_COUNT = 200;
const MARKER_REF = 'DEMO-C-001';

export interface SeedSummary {
  isAlreadySeeded: boolean;
  customers: number; contacts: number; sites: number; contracts: number; productModels: number; assets: number;
  faultCodes: number; categories: number; teams: number; routingRules: number; users: number; orderRules: number;
}

/**
 * A small, believable install base (DOMAIN.md), the same on every machine: a seeded PRNG,
 * dates relative to `today` (so "in warranty" and "expired contract" stay true over time),
 * everything in one transaction, and nothing done twice (the first demo customer is the marker).
 */
export async function seedDemo(db: Db, log: Logger, today = new Date()): Promise<SeedSummary> {
  const passwordHash = await hashPassword(DEMO_PASSWORD); // once: argon2 is deliberately slow
  const summary = await db.transaction(async (tx) => {
    const [marker] = await tx.select({ id: customers.id }).from(customers).where(eq(customers.externalRef, MARKER_REF));
    if (marker) return null;
    return insertAll(tx, passwordHash, today.toISOString().slice(0, 10));
  });
  if (!summary) {
    log.info('demo data already loaded');
    return { isAlreadySeeded: true, customers: 0, contacts: 0, sites: 0, contracts: 0, productModels: 0, assets: 0, faultCodes: 0, categories: 0, teams: 0, routingRules: 0, users: 0, orderRules: 0 };
  }
  log.info({ ...summary }, 'demo data loaded');
  return { isAlreadySeeded: false, ...summary };
}

async function insertAll(tx: Tx, passwordHash: string, today: string): Promise<Omit<SeedSummary, 'isAlreadySeeded'>> {
  const rng = createRng(20_261_123);
  const models = await tx.insert(productModels).values(DEMO_MODELS.map(({ serialPrefix: _p, for: _f, ...m }) => m)).onConflictDoNothing().returning();
  const modelByCode = new Map((await tx.select().from(productModels)).map((m) => [m.code, m]));
  const codes = await tx.insert(faultCodes).values([...DEMO_FAULT_CODES]).onConflictDoNothing().returning({ id: faultCodes.id });
  const cats = await tx.insert(requestCategories).values(DEMO_CATEGORIES.map((c) => ({ ...c }))).onConflictDoNothing().returning({ id: requestCategories.id });

  let contractNo = 0;
  let siteCount = 0;
  const owned: Array<{ customerId: string; siteIds: string[]; contractId: string | null; kind: string; weight: number; ref: string }> = [];
  for (const c of DEMO_CUSTOMERS) {
    const [row] = await tx.insert(customers).values({ name: c.name, country: c.country, region: c.region, email: c.email, phone: c.phone, externalRef: c.ref }).returning({ id: customers.id });
    const customerId = row!.id;
    await tx.insert(contacts).values({ customerId, name: c.contact.name, email: c.contact.email, phone: c.contact.phone.replace(/[^\d+]/g, ''), language: c.contact.language }).onConflictDoNothing();
    const siteRows = await tx.insert(sites).values(c.sites.map((s) => ({ ...s, customerId, country: c.country }))).returning({ id: sites.id });
    siteCount += siteRows.length;
    let contractId: string | null = null;
    if (c.contract) {
      const validFrom = addDays(today, -c.contract.startedDaysAgo);
      const [k] = await tx.insert(contracts).values({
        number: `DEMO-K-${String(++contractNo).padStart(3, '0')}`, customerId, name: c.contract.name, coverage: c.contract.coverage,
        validFrom, validUntil: addDays(addMonths(validFrom, c.contract.months), -1), sla: SLA_BY_TIER[c.contract.tier],
      }).returning({ id: contracts.id });
      contractId = k!.id;
    }
    owned.push({ customerId, siteIds: siteRows.map((s) => s.id), contractId, kind: c.kind, weight: c.weight, ref: c.ref });
  }

  const assetRows: Array<typeof assets.$inferInsert> = [];
  const perPrefix = new Map<string, number>();
  for (let i = 0; i < DEMO_ASSET_COUNT; i++) {
    const owner = owned[rng.weighted(owned.map((o) => o.weight))]!;
    const model = rng.pick(DEMO_MODELS.filter((m) => m.for.includes(owner.kind as never)));
    const installedAt = addDays(today, -rng.int(20, 1400));
    const n = (perPrefix.get(model.serialPrefix) ?? 0) + 1;
    perPrefix.set(model.serialPrefix, n);
    assetRows.push({
      serialNumber: `${model.serialPrefix}-${installedAt.slice(0, 4)}-${String(n).padStart(6, '0')}`,
      modelId: modelByCode.get(model.code)!.id, customerId: owner.customerId, siteId: rng.pick(owner.siteIds),
      contractId: owner.contractId, installedAt, warrantyUntil: addDays(addMonths(installedAt, model.warrantyMonths), -1),
    });
  }
  await tx.insert(assets).values(assetRows);

  const teamIds = new Map<string, string>();
  let position = 10;
  let ruleCount = 0;
  const years = [Number(today.slice(0, 4)), Number(today.slice(0, 4)) + 1];
  for (const t of DEMO_TEAMS) {
    const [row] = await tx.insert(teams).values({
      name: t.name, region: t.region, isDefault: t.isDefault ?? false,
      calendar: { timeZone: t.timeZone, weekdays: t.weekdays, open: t.open, close: t.close, holidays: t.country ? years.flatMap((y) => holidaysFor(t.country!, y)) : [] },
    }).returning({ id: teams.id });
    teamIds.set(t.name, row!.id);
    for (const r of t.routes) {
      // Complaints go to complaint management before any region rule looks at them.
      await tx.insert(routingRules).values({ teamId: row!.id, position: r.type ? 1 : position++, region: r.region ?? null, type: r.type ?? null });
      ruleCount++;
    }
  }

  const customerByRef = new Map(owned.map((o) => [o.ref, o.customerId]));
  for (const u of DEMO_USERS) {
    const [row] = await tx.insert(users).values({
      email: u.email, name: u.name, role: u.role, passwordHash, skills: u.skills ?? [], region: u.region ?? null, phone: u.phone ?? null,
      customerId: u.customerRef ? customerByRef.get(u.customerRef) ?? null : null,
    }).onConflictDoNothing().returning({ id: users.id });
    if (row && u.teams.length) await tx.insert(teamMembers).values(u.teams.map((name) => ({ teamId: teamIds.get(name)!, userId: row.id })));
  }

  const rules = await tx.insert(orderRules).values([
    { name: 'Compressor faults open a corrective order', faultCode: 'E1', isPrefix: true, minSeverity: 'major', orderKind: 'corrective', priority: 'high' },
    { name: 'Repeated refrigerant pressure faults', faultCode: 'E20', isPrefix: true, minSeverity: 'major', minOccurrences: 3, windowMinutes: 60, orderKind: 'corrective' },
  ]).returning({ id: orderRules.id });

  return {
    customers: owned.length, contacts: owned.length, sites: siteCount, contracts: contractNo, productModels: models.length,
    assets: assetRows.length, faultCodes: codes.length, categories: cats.length, teams: teamIds.size, routingRules: ruleCount,
    users: DEMO_USERS.length, orderRules: rules.length,
  };
}
