import { createRoute, z } from '@hono/zod-openapi';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { bodyLimit } from '../http/body-limit.js';
import { cors } from 'hono/cors';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { assets, contracts, deadLetters, intakeReceipts, productModels, requestCategories } from '../../db/schema/index.js';
import { webFormEvent, webSourceKey, type StoredAttachment } from '../../connectors/web/form.js';
import { PublicCategory, PublicRequestBody, PublicRequestResult, SerialLookup } from '../contracts/api/portal.js';
import type { FieldDefinition } from '../contracts/model.js';
import type { HubEnv } from '../http/context.js';
import { createRouter, errorResponses, json } from '../http/router.js';
import { decideWarranty, isoDay } from '../identify/warranty.js';
import type { IntakePipeline } from '../intake/pipeline.js';
import type { AttachmentStore } from '../mail/attachments.js';
import { AppError, BadRequest, fieldsOf } from '../platform/errors.js';
import type { Metrics } from '../platform/metrics.js';
import { checkCustomFields } from '../requests/custom-fields.js';
import type { PublicRateLimiter } from './rate-limit.js';

export interface PublicRouteDeps {
  db: Db;
  pipeline: IntakePipeline;
  limiter: PublicRateLimiter;
  attachments: AttachmentStore;
  metrics?: Metrics | undefined;
  trackingUrl: (requestId: string) => string;
  corsOrigins: string[];
  bodyMaxBytes: number;
  attachmentMaxBytes: number;
  isProxyTrusted: boolean;
}

export async function storeFiles(store: AttachmentStore, files: Array<{ file: File; field: string | null }>): Promise<StoredAttachment[]> {
  const stored: StoredAttachment[] = [];
  for (const f of files) {
    const sha256 = await store.put(Buffer.from(await f.file.arrayBuffer()));
    stored.push({ filename: f.file.name || 'attachment', contentType: f.file.type || 'application/octet-stream', size: f.file.size, sha256, ...(f.field ? { field: f.field } : {}) });
  }
  return stored;
}

const MiB = (n: number) => `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) ? 1 : 0)} MiB`;

export function clientAddress(c: Context<HubEnv>, isProxyTrusted: boolean): string {
  if (isProxyTrusted) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The public side of the web channel: the form's definitions, the serial look-up and the submission. */
export function publicRoutes(d: PublicRouteDeps) {
  const app = createRouter();
  const tags = ['public'];
  // Only the configured embedding sites may call these from a browser; no cookies cross.
  app.use('/public/*', cors({
    origin: (origin) => (d.corsOrigins.includes(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'OPTIONS'], allowHeaders: ['content-type', 'idempotency-key'],
    exposeHeaders: ['retry-after', 'x-request-id'], maxAge: 600,
  }));
  app.use('/public/*', bodyLimit({
    maxSize: d.bodyMaxBytes,
    onError: () => { throw new AppError('PAYLOAD_TOO_LARGE', `the submission is larger than ${MiB(d.bodyMaxBytes)}`, { details: { maxBytes: d.bodyMaxBytes } }); },
  }));

  app.openapi(createRoute({
    method: 'get', path: '/public/categories', tags,
    responses: { 200: json(z.object({ items: z.array(PublicCategory) }), 'active request categories and their fields, as the form renders them') },
  }), async (c) => {
    const rows = await d.db.select().from(requestCategories).where(eq(requestCategories.isActive, true)).orderBy(requestCategories.name);
    return c.json({ items: rows.map((r) => ({ id: r.id, key: r.key, name: r.name, defaultType: r.defaultType, fields: r.fields })) }, 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/public/assets/lookup', tags, request: { query: z.object({ serial: z.string().trim().min(1).max(100) }) },
    responses: { 200: json(SerialLookup, 'the unit\'s model and warranty verdict today; nothing about its owner'), ...errorResponses, 429: { description: 'too many look-ups' } },
  }), async (c) => {
    await d.limiter.consume('lookup', clientAddress(c, d.isProxyTrusted));
    const serial = c.req.valid('query').serial;
    const [row] = await d.db.select({
      serialNumber: assets.serialNumber, model: productModels.name, warrantyUntil: assets.warrantyUntil,
      contract: { validFrom: contracts.validFrom, validUntil: contracts.validUntil, coverage: contracts.coverage },
    }).from(assets).innerJoin(productModels, eq(productModels.id, assets.modelId)).leftJoin(contracts, eq(contracts.id, assets.contractId))
      .where(sql`upper(${assets.serialNumber}) = upper(${serial})`).limit(1);
    if (!row) return c.json({ found: false, serialNumber: serial, model: null, warranty: 'unknown' as const, warrantyUntil: null }, 200);
    return c.json({
      found: true, serialNumber: row.serialNumber, model: row.model, warrantyUntil: row.warrantyUntil,
      warranty: decideWarranty({ warrantyUntil: row.warrantyUntil, contract: row.contract }, isoDay(new Date())),
    }, 200);
  });

  app.openAPIRegistry.registerPath({
    method: 'post', path: '/public/requests', tags,
    description: 'The public request form: JSON, or multipart with a `data` part (the same JSON) and files. Honeypot `website`; per-address and per-sender limits (429 + Retry-After); 413 over the size limits; Idempotency-Key makes a double submit one request.',
    request: {
      headers: z.object({ 'idempotency-key': z.string().max(200).optional() }),
      body: { content: { 'application/json': { schema: PublicRequestBody }, 'multipart/form-data': { schema: z.object({ data: z.string(), attachments: z.any().optional() }) } } },
    },
    responses: {
      201: json(PublicRequestResult, 'a request was opened, or the submission joined an open request of the same unit (result.kind attached)'),
      200: json(PublicRequestResult, 'the same Idempotency-Key again: nothing changed'),
      ...errorResponses, 413: { description: 'body or attachment too large' }, 429: { description: 'rate limited; see Retry-After' },
    },
  });
  app.post('/public/requests', async (c) => {
    await d.limiter.consume('ip', clientAddress(c, d.isProxyTrusted));
    const { raw, files } = await readSubmission(c, d.attachmentMaxBytes);
    if (raw && typeof raw === 'object' && typeof (raw as { website?: unknown }).website === 'string' && (raw as { website: string }).website.trim()) {
      await deadLetterHoneypot(d, raw, clientAddress(c, d.isProxyTrusted));
      throw new BadRequest('this submission looks automated (a hidden field was filled in) and was not accepted; please use the form in a browser', { website: 'must be empty' });
    }
    const parsed = PublicRequestBody.safeParse(raw);
    if (!parsed.success) throw new BadRequest('the form is not complete', fieldsOf(parsed.error));
    const body = parsed.data;
    const idempotencyKey = c.req.header('idempotency-key')?.trim().slice(0, 200) || undefined;
    // A retry of a submission we already recorded is answered, not counted as a new one.
    if (!idempotencyKey || !await isRecorded(d.db, webSourceKey(body.email, idempotencyKey))) await d.limiter.consume('email', body.email);
    const fields = await categoryFields(d.db, body.categoryId);
    for (const f of files) if (f.field) body.customFields[f.field] = f.file.name || 'attachment';
    const checked = checkCustomFields(fields, body.customFields);
    if (!checked.ok) throw new BadRequest('some fields are not valid for this category', checked.fields);
    const badFileField = files.find((f) => f.field && fields.find((x) => x.key === f.field)?.kind !== 'attachment');
    if (badFileField) throw new BadRequest('a file was sent for a field that is not an attachment', { [`customFields.${badFileField.field}`]: 'not an attachment field' });
    const stored = await storeFiles(d.attachments, files);
    const result = await d.pipeline.submit(webFormEvent(body, { idempotencyKey, fields, attachments: stored }));
    return c.json(await answer(d, result, body.email, idempotencyKey), result.kind === 'duplicate' ? 200 : 201);
  });
  return app;
}

/** JSON, or multipart with the JSON in a `data` part and files (each at most attachmentMaxBytes: else 413). */
export async function readSubmission(c: Context<HubEnv>, attachmentMaxBytes: number) {
  const type = c.req.header('content-type') ?? '';
  if (type.startsWith('multipart/form-data')) {
    const form = await c.req.parseBody({ all: true }).catch(() => { throw new BadRequest('the multipart body cannot be read'); });
    const data = form.data;
    let raw: unknown;
    try { raw = typeof data === 'string' ? JSON.parse(data) : null; } catch { throw new BadRequest('the data part is not JSON', { data: 'expected JSON' }); }
    if (!raw) throw new BadRequest('a multipart submission needs a data part with the form as JSON', { data: 'required' });
    const files: Array<{ file: File; field: string | null }> = [];
    for (const [name, value] of Object.entries(form)) {
      for (const v of Array.isArray(value) ? value : [value]) {
        if (typeof v === 'string') continue;
        if (v.size > attachmentMaxBytes) {
          throw new AppError('PAYLOAD_TOO_LARGE', `${v.name || 'an attachment'} is larger than ${MiB(attachmentMaxBytes)}`, { details: { file: v.name, size: v.size, maxBytes: attachmentMaxBytes } });
        }
        files.push({ file: v, field: name.startsWith('customFields.') ? name.slice('customFields.'.length) : null });
      }
    }
    if (files.length > 10) throw new BadRequest('at most 10 attachments', { attachments: 'at most 10' });
    return { raw, files };
  }
  if (!type.includes('json')) throw new BadRequest('send JSON or multipart/form-data', { 'content-type': 'expected application/json or multipart/form-data' });
  const raw: unknown = await c.req.json().catch(() => { throw new BadRequest('the body is not valid JSON'); });
  return { raw, files: [] as Array<{ file: File; field: string | null }> };
}

async function isRecorded(db: Db, sourceKey: string): Promise<boolean> {
  const [r] = await db.select({ id: intakeReceipts.id }).from(intakeReceipts)
    .where(and(eq(intakeReceipts.channel, 'web'), eq(intakeReceipts.sourceKey, sourceKey)));
  return !!r;
}

async function categoryFields(db: Db, categoryId: string | undefined): Promise<FieldDefinition[]> {
  if (!categoryId) return [];
  const [cat] = await db.select({ fields: requestCategories.fields }).from(requestCategories)
    .where(and(eq(requestCategories.id, categoryId), eq(requestCategories.isActive, true)));
  if (!cat) throw new BadRequest('unknown category', { categoryId: 'no such active category' });
  return cat.fields;
}

async function deadLetterHoneypot(d: PublicRouteDeps, raw: unknown, address: string) {
  const payload = JSON.stringify(raw).slice(0, 64 * 1024);
  await d.db.insert(deadLetters).values({ source: 'web', reason: 'honeypot field filled in', payload, payloadBytes: payload.length, meta: { address } });
  d.metrics?.deadLetters.inc({ source: 'web', reason: 'honeypot' });
}

type IntakeAnswer = Awaited<ReturnType<IntakePipeline['submit']>>;

async function answer(d: PublicRouteDeps, result: IntakeAnswer, email: string, key: string | undefined): Promise<z.infer<typeof PublicRequestResult>> {
  switch (result.kind) {
    case 'created':
      return { result, message: `Thank you. We opened request ${result.number} and sent a confirmation to ${email}.`, trackingUrl: d.trackingUrl(result.requestId) };
    case 'attached':
      // Joined someone's open request for the same unit: its number, never its tracking link.
      return { result, message: `This unit already has an open request, ${result.number}; your message was added to it.`, trackingUrl: null };
    case 'duplicate': {
      const [r] = await d.db.select({ outcome: intakeReceipts.outcome }).from(intakeReceipts)
        .where(and(eq(intakeReceipts.channel, 'web'), eq(intakeReceipts.sourceKey, webSourceKey(email, key ?? ''))));
      return {
        result, message: `We already received this submission${result.number ? ` (request ${result.number})` : ''}; nothing was added.`,
        trackingUrl: r?.outcome === 'created' && result.requestId ? d.trackingUrl(result.requestId) : null,
      };
    }
    case 'ignored':
      return { result, message: 'The submission was recorded but opened no request.', trackingUrl: null };
  }
}
