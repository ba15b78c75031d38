import { PGlite } from '@electric-sql/pglite';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../client.js';
import { migratePgliteClient } from '../migrate.js';
import { assets, contracts, routingRules, sites, teams, users } from '../schema/index.js';
import { decideWarranty } from '../../hub/identify/warranty.js';
import { verifyPassword } from '../../hub/auth/tokens.js';
import { ROLES, type BusinessCalendar } from '../../hub/contracts/model.js';
import { createLogger } from '../../hub/platform/logger.js';
import { DEMO_PASSWORD } from './demo-catalog.js';
import { DEMO_ASSET_COUNT, seedDemo } from './demo.js';
import { holidaysFor } from './holidays.js';

describe('demo data', () => {
  let h: DbHandle;
  const today = new Date('2026-11-23T10:00:00Z');
  beforeAll(async () => {
    const client = await PGlite.create();
    await migratePgliteClient(client);
    h = await openDb({ pglite: client });
  }, 60_000);
  afterAll(async () => { await h?.close(); });

  it('loads a consistent install base once, and changes nothing the second time', async () => {
    const first = await seedDemo(h.db, createLogger('silent'), today);
    expect(first).toMatchObject({ isAlreadySeeded: false, customers: 15, assets: DEMO_ASSET_COUNT, teams: 5 });
    const before = await h.db.select({ n: sql<number>`count(*)::int` }).from(assets);
    expect(before[0]!.n).toBe(DEMO_ASSET_COUNT);
    const again = await seedDemo(h.db, createLogger('silent'), today);
    expect(again.isAlreadySeeded).toBe(true);
    expect((await h.db.select({ n: sql<number>`count(*)::int` }).from(assets))[0]!.n).toBe(DEMO_ASSET_COUNT);
  }, 60_000);

  it('gives every unit a unique serial, and a site and contract of its own customer', async () => {
    const rows = await h.db.select({ serial: assets.serialNumber, customerId: assets.customerId, siteCustomer: sites.customerId, contractCustomer: contracts.customerId })
      .from(assets).innerJoin(sites, eq(sites.id, assets.siteId)).leftJoin(contracts, eq(contracts.id, assets.contractId));
    expect(rows).toHaveLength(DEMO_ASSET_COUNT);
    expect(new Set(rows.map((r) => r.serial.toUpperCase())).size).toBe(DEMO_ASSET_COUNT);
    for (const r of rows) {
      expect(r.siteCustomer).toBe(r.customerId);
      if (r.contractCustomer) expect(r.contractCustomer).toBe(r.customerId);
    }
  });

  it('has units in and out of warranty, under contract, and an expired contract', async () => {
    const rows = await h.db.select({ warrantyUntil: assets.warrantyUntil, contract: { validFrom: contracts.validFrom, validUntil: contracts.validUntil, coverage: contracts.coverage } })
      .from(assets).leftJoin(contracts, eq(contracts.id, assets.contractId));
    const verdicts = new Set(rows.map((r) => decideWarranty({ warrantyUntil: r.warrantyUntil, contract: r.contract?.validFrom ? r.contract : null }, '2026-11-23')));
    expect(verdicts).toEqual(new Set(['in_warranty', 'out_of_warranty', 'under_contract']));
    const expired = await h.db.select().from(contracts).where(sql`${contracts.validUntil} < '2026-11-23'`);
    expect(expired.length).toBeGreaterThan(0);
  });

  it('has a user of every role who can sign in with the demo password, and one default team', async () => {
    const all = await h.db.select().from(users);
    expect(new Set(all.map((u) => u.role))).toEqual(new Set(ROLES));
    expect(await verifyPassword(all.find((u) => u.email === 'agent.anna@demo.local')!.passwordHash, DEMO_PASSWORD)).toBe(true);
    expect(all.find((u) => u.role === 'customer')!.customerId).not.toBeNull();
    expect(all.filter((u) => u.role === 'technician').every((u) => u.skills.length > 0 && u.region)).toBe(true);
    const defaults = await h.db.select().from(teams).where(eq(teams.isDefault, true));
    expect(defaults.map((t) => t.name)).toEqual(['Service Desk DACH']);
    expect((defaults[0]!.calendar as BusinessCalendar).holidays).toContain('2026-12-25');
    expect((await h.db.select().from(routingRules)).length).toBeGreaterThanOrEqual(7);
  });
});

describe('holidaysFor', () => {
  it('knows the movable feasts', () => {
    // Easter Sunday 2027 is 28 March.
    expect(holidaysFor('DE', 2027)).toEqual(expect.arrayContaining(['2027-03-26', '2027-03-29', '2027-05-06', '2027-05-17', '2027-10-03']));
    expect(holidaysFor('PL', 2026)).toEqual(expect.arrayContaining(['2026-04-06', '2026-06-04', '2026-11-11']));
    expect(holidaysFor('HU', 2026)).toEqual(expect.arrayContaining(['2026-04-03', '2026-03-15', '2026-08-20']));
  });
});
