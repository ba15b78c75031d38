import { createRoute, z } from '@hono/zod-openapi';
import type { Db } from '../../db/client.js';
import { createRouter, errorResponses, json, requirePermission } from '../http/router.js';
import { AppError, BadRequest } from '../platform/errors.js';
import { audit } from '../provisioning/crud.js';
import { AssetRow, CustomerRow, importAssets, importCustomers, readCsv, validateRows, type ImportReport } from './csv-import.js';

const MAX_BYTES = 20 * 1024 * 1024;
const Report = z.object({ rows: z.number(), created: z.number(), updated: z.number() }).openapi('ImportReport');

/** Thrown inside the transaction so that nothing of a file with a bad row is kept. */
class ImportRejected extends AppError {
  constructor(report: ImportReport) {
    super('BAD_REQUEST', `${report.errors.length} problem(s) in the file; nothing was imported`, { details: { rows: report.errors } });
  }
}

export function importRoutes(db: Db) {
  const app = createRouter();
  const kinds = {
    customers: { schema: CustomerRow, key: (r: z.infer<typeof CustomerRow>) => r.externalRef, keyField: 'externalRef', run: importCustomers },
    assets: { schema: AssetRow, key: (r: z.infer<typeof AssetRow>) => r.serialNumber, keyField: 'serialNumber', run: importAssets },
  } as const;

  app.openapi(createRoute({
    method: 'post', path: '/import/{kind}', tags: ['import'],
    description: 'CSV with a header row (comma or semicolon), as the body (text/csv) or as the "file" field of a multipart form. '
      + 'customers: externalRef,name,country,region,email,phone. assets: serialNumber,modelCode,customerRef,siteName,contractNumber,installedAt,warrantyUntil. '
      + 'Rows upsert by externalRef / serial number. Any bad row rejects the whole file with a per-row report in error.details.rows.',
    request: { params: z.object({ kind: z.enum(['customers', 'assets']) }) },
    responses: { 200: json(Report, 'imported'), ...errorResponses, 413: { description: 'file too large' } },
  }), async (c) => {
    const p = requirePermission(c, 'import.run');
    const { kind } = c.req.valid('param');
    const text = await readBody(c.req.raw);
    const parsed = readCsv(text);
    const fileErrors = parsed.errors.filter((e) => e.row === 0);
    if (fileErrors.length) throw new ImportRejected({ rows: 0, created: 0, updated: 0, errors: fileErrors });
    if (parsed.records.length === 0) throw new BadRequest('the file has no rows', { file: 'empty' });
    const spec = kinds[kind];
    const checked = validateRows(spec.schema as z.ZodObject, parsed.records, spec.key as (r: unknown) => string, spec.keyField);
    const rowErrors = [...parsed.errors, ...checked.errors];
    const badRows = new Set(rowErrors.map((e) => e.row));
    const report = await db.transaction(async (tx) => {
      // The rows that read well are checked against the database too (and rolled back), so one answer lists every
      // problem of the file instead of the next one after each fix.
      const r = await (spec.run as (t: typeof tx, rows: typeof checked.rows) => Promise<ImportReport>)(tx, checked.rows.filter((x) => !badRows.has(x.row)));
      const errors = [...rowErrors, ...r.errors].sort((a, b) => a.row - b.row);
      if (errors.length) throw new ImportRejected({ rows: parsed.records.length, created: 0, updated: 0, errors });
      await audit(tx, p, 'import', kind, null, { rows: r.rows, created: r.created, updated: r.updated });
      return r;
    });
    return c.json({ rows: report.rows, created: report.created, updated: report.updated }, 200);
  });
  return app;
}

async function readBody(req: Request): Promise<string> {
  const length = Number(req.headers.get('content-length') ?? 0);
  if (length > MAX_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', `at most ${MAX_BYTES / 1024 / 1024} MiB per file`);
  const type = req.headers.get('content-type') ?? '';
  if (type.startsWith('multipart/form-data')) {
    const form = await req.formData();
    const file = form.get('file');
    if (!file || typeof file === 'string') throw new BadRequest('send the CSV as the "file" field', { file: 'missing' });
    if (file.size > MAX_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', 'file too large');
    return file.text();
  }
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', 'file too large');
  return text;
}
