import { randomBytes } from 'node:crypto';
import { count, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assets, auditLog, customers } from '../../db/schema/index.js';
import type { Role } from '../contracts/model.js';
import { makeContract, makeCustomer, makeModel, makeSite } from '../../test/support/factories.js';
import { startTestHub, type TestHub } from '../../test/support/test-hub.js';

const tag = () => randomBytes(4).toString('hex').toUpperCase();
const BOM = '\uFEFF';

describe('CSV import on postgres', () => {
  let t: TestHub;
  const upload = (kind: string, csv: string, token: string | null = t.adminToken) =>
    t.request('POST', `/api/import/${kind}`, { token, raw: csv, headers: { 'content-type': 'text/csv; charset=utf-8' } });
  const customerCount = async () => (await t.hub.db.select({ n: count() }).from(customers))[0]!.n;
  const assetCount = async () => (await t.hub.db.select({ n: count() }).from(assets))[0]!.n;
  const customersByRef = (refs: string[]) => t.hub.db.select().from(customers).where(inArray(customers.externalRef, refs));

  beforeAll(async () => { t = await startTestHub('postgres'); });
  afterAll(async () => { await t?.close(); });

  describe('customers', () => {
    describe.each([
      ['comma-delimited', ',', '\n'],
      ['semicolon-delimited with a BOM and CRLF, as Excel saves it', ';', '\r\n'],
    ])('a %s file', (_label, d, eol) => {
      it('creates the customers with their UTF-8 names, then updates them on a re-import without duplicates', async () => {
        const [hu, cn] = [`HU-${tag()}`, `CN-${tag()}`];
        const csv = `${d === ';' ? BOM : ''}${[
          ['externalRef', 'name', 'country', 'region', 'email', 'phone'].join(d),
          [hu, 'Győri Hűtőház Kft.', 'hu', 'Győr-Moson-Sopron', 'iroda@hutohaz.hu', '+36 96 511 200'].join(d),
          [cn, '上海华东冷链物流有限公司', 'CN', '', '', ''].join(d),
        ].join(eol)}${eol}`;
        const first = await upload('customers', csv);
        expect(first.status, JSON.stringify(first.body)).toBe(200);
        expect(first.body).toEqual({ rows: 2, created: 2, updated: 0 });
        const rows = await customersByRef([hu, cn]);
        expect(rows.map(({ externalRef, name, country, region, email, phone, version }) => ({ externalRef, name, country, region, email, phone, version }))
          .sort((a, b) => a.externalRef!.localeCompare(b.externalRef!))).toEqual([
          { externalRef: cn, name: '上海华东冷链物流有限公司', country: 'CN', region: null, email: null, phone: null, version: 1 },
          { externalRef: hu, name: 'Győri Hűtőház Kft.', country: 'HU', region: 'Győr-Moson-Sopron', email: 'iroda@hutohaz.hu', phone: '+36 96 511 200', version: 1 },
        ]);

        const again = await upload('customers', csv);
        expect(again.status, JSON.stringify(again.body)).toBe(200);
        expect(again.body).toEqual({ rows: 2, created: 0, updated: 2 });
        const after = await customersByRef([hu, cn]);
        expect(after).toHaveLength(2);
        expect(after.map((r) => r.version)).toEqual([2, 2]);
      });
    });

    it('leaves an audit entry naming who imported what', async () => {
      const ref = `AT-${tag()}`;
      expect((await upload('customers', `externalRef,name,country\n${ref},Kältetechnik Wien GmbH,AT\n`)).status).toBe(200);
      const entries = await t.hub.db.select().from(auditLog).where(eq(auditLog.entity, 'customers'));
      expect(entries.at(-1)).toMatchObject({ action: 'import', actorType: 'user', changes: { rows: 1, created: 1, updated: 0 } });
    });

    describe.each([
      ['a bad country', (ref: string) => `${ref}-3,Bäckerei Nowak,Polska`, ['country']],
      ['no name', (ref: string) => `${ref}-3,,PL`, ['name']],
      ['a bad email', (ref: string) => `${ref}-3,Piekarnia Nowak,PL,,nowak(at)example.pl`, ['email']],
      ['the reference of an earlier row', (ref: string) => `${ref}-1,Piekarnia Nowak,PL`, ['externalRef']],
      ['an unquoted comma in the name', (ref: string) => `${ref}-3,Chłodnie Nowak, Kraków,PL,Małopolskie,biuro@nowak.pl`, ['_row', 'country', 'email']],
    ])('a file with one row with %s', (_label, badRow, fields) => {
      it('is refused with 400 naming the row (the header is row 1) and field, and imports nothing', async () => {
        const ref = `PL-${tag()}`;
        const csv = `externalRef,name,country,region,email\n${ref}-1,Zakład Chłodniczy Kraków,PL\n${badRow(ref)}\n${ref}-4,Chłodnie Gdańsk,PL\n`;
        const before = await customerCount();
        const res = await upload('customers', csv);
        expect(res.status, JSON.stringify(res.body)).toBe(400);
        expect(res.body.error.code).toBe('BAD_REQUEST');
        expect(res.body.error.details.rows).toEqual(fields.map((field) => ({ row: 3, field, message: expect.any(String) })));
        expect(await customerCount()).toBe(before);
      });
    });
  });

  describe('assets', () => {
    const header = 'serialNumber,modelCode,customerRef,siteName,contractNumber,installedAt,warrantyUntil';
    const installBase = async () => {
      const model = await makeModel(t.hub.db);
      const customer = await makeCustomer(t.hub.db, { externalRef: `K-${tag()}` });
      const site = await makeSite(t.hub.db, customer.id, { name: `Filiale ${tag()}` });
      const contract = await makeContract(t.hub.db, customer.id);
      return { model, customer, site, contract };
    };

    it('creates assets resolving model codes, customer refs, sites and contracts', async () => {
      const { model, customer, site, contract } = await installBase();
      const [a, b] = [`SN-${tag()}`, `SN-${tag()}`];
      const csv = `${header}\n${a},${model.code.toLowerCase()},${customer.externalRef},${site.name},${contract.number},2025-03-01,2027-03-01\n${b},${model.code},${customer.externalRef},,,,\n`;
      const res = await upload('assets', csv);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual({ rows: 2, created: 2, updated: 0 });
      const rows = await t.hub.db.select().from(assets).where(eq(assets.customerId, customer.id));
      expect(rows.map(({ serialNumber, modelId, siteId, contractId, installedAt, warrantyUntil }) => ({ serialNumber, modelId, siteId, contractId, installedAt, warrantyUntil }))
        .sort((x, y) => x.serialNumber.localeCompare(y.serialNumber))).toEqual([
        { serialNumber: a, modelId: model.id, siteId: site.id, contractId: contract.id, installedAt: '2025-03-01', warrantyUntil: '2027-03-01' },
        { serialNumber: b, modelId: model.id, siteId: null, contractId: null, installedAt: null, warrantyUntil: null },
      ].sort((x, y) => x.serialNumber.localeCompare(y.serialNumber)));
    });

    it('refuses a file with an unknown model code, an unknown customer ref, a repeated serial and a bad date, reporting each row and importing nothing', async () => {
      const { model, customer } = await installBase();
      const serial = `SN-${tag()}`;
      const ok = (s: string) => `${s},${model.code},${customer.externalRef},,,,`;
      const csv = [
        header,
        ok(serial),
        `SN-${tag()},NO-SUCH-MODEL,${customer.externalRef},,,,`,
        `SN-${tag()},${model.code},NO-SUCH-CUSTOMER,,,,`,
        ok(serial.toLowerCase()),
        `SN-${tag()},${model.code},${customer.externalRef},,,2025-02-30,`,
        ok(`SN-${tag()}`),
      ].join('\n');
      const before = await assetCount();
      const res = await upload('assets', csv);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.details.rows.map((r: { row: number; field: string }) => [r.row, r.field])).toEqual([
        [3, 'modelCode'], [4, 'customerRef'], [5, 'serialNumber'], [6, 'installedAt'],
      ]);
      expect(await assetCount()).toBe(before);
    });
  });

  describe('uploads', () => {
    const multipart = (kind: string, form: FormData) =>
      t.hub.app.request(`/api/import/${kind}`, { method: 'POST', headers: { authorization: `Bearer ${t.adminToken}` }, body: form });

    it('takes the CSV as the "file" field of a multipart form', async () => {
      const ref = `DE-${tag()}`;
      const form = new FormData();
      form.append('file', new Blob([`${BOM}externalRef;name;country\n${ref};Kühlhaus Süd GmbH;DE\n`], { type: 'text/csv' }), 'kunden.csv');
      const res = await multipart('customers', form);
      expect(res.status, await res.clone().text()).toBe(200);
      expect(await res.json()).toEqual({ rows: 1, created: 1, updated: 0 });
      expect((await customersByRef([ref])).map((c) => c.name)).toEqual(['Kühlhaus Süd GmbH']);
    });

    it('answers 400 naming "file" for a form without it', async () => {
      const form = new FormData();
      form.append('upload', 'externalRef,name,country\n');
      const res = await multipart('customers', form);
      expect(res.status).toBe(400);
      expect(Object.keys((await res.json()).error.details.fields)).toEqual(['file']);
    });

    describe.each([
      ['an empty file', ''],
      ['a header without rows', 'externalRef,name,country\r\n'],
    ])('%s', (_label, csv) => {
      it('is refused with 400', async () => {
        const res = await upload('customers', csv);
        expect(res.status, JSON.stringify(res.body)).toBe(400);
        expect(res.body.error.details.fields).toEqual({ file: expect.any(String) });
      });
    });

    it('answers 400 for an unknown kind', async () => {
      const res = await upload('contracts', 'number,name\nK-1,x\n');
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(Object.keys(res.body.error.details.fields)).toEqual(['kind']);
    });

    it('answers 401 without sign-in', async () => {
      expect((await upload('customers', 'externalRef,name,country\nX-1,x,DE\n', null)).status).toBe(401);
    });

    describe.each<Role>(['agent', 'dispatcher', 'technician', 'customer'])('a %s', (role) => {
      it('may not import (403), and nothing is stored', async () => {
        const who = await t.userWithRole(role);
        const ref = `NO-${tag()}`;
        for (const kind of ['customers', 'assets']) {
          const res = await upload(kind, `externalRef,name,country\n${ref},Kunde,DE\n`, who.token);
          expect(res.status, JSON.stringify(res.body)).toBe(403);
        }
        expect(await customersByRef([ref])).toEqual([]);
        const [{ n }] = await t.hub.db.select({ n: sql<number>`count(*)::int` }).from(auditLog).where(eq(auditLog.actorId, who.userId)) as [{ n: number }];
        expect(n).toBe(0);
      });
    });
  });
});
