import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, getTableColumns, getTableName, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import { auditLog } from '../../db/schema/index.js';
import type { Permission } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import { BadRequest, Conflict, NotFound, StaleVersion, pgConstraint, pgErrorCode } from '../platform/errors.js';
import { ListQuery, keyset, listOf, page } from '../http/pagination.js';
import {
  body, conflictResponse, createRouter, errorResponses, json, notFoundResponse, requirePermission,
} from '../http/router.js';

/** The columns every provisioned table has. */
type ResourceTable = PgTable & { id: PgColumn; createdAt: PgColumn; updatedAt: PgColumn; version: PgColumn };
type Row = Record<string, unknown> & { id: string; createdAt: Date; version: number };

export interface ResourceSpec<C extends z.ZodObject, U extends z.ZodObject, V extends z.ZodObject> {
  /** singular, for messages and the audit log: 'customer' */
  entity: string;
  /** under /api: '/customers' */
  path: string;
  table: ResourceTable;
  create: C;
  update: U;
  view: V;
  read: Permission;
  write: Permission;
  /** text columns searched by ?q= (case-insensitive substring) */
  search?: PgColumn[];
  /** ?name=value equality filters */
  filters?: Record<string, PgColumn>;
  /** checks and derived values before insert/update (e.g. look-ups that give a clear 400) */
  prepare?: (db: DbOrTx, values: Record<string, unknown>, existing: Row | null) => Promise<Record<string, unknown>>;
  isDeletable?: boolean;
  /** in the write's transaction, after it (create, update, delete): keeps derived data such as the search index current */
  afterWrite?: (tx: Tx, id: string) => Promise<void>;
}

/** Dates become ISO strings for the wire; the view schema then checks the shape we promise. */
export function toWire(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
}

export async function audit(db: DbOrTx, p: Principal, action: string, entity: string, entityId: string | null, changes?: Record<string, unknown>) {
  await db.insert(auditLog).values({ actorType: p.kind, actorId: p.id, action, entity, entityId, changes: changes ?? null });
}

export function crudRoutes<C extends z.ZodObject, U extends z.ZodObject, V extends z.ZodObject>(db: Db, spec: ResourceSpec<C, U, V>) {
  const app = createRouter();
  const { table, view } = spec;
  const tags = [spec.path.slice(1)];
  const filterShape = Object.fromEntries(Object.entries(spec.filters ?? {}).map(([k, col]) => [k, filterSchema(col).optional()]));
  const Query = ListQuery.extend({ q: z.string().max(200).optional(), ...filterShape });
  const IdParam = z.object({ id: z.uuid() });
  // Widened to the base type: route typing over a generic body schema does not resolve.
  const Create: z.ZodType<Record<string, unknown>> = spec.create;
  const Patch: z.ZodType<Record<string, unknown>> = spec.update.extend({ version: z.number().int().positive().optional() });
  const parseView = (row: Row) => view.parse(toWire(row)) as z.infer<V>;
  // Inside a transaction, read through it: PGlite has one connection, so a read on `db` would wait for the
  // transaction that waits for it (a deadlock); on PostgreSQL it would read outside the transaction.
  const byId = async (id: string, from: DbOrTx = db): Promise<Row> => {
    const [row] = await from.select().from(table as PgTable).where(eq(table.id, id)) as Row[];
    if (!row) throw new NotFound(spec.entity, id);
    return row;
  };

  app.openapi(createRoute({
    method: 'get', path: spec.path, tags, request: { query: Query },
    responses: { 200: json(listOf(view), `${spec.entity} list, newest first`), ...errorResponses },
  }), async (c) => {
    requirePermission(c, spec.read);
    const q = c.req.valid('query') as z.infer<typeof Query> & Record<string, string | undefined>;
    const where: (SQL | undefined)[] = [];
    if (q.q && spec.search?.length) where.push(or(...spec.search.map((col) => ilike(col, `%${escapeLike(q.q!)}%`))));
    for (const [key, col] of Object.entries(spec.filters ?? {})) if (q[key] !== undefined) where.push(eq(col, q[key]));
    const ks = keyset(table.createdAt, table.id, q.cursor);
    const rows = await db.select().from(table as PgTable).where(and(...where, ks.where))
      .orderBy(...ks.orderBy).limit(q.limit + 1) as Row[];
    const p = page(rows, q.limit);
    return c.json({ items: p.rows.map(parseView), nextCursor: p.nextCursor }, 200);
  });

  app.openapi(createRoute({
    method: 'get', path: `${spec.path}/{id}`, tags, request: { params: IdParam },
    responses: { 200: json(view, spec.entity), ...errorResponses, ...notFoundResponse },
  }), async (c) => {
    requirePermission(c, spec.read);
    return c.json(parseView(await byId(c.req.valid('param').id)), 200);
  });

  app.openapi(createRoute({
    method: 'post', path: spec.path, tags, request: body(Create),
    responses: { 201: json(view, `${spec.entity} created`), ...errorResponses, ...conflictResponse },
  }), async (c) => {
    const p = requirePermission(c, spec.write);
    const input = c.req.valid('json');
    const row = await db.transaction(async (tx) => {
      const values = spec.prepare ? await spec.prepare(tx, input, null) : input;
      // The table is generic here; `values` was validated by spec.create (and prepare) above.
      const [created] = await tx.insert(table).values(values as never).returning().catch(namingBadReference(table)) as Row[];
      await audit(tx, p, 'create', spec.entity, created!.id, input);
      await spec.afterWrite?.(tx, created!.id);
      return created!;
    });
    return c.json(parseView(row), 201);
  });

  app.openapi(createRoute({
    method: 'patch', path: `${spec.path}/{id}`, tags, request: { params: IdParam, ...body(Patch) },
    responses: { 200: json(view, `${spec.entity} updated`), ...errorResponses, ...notFoundResponse, ...conflictResponse },
  }), async (c) => {
    const p = requirePermission(c, spec.write);
    const { id } = c.req.valid('param');
    const { version, ...changes } = c.req.valid('json') as Record<string, unknown> & { version?: number };
    const row = await db.transaction(async (tx) => {
      const existing = await byId(id, tx);
      if (version !== undefined && existing.version !== version) throw new StaleVersion(spec.entity, version, existing.version);
      const values = spec.prepare ? await spec.prepare(tx, changes, existing) : changes;
      const [updated] = await tx.update(table)
        .set({ ...values, version: sql`${table.version} + 1`, updatedAt: sql`now()` } as never)
        .where(and(eq(table.id, id), eq(table.version, existing.version))).returning().catch(namingBadReference(table)) as Row[];
      if (!updated) throw new StaleVersion(spec.entity, existing.version, undefined);
      await audit(tx, p, 'update', spec.entity, id, changes);
      await spec.afterWrite?.(tx, id);
      return updated;
    });
    return c.json(parseView(row), 200);
  });

  if (spec.isDeletable !== false) {
    app.openapi(createRoute({
      method: 'delete', path: `${spec.path}/{id}`, tags, request: { params: IdParam },
      responses: { 204: { description: 'deleted' }, ...errorResponses, ...notFoundResponse, ...conflictResponse },
    }), async (c) => {
      const p = requirePermission(c, spec.write);
      const { id } = c.req.valid('param');
      await db.transaction(async (tx) => {
        const deleted = await tx.delete(table).where(eq(table.id, id)).returning({ id: table.id }).catch(stillReferenced);
        if (deleted.length === 0) throw new NotFound(spec.entity, id);
        await audit(tx, p, 'delete', spec.entity, id);
        await spec.afterWrite?.(tx, id);
      });
      return c.body(null, 204);
    });
  }
  return app;
}

/** A filter value the column can hold, so a bad one is a 400 naming the filter rather than a database error. */
function filterSchema(col: PgColumn): z.ZodType<string> {
  if (col.columnType === 'PgUUID') return z.uuid();
  const values = (col as { enumValues?: [string, ...string[]] }).enumValues;
  if (col.columnType === 'PgEnumColumn' && values?.length) return z.enum(values);
  return z.string().max(200);
}

/** A reference to a missing row (23503 on insert or update) names the field: constraints are `<table>_<column>_…_fk`. */
function namingBadReference(table: ResourceTable) {
  return (err: unknown): never => {
    const constraint = pgConstraint(err);
    const field = pgErrorCode(err) === '23503' && constraint
      ? Object.keys(getTableColumns(table)).find((k) => constraint.startsWith(`${getTableName(table)}_${snakeCase(k)}_`))
      : undefined;
    if (field) throw new BadRequest('a referenced record does not exist', { [field]: 'no such record' });
    throw err;
  };
}

/**
 * ON DELETE RESTRICT fails with 23001 (restrict_violation) on PGlite and newer PostgreSQL, and
 * hub/http/router.ts maps only 23503 (foreign_key_violation) to 409; without this it is a 500.
 */
function stillReferenced(err: unknown): never {
  if (pgErrorCode(err) === '23001') throw new Conflict('other records still refer to this one', { constraint: pgConstraint(err) });
  throw err;
}

const snakeCase = (s: string) => s.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}
