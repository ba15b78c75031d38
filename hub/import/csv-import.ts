import { parse } from 'csv-parse/sync';
import { inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../db/client.js';
import { assets, contracts, customers, productModels, sites } from '../../db/schema/index.js';
import { indexEntities } from '../search/indexer.js';

export const MAX_ROWS = 50_000;

export interface RowError { row: number; field: string; message: string }
export interface ImportReport { rows: number; created: number; updated: number; errors: RowError[] }

const empty = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const opt = <T extends z.ZodType>(s: T) => z.preprocess(empty, s.optional());
const isoDate = z.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(d)) && new Date(d).toISOString().startsWith(d), 'not a calendar date');

export const CustomerRow = z.object({
  externalRef: z.string().trim().min(1, 'required: each row needs its own reference').max(100),
  name: z.string().trim().min(1, 'required').max(200),
  country: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2, e.g. DE'),
  region: opt(z.string().trim().max(100)),
  email: opt(z.email()),
  phone: opt(z.string().trim().max(40)),
});

export const AssetRow = z.object({
  serialNumber: z.string().trim().min(1, 'required').max(100),
  modelCode: z.string().trim().min(1, 'required'),
  customerRef: z.string().trim().min(1, 'required: the customer\'s externalRef'),
  siteName: opt(z.string().trim()),
  contractNumber: opt(z.string().trim()),
  installedAt: opt(isoDate),
  warrantyUntil: opt(isoDate),
});

interface ParsedRecord { record: Record<string, string>; info: { columns?: unknown[]; error?: { record?: unknown[] } } }

/**
 * Parses CSV text with a header row into records; a broken file is one error at row 0. A row with fewer cells
 * than the header is read (hand-made files leave out trailing empty cells; a missing required one is then that
 * row's error); a row with more is that row's error, as it usually means a delimiter inside an unquoted value.
 */
export function readCsv(text: string): { records: Record<string, string>[]; errors: RowError[] } {
  try {
    const parsed = parse(text.replace(/^\uFEFF/, ''), {
      columns: (header: string[]) => header.map((h) => h.trim()), skip_empty_lines: true, trim: false, relax_column_count: true,
      info: true, delimiter: sniffDelimiter(text),
    }) as ParsedRecord[];
    if (parsed.length > MAX_ROWS) return { records: [], errors: [{ row: 0, field: '_file', message: `at most ${MAX_ROWS} rows per import` }] };
    const errors: RowError[] = [];
    parsed.forEach(({ info }, i) => {
      const cells = info.error?.record?.length ?? 0;
      const width = info.columns?.length ?? 0;
      if (cells > width) errors.push({ row: i + 2, field: '_row', message: `${cells} cells where the header has ${width}: quote values that contain the delimiter` });
    });
    return { records: parsed.map((p) => p.record), errors };
  } catch (err) {
    return { records: [], errors: [{ row: 0, field: '_file', message: `not readable as CSV: ${(err as Error).message}` }] };
  }
}

/** Spreadsheets in German, Polish and Hungarian locales export with ';'. */
function sniffDelimiter(text: string): string {
  const head = text.split(/\r?\n/, 1)[0] ?? '';
  return (head.match(/;/g)?.length ?? 0) > (head.match(/,/g)?.length ?? 0) ? ';' : ',';
}

export function validateRows<S extends z.ZodObject>(schema: S, records: Record<string, string>[], key: (r: z.infer<S>) => string, keyField: string) {
  const errors: RowError[] = [];
  const rows: Array<{ row: number; value: z.infer<S> }> = [];
  const seen = new Map<string, number>();
  records.forEach((rec, i) => {
    const rowNo = i + 2; // the header is row 1, as a spreadsheet numbers it
    const parsed = schema.safeParse(rec);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push({ row: rowNo, field: String(issue.path[0] ?? '_row'), message: issue.message });
      return;
    }
    const k = key(parsed.data).toUpperCase();
    const first = seen.get(k);
    if (first) errors.push({ row: rowNo, field: keyField, message: `repeats row ${first}` });
    else seen.set(k, rowNo);
    rows.push({ row: rowNo, value: parsed.data });
  });
  return { rows, errors };
}

/** Upsert by externalRef. Returns the report; the caller rolls back when it has errors. */
export async function importCustomers(tx: Tx, rows: Array<{ row: number; value: z.infer<typeof CustomerRow> }>): Promise<ImportReport> {
  const refs = rows.map((r) => r.value.externalRef);
  const existing = refs.length ? await tx.select({ ref: customers.externalRef }).from(customers).where(inArray(customers.externalRef, refs)) : [];
  const known = new Set(existing.map((e) => e.ref));
  for (const chunk of chunks(rows, 500)) {
    await tx.insert(customers).values(chunk.map((r) => ({ ...r.value, region: r.value.region ?? null, email: r.value.email ?? null, phone: r.value.phone ?? null })))
      .onConflictDoUpdate({
        target: customers.externalRef,
        set: {
          name: sql`excluded.name`, country: sql`excluded.country`, region: sql`excluded.region`, email: sql`excluded.email`,
          phone: sql`excluded.phone`, version: sql`${customers.version} + 1`, updatedAt: sql`now()`,
        },
      });
  }
  const updated = refs.filter((r) => known.has(r)).length;
  const ids = refs.length ? await tx.select({ id: customers.id }).from(customers).where(inArray(customers.externalRef, refs)) : [];
  await indexEntities(tx, 'customer', ids.map((r) => r.id));
  return { rows: rows.length, created: rows.length - updated, updated, errors: [] };
}

/** Resolves model, customer, site and contract per row; unknown references are row errors. Upsert by serial number. */
export async function importAssets(tx: Tx, rows: Array<{ row: number; value: z.infer<typeof AssetRow> }>): Promise<ImportReport> {
  const errors: RowError[] = [];
  const models = new Map((await tx.select({ id: productModels.id, code: productModels.code }).from(productModels)).map((m) => [m.code.toUpperCase(), m.id]));
  const refs = [...new Set(rows.map((r) => r.value.customerRef))];
  const custs = refs.length ? await tx.select({ id: customers.id, ref: customers.externalRef }).from(customers).where(inArray(customers.externalRef, refs)) : [];
  const custByRef = new Map(custs.map((c) => [c.ref, c.id]));
  const custIds = custs.map((c) => c.id);
  const siteRows = custIds.length ? await tx.select({ id: sites.id, name: sites.name, customerId: sites.customerId }).from(sites).where(inArray(sites.customerId, custIds)) : [];
  const contractRows = custIds.length ? await tx.select({ id: contracts.id, number: contracts.number, customerId: contracts.customerId }).from(contracts).where(inArray(contracts.customerId, custIds)) : [];
  const values: Array<typeof assets.$inferInsert> = [];
  for (const { row, value: v } of rows) {
    const modelId = models.get(v.modelCode.toUpperCase());
    const customerId = custByRef.get(v.customerRef);
    if (!modelId) errors.push({ row, field: 'modelCode', message: `unknown product model ${v.modelCode}` });
    if (!customerId) errors.push({ row, field: 'customerRef', message: `no customer with externalRef ${v.customerRef}` });
    const site = v.siteName ? siteRows.find((s) => s.customerId === customerId && s.name.toLowerCase() === v.siteName!.toLowerCase()) : undefined;
    if (v.siteName && customerId && !site) errors.push({ row, field: 'siteName', message: `the customer has no site named ${v.siteName}` });
    const contract = v.contractNumber ? contractRows.find((k) => k.customerId === customerId && k.number === v.contractNumber) : undefined;
    if (v.contractNumber && customerId && !contract) errors.push({ row, field: 'contractNumber', message: `the customer has no contract ${v.contractNumber}` });
    if (!modelId || !customerId) continue;
    values.push({
      serialNumber: v.serialNumber, modelId, customerId, siteId: site?.id ?? null, contractId: contract?.id ?? null,
      installedAt: v.installedAt ?? null, warrantyUntil: v.warrantyUntil ?? null,
    });
  }
  if (errors.length) return { rows: rows.length, created: 0, updated: 0, errors };
  // The unique index is on upper(serial_number), which drizzle cannot name as a conflict target:
  // insert the new serials, update the known ones (the transaction holds both).
  const serials = values.map((v) => v.serialNumber.toUpperCase());
  const existing = serials.length
    ? await tx.select({ s: sql<string>`upper(${assets.serialNumber})` }).from(assets).where(inArray(sql`upper(${assets.serialNumber})`, serials))
    : [];
  const known = new Set(existing.map((e) => e.s));
  const fresh = values.filter((v) => !known.has(v.serialNumber.toUpperCase()));
  const changed = values.filter((v) => known.has(v.serialNumber.toUpperCase()));
  for (const chunk of chunks(fresh, 500)) await tx.insert(assets).values(chunk);
  for (const chunk of chunks(changed, 500)) {
    const rowsSql = sql.join(chunk.map((v) => sql`(${v.serialNumber.toUpperCase()}, ${v.modelId}::uuid, ${v.customerId}::uuid, ${v.siteId ?? null}::uuid, ${v.contractId ?? null}::uuid, ${v.installedAt ?? null}::date, ${v.warrantyUntil ?? null}::date)`), sql`, `);
    await tx.execute(sql`
      update ${assets} set model_id = v.model_id, customer_id = v.customer_id, site_id = v.site_id, contract_id = v.contract_id,
        installed_at = v.installed_at, warranty_until = v.warranty_until, version = ${assets.version} + 1, updated_at = now()
      from (values ${rowsSql}) as v(serial, model_id, customer_id, site_id, contract_id, installed_at, warranty_until)
      where upper(${assets.serialNumber}) = v.serial`);
  }
  const ids = serials.length ? await tx.select({ id: assets.id }).from(assets).where(inArray(sql`upper(${assets.serialNumber})`, serials)) : [];
  await indexEntities(tx, 'asset', ids.map((r) => r.id));
  return { rows: rows.length, created: fresh.length, updated: changed.length, errors: [] };
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
