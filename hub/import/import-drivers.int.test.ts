import { describe, expect, it } from 'vitest';
import { DRIVERS, startTestHub } from '../../test/support/test-hub.js';

describe.each(DRIVERS)('CSV import on %s', (driver) => {
  it('creates assets, then updates them on a re-import matching the serial case-insensitively', async () => {
    const t = await startTestHub(driver);
    try {
      const csv = (body: string) => ({ token: t.adminToken, raw: body, headers: { 'content-type': 'text/csv' } });
      expect((await t.request('POST', '/api/product-models', { token: t.adminToken, body: { code: 'HP-12', name: 'Wärmepumpe', productLine: 'heat pumps' } })).status).toBe(201);
      expect((await t.request('POST', '/api/import/customers', csv('externalRef,name,country\nC-1,Bäckerei Müller GmbH,DE\n'))).body).toEqual({ rows: 1, created: 1, updated: 0 });
      const first = await t.request('POST', '/api/import/assets', csv('serialNumber,modelCode,customerRef,warrantyUntil\nHP12-0001,HP-12,C-1,2027-01-01\n'));
      expect(first.body, JSON.stringify(first.body)).toEqual({ rows: 1, created: 1, updated: 0 });
      const again = await t.request('POST', '/api/import/assets', csv('serialNumber,modelCode,customerRef,warrantyUntil\nhp12-0001,HP-12,C-1,2028-01-01\n'));
      expect(again.body, JSON.stringify(again.body)).toEqual({ rows: 1, created: 0, updated: 1 });
      const list = await t.request('GET', '/api/assets', { token: t.adminToken });
      expect(list.body.items).toMatchObject([{ serialNumber: 'HP12-0001', warrantyUntil: '2028-01-01', version: 2 }]);
    } finally {
      await t.close();
    }
  });
});
