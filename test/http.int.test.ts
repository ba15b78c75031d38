import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetters } from '../db/schema/index.js';
import { startTestHub, type TestHub } from './support/test-hub.js';

describe('HTTP surface', () => {
  let t: TestHub;
  beforeAll(async () => { t = await startTestHub('postgres'); });
  afterAll(async () => { await t?.close(); });

  it('answers health, readiness and Prometheus metrics without sign-in', async () => {
    expect((await t.request('GET', '/healthz')).body).toEqual({ status: 'ok' });
    const ready = await t.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { accepting: 'ok', database: 'ok', jobs: 'ok' } });
    await t.request('GET', '/api/requests', { token: t.adminToken });
    const metrics = await t.request('GET', '/metrics');
    expect(metrics.headers.get('content-type')).toMatch(/text\/plain/);
    expect(metrics.body).toMatch(/hub_http_requests_total\{method="GET",route="\/api\/requests",status="200"\} \d+/);
    expect(metrics.body).toContain('hub_intake_batch_size_bucket');
  });

  it('publishes an OpenAPI document that covers every route group', async () => {
    const doc = await t.request('GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    const paths = Object.keys(doc.body.paths);
    for (const p of [
      '/auth/login', '/customers', '/contacts', '/sites', '/product-models', '/contracts', '/assets', '/assets/{id}', '/devices',
      '/devices/{id}/rotate', '/fault-codes', '/categories', '/order-rules', '/teams', '/routing-rules', '/users', '/api-keys',
      '/import/{kind}', '/requests', '/requests/{id}', '/requests/{id}/notes', '/intake/candidates', '/orders', '/orders/{id}', '/audit', '/dead-letters', '/events',
    ]) expect(paths, p).toContain(p);
    expect(doc.body.components.schemas.Error).toBeDefined();
  });

  it('answers unknown API routes and oversize bodies in the one error shape', async () => {
    const missing = await t.request('GET', '/api/nothing-here', { token: t.adminToken });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'NOT_FOUND', requestId: expect.any(String) });
    expect(missing.headers.get('x-request-id')).toBe(missing.body.error.requestId);
    const big = await t.request('POST', '/api/requests', { token: t.adminToken, raw: JSON.stringify({ subject: 'x', description: 'a'.repeat(1_100_000) }), headers: { 'content-type': 'application/json' } });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const notJson = await t.request('POST', '/api/requests', { token: t.adminToken, raw: '{oops', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('BAD_REQUEST');
  });

  it('keeps an audit trail that supervisors can read and agents cannot', async () => {
    await t.request('POST', '/api/customers', { token: t.adminToken, body: { name: 'Audit GmbH', country: 'DE' } });
    const audit = await t.request('GET', '/api/audit?entity=customer', { token: t.adminToken });
    expect(audit.status).toBe(200);
    expect(audit.body.items[0]).toMatchObject({ action: 'create', entity: 'customer', actorType: 'user', changes: { name: 'Audit GmbH' } });
    const agent = await t.userWithRole('agent');
    expect((await t.request('GET', '/api/audit', { token: agent.token })).status).toBe(403);
    const logins = await t.request('GET', '/api/audit?entity=user', { token: t.adminToken });
    expect(logins.body.items.some((i: { action: string }) => i.action === 'login')).toBe(true);
  });

  it('lists dead letters for supervisors', async () => {
    await t.hub.db.insert(deadLetters).values({ source: 'mqtt', reason: 'malformed_json', payload: '{nope', payloadBytes: 5 });
    const list = await t.request('GET', '/api/dead-letters?source=mqtt', { token: t.adminToken });
    expect(list.body.items[0]).toMatchObject({ source: 'mqtt', reason: 'malformed_json', payload: '{nope' });
    const agent = await t.userWithRole('agent');
    expect((await t.request('GET', '/api/dead-letters', { token: agent.token })).status).toBe(403);
  });

  it('replays the event log after a given number, in order', async () => {
    const before = await t.request('GET', '/api/events?after=0&limit=1', { token: t.adminToken });
    const last = before.body.lastSeq;
    await t.request('POST', '/api/requests', { token: t.adminToken, body: { subject: 'Replay me' } });
    const after = await t.request('GET', `/api/events?after=${last}`, { token: t.adminToken });
    expect(after.body.items.map((e: { seq: number }) => e.seq)).toEqual([last + 1, last + 2]);
    expect(after.body.items[0]).toMatchObject({ type: 'request.created', data: { subject: 'Replay me' } });
    expect(after.body.lastSeq).toBe(last + 2);
    const customer = await t.userWithRole('technician');
    expect((await t.request('GET', '/api/events', { token: customer.token })).status).toBe(403);
  });
});
