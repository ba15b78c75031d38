import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetters, outbox, requestCategories, serviceRequests, timelineEntries } from '../../db/schema/index.js';
import { makeAsset, makeCustomer } from '../../test/support/factories.js';
import { TEST_REDIS_URL } from '../../test/support/env.js';
import { startTestHub, type Driver, type TestHub } from '../../test/support/test-hub.js';

const ORIGIN = 'https://shop.example.com';
const ENV = {
  PUBLIC_TRUST_PROXY: 'true', PUBLIC_RATE_IP_PER_MINUTE: '3', PUBLIC_RATE_EMAIL_PER_HOUR: '2',
  PUBLIC_BODY_MAX_BYTES: '200000', PUBLIC_ATTACHMENT_MAX_BYTES: '50000', PUBLIC_CORS_ORIGINS: `${ORIGIN}, https://b.example.org`,
};
// Every test sends from its own address and sender, so the limits of one never touch another.
const newIp = () => `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
const newEmail = () => `kunde.${randomBytes(4).toString('hex')}@example.com`;

function submitter(t: TestHub) {
  return (body: Record<string, unknown>, o: { ip?: string; key?: string } = {}) => t.request('POST', '/api/public/requests', {
    body: { subject: 'Kühlschrank kühlt nicht', name: 'Eva Kunde', email: newEmail(), ...body },
    headers: { 'x-forwarded-for': o.ip ?? newIp(), ...(o.key ? { 'idempotency-key': o.key } : {}) },
  });
}

describe.each<[Driver, boolean]>([['pglite', false], ['postgres', true]])('public web form rate limits (%s, redis %s)', (driver, isRedis) => {
  let t: TestHub;
  beforeAll(async () => { t = await startTestHub(driver, { isRedis, env: ENV }); });
  afterAll(async () => { await t?.close(); });

  it('answers 429 with Retry-After once an address used up its minute, and counts per address', async () => {
    // Counted in Redis from the first submission on (until it connects, memory would count).
    if (isRedis) await expect.poll(() => t.hub.portal.limiter.isRedisReady, { timeout: 15_000 }).toBe(true);
    const submit = submitter(t);
    const ip = newIp();
    for (let i = 0; i < 3; i++) expect((await submit({}, { ip })).status).toBe(201);
    const over = await submit({}, { ip });
    expect(over.status, JSON.stringify(over.body)).toBe(429);
    expect(over.body.error.message).toMatch(/too many submissions from your address/);
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await submit({}, { ip: newIp() })).status).toBe(201);
    expect(t.hub.portal.limiter.store).toBe(isRedis ? 'redis' : 'memory');
    if (isRedis) {
      const redis = new Redis(TEST_REDIS_URL);
      try {
        const keys = await redis.keys(`${t.hub.config.queuePrefix}:rl:ip*`);
        expect(keys.some((k) => k.endsWith(ip))).toBe(true);
      } finally { redis.disconnect(); }
    }
  });

  it('limits submissions per sender address across addresses', async () => {
    if (isRedis) await expect.poll(() => t.hub.portal.limiter.isRedisReady, { timeout: 15_000 }).toBe(true);
    const submit = submitter(t);
    const email = newEmail();
    expect((await submit({ email })).status).toBe(201);
    expect((await submit({ email: email.toUpperCase() })).status).toBe(201);
    const over = await submit({ email });
    expect(over.status, JSON.stringify(over.body)).toBe(429);
    expect(over.body.error.message).toMatch(/this email address/);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(60);
  });
});

describe('public web form (postgres)', () => {
  let t: TestHub;
  let submit: ReturnType<typeof submitter>;
  let categoryId: string;
  beforeAll(async () => {
    t = await startTestHub('postgres', { env: ENV });
    submit = submitter(t);
    const [cat] = await t.hub.db.insert(requestCategories).values({
      key: `repair-${randomBytes(3).toString('hex')}`, name: 'Reparatur', fields: [
        { key: 'symptom', label: 'Symptom', kind: 'choice', required: true, options: ['no_cooling', 'noise'] },
        { key: 'serial', label: 'Seriennummer', kind: 'serial', required: false },
        { key: 'photo', label: 'Foto', kind: 'attachment', required: false },
      ],
    }).returning();
    categoryId = cat!.id;
  });
  afterAll(async () => { await t?.close(); });

  it('opens a web request with validated custom fields, links the unit by the serial field, and mails a tracking link', async () => {
    const asset = await makeAsset(t.hub.db, { warrantyUntil: '2099-01-01' });
    const email = newEmail();
    const res = await submit({ email, categoryId, customFields: { symptom: 'no_cooling', serial: asset.serialNumber.toLowerCase() } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.result).toMatchObject({ kind: 'created', number: expect.stringMatching(/^SR-\d{6}$/) });
    expect(res.body.trackingUrl).toMatch(/\/portal\/t\/[0-9a-f-]{36}\.[\w-]+$/);
    const [row] = await t.hub.db.select().from(serviceRequests).where(eq(serviceRequests.id, res.body.result.requestId));
    expect(row).toMatchObject({ channel: 'web', type: 'request', categoryId, assetId: asset.id, customerId: asset.customerId, warranty: 'in_warranty' });
    expect(row!.customFields).toEqual({ symptom: 'no_cooling', serial: asset.serialNumber.toLowerCase() });
    const mails = await t.hub.db.select().from(outbox).where(and(eq(outbox.requestId, row!.id), eq(outbox.template, 'ack')));
    expect(mails.map((m) => m.toAddress)).toEqual([email]);
    expect(mails[0]!.text).toContain(res.body.trackingUrl);
  });

  it('refuses fields that do not fit the category, naming each, and opens nothing', async () => {
    const subject = `Invalid ${randomUUID()}`;
    const res = await submit({ subject, categoryId, customFields: { symptom: 'smoke', colour: 'red' } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields).toMatchObject({ 'customFields.symptom': expect.stringContaining('no_cooling'), 'customFields.colour': 'not a field of this category' });
    const missing = await submit({ subject, categoryId, customFields: {} });
    expect(missing.body.error.details.fields).toEqual({ 'customFields.symptom': 'Symptom is required' });
    const bad = await submit({ subject, email: 'not-an-email' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.email).toBeTruthy();
    expect(await t.hub.db.select().from(serviceRequests).where(eq(serviceRequests.subject, subject))).toHaveLength(0);
  });

  it('joins the open request of the same unit and says which one, without handing out its tracking link', async () => {
    const asset = await makeAsset(t.hub.db);
    const first = await submit({ serialNumber: asset.serialNumber });
    const second = await submit({ serialNumber: asset.serialNumber, subject: 'Immer noch kaputt', email: newEmail() });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    expect(second.body.result).toMatchObject({ kind: 'attached', requestId: first.body.result.requestId, number: first.body.result.number, reason: 'open_request_for_asset' });
    expect(second.body.message).toContain(first.body.result.number);
    expect(second.body.trackingUrl).toBeNull();
    const entries = await t.hub.db.select().from(timelineEntries).where(eq(timelineEntries.requestId, first.body.result.requestId));
    expect(entries.find((e) => e.kind === 'attached')?.body).toContain('Immer noch kaputt');
    // A complaint about the same unit is its own case.
    const complaint = await submit({ serialNumber: asset.serialNumber, type: 'complaint', subject: 'Beschwerde' });
    expect(complaint.body.result.kind).toBe('created');
    const [c] = await t.hub.db.select().from(serviceRequests).where(eq(serviceRequests.id, complaint.body.result.requestId));
    expect(c).toMatchObject({ type: 'complaint', priority: 'medium', assetId: asset.id });
  });

  it('makes a double submit with one Idempotency-Key one request, also when both arrive at once', async () => {
    const email = newEmail();
    const key = randomUUID();
    const subject = `Doppelklick ${key}`;
    const [a, b] = await Promise.all([submit({ email, subject }, { key }), submit({ email, subject }, { key })]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.result.requestId).toBe(b.body.result.requestId);
    const again = await submit({ email, subject }, { key });
    expect(again.status).toBe(200);
    expect(again.body.result).toMatchObject({ kind: 'duplicate', number: a.body.result.number });
    expect(again.body.trackingUrl).toMatch(/\/portal\/t\//);
    expect(await t.hub.db.select().from(serviceRequests).where(eq(serviceRequests.subject, subject))).toHaveLength(1);
  });

  it('refuses a filled-in honeypot with a clear message and keeps it in the dead letters', async () => {
    const subject = `Bot ${randomUUID()}`;
    const res = await submit({ subject, website: 'http://spam.example' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/looks automated/);
    expect(await t.hub.db.select().from(serviceRequests).where(eq(serviceRequests.subject, subject))).toHaveLength(0);
    const letters = await t.hub.db.select().from(deadLetters).where(eq(deadLetters.source, 'web'));
    expect(letters.some((l) => l.payload.includes(subject) && l.reason.includes('honeypot'))).toBe(true);
  });

  it('answers 413 for an oversize body or attachment, and stores an attachment within the limit', async () => {
    const big = await submit({ description: 'x'.repeat(210_000) });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const multipart = (file: Blob, field = 'attachments', ip = newIp()) => {
      const form = new FormData();
      form.set('data', JSON.stringify({ subject: 'Mit Foto', name: 'Eva', email: newEmail(), categoryId, customFields: { symptom: 'noise' } }));
      form.append(field, file, 'foto.jpg');
      return t.hub.app.request('/api/public/requests', { method: 'POST', body: form, headers: { 'x-forwarded-for': ip } });
    };
    const tooBig = await multipart(new Blob([Buffer.alloc(60_000, 1)], { type: 'image/jpeg' }));
    expect(tooBig.status).toBe(413);
    expect((await tooBig.json()).error.message).toMatch(/foto\.jpg is larger than/);
    const ok = await multipart(new Blob([Buffer.alloc(30_000, 2)], { type: 'image/jpeg' }), 'customFields.photo');
    const body = await ok.json();
    expect(ok.status, JSON.stringify(body)).toBe(201);
    const [created] = await t.hub.db.select().from(timelineEntries).where(and(eq(timelineEntries.requestId, body.result.requestId), eq(timelineEntries.kind, 'created')));
    expect(created!.data.attachments).toEqual([expect.objectContaining({ filename: 'foto.jpg', size: 30_000, field: 'photo', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })]);
    const [req] = await t.hub.db.select().from(serviceRequests).where(eq(serviceRequests.id, body.result.requestId));
    expect(req!.customFields).toMatchObject({ photo: 'foto.jpg' });
  });

  it('allows the configured embedding sites on the public routes only', async () => {
    const preflight = (path: string, origin: string) => t.hub.app.request(path, {
      method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,idempotency-key' },
    });
    const ok = await preflight('/api/public/requests', ORIGIN);
    expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/idempotency-key/);
    expect((await preflight('/api/public/requests', 'https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight('/api/requests', ORIGIN)).headers.get('access-control-allow-origin')).toBeNull();
    // The form page may be framed by the same sites (and itself); the portal only by itself.
    const page = await t.hub.app.request('/portal/new');
    expect(page.headers.get('content-security-policy')).toContain(`frame-ancestors 'self' ${ORIGIN} https://b.example.org`);
    expect((await t.hub.app.request('/portal')).headers.get('content-security-policy')).toMatch(/frame-ancestors 'self'$/);
    const get = await t.hub.app.request('/api/public/categories', { headers: { origin: ORIGIN } });
    expect(get.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(get.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('looks a serial number up with its warranty verdict and nothing about the owner', async () => {
    const customer = await makeCustomer(t.hub.db, { name: `Geheim ${randomUUID()} AG` });
    const asset = await makeAsset(t.hub.db, { customerId: customer.id, warrantyUntil: '2001-01-01' });
    const res = await t.request('GET', `/api/public/assets/lookup?serial=${encodeURIComponent(asset.serialNumber.toLowerCase())}`, { headers: { 'x-forwarded-for': newIp() } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ found: true, serialNumber: asset.serialNumber, model: 'Wärmepumpe 12 kW', warranty: 'out_of_warranty', warrantyUntil: '2001-01-01' });
    expect(JSON.stringify(res.body)).not.toContain('Geheim');
    const none = await t.request('GET', '/api/public/assets/lookup?serial=NOPE-404', { headers: { 'x-forwarded-for': newIp() } });
    expect(none.body).toMatchObject({ found: false, warranty: 'unknown', model: null });
    const doc = await t.request('GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining([
      '/public/requests', '/public/assets/lookup', '/public/portal/magic-link', '/portal/requests/{id}/remarks', '/portal/orders/{id}/accept',
    ]));
    const cats = await t.request('GET', '/api/public/categories');
    expect(cats.body.items.find((c: { id: string }) => c.id === categoryId).fields).toHaveLength(3);
  });
});
