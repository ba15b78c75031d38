import type { PGlite } from '@electric-sql/pglite';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../hub/auth/tokens.js';
import { CategoryCreate } from '../../hub/contracts/api/install-base.js';
import { BusinessCalendar, ROLES, SlaTable } from '../../hub/contracts/model.js';
import { decideWarranty, isoDay } from '../../hub/identify/warranty.js';
import { createLogger } from '../../hub/platform/logger.js';
import { routeRequest, type RoutingRule } from '../../hub/routing/route.js';
import { createPglite, openDb, type DbHandle } from '../client.js';
import { migratePgliteClient } from '../migrate.js';
import { DEMO_ARTICLES } from './demo-knowledge.js';
import {
  assets, contracts, customers, productModels, requestCategories, routingRules, sites, teamMembers, teams, users,
} from '../schema/index.js';
import { DEMO_ASSET_COUNT } from './demo-assets.js';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD, seedDemo, type SeedSummary } from './demo.js';

// PGlite's cold start and the migrations take seconds, so the file seeds one database once;
// every case below only reads it, except the last, which must leave it unchanged.
const log = createLogger('silent');
const COUNTRY_BOXES: Record<string, [number, number, number, number]> = {
  DE: [47.2, 55.1, 5.8, 15.1], AT: [46.3, 49.1, 9.5, 17.2], PL: [49.0, 54.9, 14.1, 24.2],
  HU: [45.7, 48.6, 16.1, 22.9], CN: [18.0, 53.6, 73.5, 135.1],
};

describe('the demo seed', () => {
  let h: DbHandle;
  let first: SeedSummary;
  const today = isoDay(new Date());

  beforeAll(async () => {
    const client = await createPglite();
    await migratePgliteClient(client);
    h = await openDb({ pglite: client });
    first = await seedDemo(h.db, log);
  }, 120_000);
  afterAll(async () => { await h?.close(); });

  it('loads exactly 200 units with unique serials, each on a site and contract of its own customer', async () => {
    expect(first.isAlreadySeeded).toBe(false);
    expect(first.counts.assets).toBe(DEMO_ASSET_COUNT);
    expect(first.counts.knowledgeArticles).toBe(DEMO_ARTICLES.length);
    const rows = await h.db.select({
      serial: assets.serialNumber, customerId: assets.customerId, siteCustomer: sites.customerId,
      contractId: assets.contractId, contractCustomer: contracts.customerId,
    }).from(assets).leftJoin(sites, eq(sites.id, assets.siteId)).leftJoin(contracts, eq(contracts.id, assets.contractId));
    expect(rows).toHaveLength(200);
    expect(new Set(rows.map((r) => r.serial.toUpperCase())).size).toBe(200);
    const stray = rows.filter((r) => r.siteCustomer !== r.customerId || (r.contractId && r.contractCustomer !== r.customerId));
    expect(stray, JSON.stringify(stray.slice(0, 3))).toEqual([]);
    expect(rows.some((r) => r.contractId)).toBe(true);
  });

  it('has units in warranty, out of warranty and under contract as of today, and warranty = install + model months', async () => {
    const rows = await h.db.select({
      installedAt: assets.installedAt, warrantyUntil: assets.warrantyUntil, months: productModels.warrantyMonths,
      contract: { validFrom: contracts.validFrom, validUntil: contracts.validUntil, coverage: contracts.coverage },
    }).from(assets).innerJoin(productModels, eq(productModels.id, assets.modelId))
      .leftJoin(contracts, eq(contracts.id, assets.contractId));
    const verdicts = new Set(rows.map((r) => decideWarranty({ warrantyUntil: r.warrantyUntil, contract: r.contract }, today)));
    expect([...verdicts].sort()).toEqual(['in_warranty', 'out_of_warranty', 'under_contract']);
    const fourYearsAgo = `${Number(today.slice(0, 4)) - 4}${today.slice(4)}`;
    for (const r of rows) {
      expect(r.installedAt! >= fourYearsAgo && r.installedAt! <= today, String(r.installedAt)).toBe(true);
      const [y, m] = r.installedAt!.split('-').map(Number) as [number, number];
      const end = new Date(Date.UTC(y, m - 1 + r.months, 1)).toISOString().slice(0, 7);
      expect(r.warrantyUntil!.slice(0, 7)).toBe(end);
    }
  });

  it('has customers in five countries with sites inside them, and valid contracts and expired ones', async () => {
    const cs = await h.db.select().from(customers);
    expect(cs.length).toBeGreaterThanOrEqual(12);
    expect(new Set(cs.map((c) => c.country))).toEqual(new Set(['DE', 'AT', 'PL', 'HU', 'CN']));
    for (const s of await h.db.select().from(sites)) {
      const [latMin, latMax, lonMin, lonMax] = COUNTRY_BOXES[s.country]!;
      expect(s.latitude! > latMin && s.latitude! < latMax && s.longitude! > lonMin && s.longitude! < lonMax, s.name).toBe(true);
    }
    const ks = await h.db.select().from(contracts);
    for (const k of ks) SlaTable.parse(k.sla);
    expect(ks.some((k) => k.validUntil < today)).toBe(true);
    expect(ks.some((k) => k.validFrom <= today && today <= k.validUntil)).toBe(true);
  });

  it('has a user of every role, and the demo password works', async () => {
    const all = await h.db.select().from(users);
    expect(new Set(all.map((u) => u.role))).toEqual(new Set(ROLES));
    const admin = all.find((u) => u.email === DEMO_ADMIN_EMAIL);
    expect(await verifyPassword(admin?.passwordHash ?? null, DEMO_PASSWORD)).toBe(true);
    expect(await verifyPassword(admin?.passwordHash ?? null, 'wrong-password')).toBe(false);
    expect(all.filter((u) => u.role === 'customer').every((u) => u.customerId)).toBe(true);
    expect(all.filter((u) => u.role === 'technician').every((u) => u.skills.length > 0 && u.region)).toBe(true);
    const members = await h.db.select({ role: users.role }).from(teamMembers).innerJoin(users, eq(users.id, teamMembers.userId));
    expect(new Set(members.map((m) => m.role))).toEqual(new Set(['supervisor', 'dispatcher', 'agent']));
  });

  it('has exactly one default team, valid calendars and categories, and routes every site region', async () => {
    const ts = await h.db.select().from(teams);
    expect(ts.filter((t) => t.isDefault).map((t) => t.name)).toEqual(['Service Desk DACH']);
    for (const t of ts) BusinessCalendar.parse(t.calendar);
    expect(ts.find((t) => t.isDefault)!.calendar.holidays).toEqual(expect.arrayContaining(['2026-04-03', '2026-12-25', '2027-05-06']));
    for (const c of await h.db.select().from(requestCategories)) CategoryCreate.parse(c);

    const rules: RoutingRule[] = await h.db.select().from(routingRules);
    const defaultTeam = ts.find((t) => t.isDefault)!.id;
    const nameOf = new Map(ts.map((t) => [t.id, t.name]));
    const regions = await h.db.selectDistinct({ region: sites.region }).from(sites);
    for (const { region } of regions) {
      const d = routeRequest(rules, { channel: 'phone', type: 'request', categoryId: null, faultCode: null, region }, defaultTeam);
      expect(d.kind, String(region)).toBe('rule');
    }
    const complaint = routeRequest(rules, { channel: 'email', type: 'complaint', categoryId: null, faultCode: null, region: 'PL' }, defaultTeam);
    expect(complaint.kind === 'rule' && nameOf.get(complaint.teamId)).toBe('Complaints & Escalations');
  });

  it('changes nothing when run a second time', async () => {
    const serials = async () => (await h.db.select({ s: assets.serialNumber }).from(assets).orderBy(assets.serialNumber)).map((r) => r.s);
    const before = await serials();
    const again = await seedDemo(h.db, log);
    expect(again.isAlreadySeeded).toBe(true);
    expect(again.counts).toEqual(first.counts);
    expect(await serials()).toEqual(before);
    const [n] = await h.db.select({ n: sql<number>`count(*)::int` }).from(users);
    expect(n?.n).toBe(first.counts.users);
  }, 30_000);
});
