import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from './support/test-hub.js';

describe.each(['pglite', 'postgres'] as const)('smoke on %s', (driver) => {
  let t: TestHub;
  beforeAll(async () => { t = await startTestHub(driver); });
  afterAll(async () => { await t?.close(); });

  it('creates a request through the pipeline', async () => {
    const res = await t.request('POST', '/api/requests', { token: t.adminToken, body: { subject: 'Kühlung fällt aus', contact: { name: 'Anna', phone: '+49 30 1234' } } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const list = await t.request('GET', '/api/requests', { token: t.adminToken });
    expect(list.body.items).toHaveLength(1);
  });
});
