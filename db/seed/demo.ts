import { sql } from 'drizzle-orm';
import { hashPassword } from '../../hub/auth/tokens.js';
import { normalizePhone } from '../../hub/identify/identify.js';
import { articleSearchText } from '../../hub/knowledge/text.js';
import { isoDay } from '../../hub/identify/warranty.js';
import { Conflict } from '../../hub/platform/errors.js';
import type { Logger } from '../../hub/platform/logger.js';
import type { Db, Tx } from '../client.js';
import {
  assets, contacts, contracts, customers, faultCodes, knowledgeArticleRevisions, knowledgeArticles, orderRules, productModels, requestCategories,
  routingRules, sites, teamMembers, teams, users,
} from '../schema/index.js';
import { addDays, addMonths } from './dates.js';
import { planAssets } from './demo-assets.js';
import { DEMO_CATEGORIES, DEMO_FAULT_CODES, DEMO_MODELS, DEMO_ORDER_RULES, SLA_TIERS } from './demo-catalogue.js';
import { DEMO_CUSTOMERS } from './demo-customers.js';
import { DEMO_ARTICLES } from './demo-knowledge.js';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD, DEMO_ROUTING_RULES, DEMO_TEAMS, DEMO_USERS } from './demo-organisation.js';
import { createRng } from './prng.js';

export { DEMO_ADMIN_EMAIL, DEMO_PASSWORD };

/** Fixed, so every machine gets the same install base. */
const DEMO_SEED = 0x5eed_2026;

const COUNTED = {
  customers, contacts, sites, productModels, contracts, assets, faultCodes, requestCategories,
  teams, routingRules, users, teamMembers, orderRules, knowledgeArticles,
} as const;
export type SeedCounts = Record<keyof typeof COUNTED, number>;

export interface SeedSummary {
  /** true when the demo customers were there already and nothing was written */
  isAlreadySeeded: boolean;
  /** rows in each table after seeding (the demo rows plus whatever was there before) */
  counts: SeedCounts;
}

export interface SeedOptions {
  /** the seeding day: install dates and contract validity count back from it */
  now?: Date;
}

/**
 * Loads the demo install base, organisation and reference data in one transaction, so it is
 * there completely or not at all. Running it again changes nothing: the demo customers'
 * external refs are claimed first, and when they exist the rest is skipped.
 */
export async function seedDemo(db: Db, log: Logger, opts: SeedOptions = {}): Promise<SeedSummary> {
  const today = isoDay(opts.now ?? new Date());
  const isInserted = await db.transaction((tx) => insertDemo(tx, today));
  const counts = await countRows(db);
  log.info({ ...counts }, isInserted ? 'demo data loaded' : 'demo data already present');
  return { isAlreadySeeded: !isInserted, counts };
}

async function insertDemo(tx: Tx, today: string): Promise<boolean> {
  const customerIds = await claimCustomers(tx);
  if (!customerIds) return false;
  const siteIds = await insertSites(tx, customerIds);
  const contractIds = await insertContracts(tx, customerIds, today);
  await insertContacts(tx, customerIds);
  const models = await ensureModels(tx);
  await insertAssets(tx, today, { customerIds, siteIds, contractIds, models });
  await ensureReferenceData(tx);
  const teamIds = await ensureTeams(tx);
  await tx.insert(routingRules).values(DEMO_ROUTING_RULES.map((r) => ({
    teamId: must(teamIds, r.team), position: r.position, type: r.type ?? null, region: r.region ?? null,
  })));
  await insertUsers(tx, teamIds, customerIds);
  await insertArticles(tx, models);
  return true;
}

async function insertArticles(tx: Tx, models: Map<string, ModelRef>): Promise<void> {
  const rows = await tx.insert(knowledgeArticles).values(DEMO_ARTICLES.map((a) => ({
    title: a.title, body: a.body, tags: a.tags, faultCodes: a.faultCodes, modelIds: a.models.map((m) => must(models, m).id),
    visibility: a.visibility, status: 'published', publishedAt: new Date(), searchText: articleSearchText(a),
  }))).returning();
  await tx.insert(knowledgeArticleRevisions).values(rows.map((r) => ({
    articleId: r.id, version: r.version, title: r.title, body: r.body, tags: r.tags, faultCodes: r.faultCodes, modelIds: r.modelIds,
    visibility: r.visibility, status: r.status, note: 'demo data',
  })));
}

/**
 * The marker. Inserting the customers with ON CONFLICT DO NOTHING makes a concurrent second
 * seeder wait on the unique index and then find them taken, instead of racing a pre-check.
 */
async function claimCustomers(tx: Tx): Promise<Map<string, string> | null> {
  const rows = await tx.insert(customers).values(DEMO_CUSTOMERS.map((c) => ({
    name: c.name, country: c.country, region: c.region, email: c.email, phone: c.phone,
    externalRef: c.ref, notes: 'demo data',
  }))).onConflictDoNothing({ target: customers.externalRef })
    .returning({ id: customers.id, ref: customers.externalRef });
  if (rows.length === 0) return null;
  if (rows.length < DEMO_CUSTOMERS.length) {
    // Some demo customers were deleted by hand: filling in around them would duplicate the rest.
    throw new Conflict('the demo data is only partly present; remove the remaining DEMO-C-* customers (and their rows) first');
  }
  return new Map(rows.map((r) => [r.ref ?? '', r.id]));
}

async function insertSites(tx: Tx, customerIds: Map<string, string>): Promise<Map<string, string[]>> {
  const rows = await tx.insert(sites).values(DEMO_CUSTOMERS.flatMap((c) => c.sites.map((s) => ({
    customerId: must(customerIds, c.ref), name: s.name, address: s.address, city: s.city, postalCode: s.postalCode,
    country: c.country, region: s.region, latitude: s.latitude, longitude: s.longitude,
  })))).returning({ id: sites.id, customerId: sites.customerId, name: sites.name });
  // Matched by name rather than by RETURNING order, which SQL does not promise.
  const byKey = new Map(rows.map((r) => [`${r.customerId}/${r.name}`, r.id]));
  return new Map(DEMO_CUSTOMERS.map((c) => {
    const customerId = must(customerIds, c.ref);
    return [c.ref, c.sites.map((s) => must(byKey, `${customerId}/${s.name}`))];
  }));
}

async function insertContracts(tx: Tx, customerIds: Map<string, string>, today: string): Promise<Map<string, string>> {
  const withContract = DEMO_CUSTOMERS.filter((c) => c.contract);
  const rows = await tx.insert(contracts).values(withContract.map((c, i) => {
    const spec = c.contract!;
    const validFrom = addDays(today, -spec.startedDaysAgo);
    return {
      number: `DEMO-K-${String(i + 1).padStart(3, '0')}`, customerId: must(customerIds, c.ref), name: spec.name,
      coverage: spec.coverage, validFrom, validUntil: addDays(addMonths(validFrom, spec.months), -1), sla: SLA_TIERS[spec.tier],
    };
  })).returning({ id: contracts.id, customerId: contracts.customerId });
  const refOf = new Map([...customerIds].map(([ref, id]) => [id, ref]));
  return new Map(rows.map((r) => [must(refOf, r.customerId), r.id]));
}

async function insertContacts(tx: Tx, customerIds: Map<string, string>): Promise<void> {
  // A contact may already exist under that address (an earlier mail); it keeps its owner.
  await tx.insert(contacts).values(DEMO_CUSTOMERS.map((c) => ({
    customerId: must(customerIds, c.ref), name: c.contact.name, email: c.contact.email,
    phone: normalizePhone(c.contact.phone), language: c.contact.language,
  }))).onConflictDoNothing();
}

interface ModelRef { id: string; warrantyMonths: number }

/** Models, fault codes and categories may exist already (same code, same key): those are kept. */
async function ensureModels(tx: Tx): Promise<Map<string, ModelRef>> {
  await tx.insert(productModels).values([...DEMO_MODELS]).onConflictDoNothing({ target: productModels.code });
  const codes = DEMO_MODELS.map((m) => m.code);
  const rows = await tx.select({ id: productModels.id, code: productModels.code, warrantyMonths: productModels.warrantyMonths })
    .from(productModels).where(sql`${productModels.code} in ${codes}`);
  return new Map(rows.map((r) => [r.code, { id: r.id, warrantyMonths: r.warrantyMonths }]));
}

interface AssetRefs {
  customerIds: Map<string, string>;
  siteIds: Map<string, string[]>;
  contractIds: Map<string, string>;
  models: Map<string, ModelRef>;
}

async function insertAssets(tx: Tx, today: string, refs: AssetRefs): Promise<void> {
  const warranty = new Map([...refs.models].map(([code, m]) => [code, m.warrantyMonths]));
  const planned = planAssets(createRng(DEMO_SEED), DEMO_CUSTOMERS, warranty, today);
  await tx.insert(assets).values(planned.map((a) => ({
    serialNumber: a.serialNumber,
    modelId: must(refs.models, a.modelCode).id,
    customerId: must(refs.customerIds, a.customerRef),
    siteId: refs.siteIds.get(a.customerRef)?.[a.siteIndex] ?? null,
    contractId: refs.contractIds.get(a.customerRef) ?? null,
    installedAt: a.installedAt,
    warrantyUntil: a.warrantyUntil,
  })));
}

async function ensureReferenceData(tx: Tx): Promise<void> {
  await tx.insert(faultCodes).values([...DEMO_FAULT_CODES]).onConflictDoNothing({ target: faultCodes.code });
  await tx.insert(requestCategories).values([...DEMO_CATEGORIES]).onConflictDoNothing({ target: requestCategories.key });
  await tx.insert(orderRules).values([...DEMO_ORDER_RULES]);
}

async function ensureTeams(tx: Tx): Promise<Map<string, string>> {
  // Only one team may be the default; an install that already chose one keeps it.
  const [current] = await tx.select({ name: teams.name }).from(teams).where(sql`${teams.isDefault}`);
  await tx.insert(teams).values(DEMO_TEAMS.map((t) => ({ ...t, isDefault: t.isDefault && !current })))
    .onConflictDoNothing({ target: teams.name });
  const names = DEMO_TEAMS.map((t) => t.name);
  const rows = await tx.select({ id: teams.id, name: teams.name }).from(teams).where(sql`${teams.name} in ${names}`);
  return new Map(rows.map((r) => [r.name, r.id]));
}

async function insertUsers(tx: Tx, teamIds: Map<string, string>, customerIds: Map<string, string>): Promise<void> {
  // argon2 is slow on purpose: one hash, shared by every demo user.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await tx.insert(users).values(DEMO_USERS.map((u) => ({
    email: u.email, name: u.name, role: u.role, passwordHash, phone: u.phone ?? null, skills: u.skills ?? [],
    region: u.region ?? null, customerId: u.customerRef ? must(customerIds, u.customerRef) : null,
  }))).onConflictDoNothing();
  const emails = DEMO_USERS.map((u) => u.email.toLowerCase());
  const rows = await tx.select({ id: users.id, email: users.email }).from(users)
    .where(sql`lower(${users.email}) in ${emails}`);
  const userIds = new Map(rows.map((r) => [r.email.toLowerCase(), r.id]));
  const members = DEMO_USERS.flatMap((u) => (u.teams ?? []).map((team) => ({
    teamId: must(teamIds, team), userId: must(userIds, u.email.toLowerCase()),
  })));
  await tx.insert(teamMembers).values(members).onConflictDoNothing();
}

async function countRows(db: Db): Promise<SeedCounts> {
  const entries = await Promise.all(Object.entries(COUNTED).map(async ([name, table]) => [name, await db.$count(table)] as const));
  return Object.fromEntries(entries) as SeedCounts;
}

function must<K, V>(map: ReadonlyMap<K, V>, key: K): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`demo data is inconsistent: ${String(key)} is missing`);
  return value;
}
