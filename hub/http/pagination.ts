import { z } from '@hono/zod-openapi';
import { and, desc, lt, or, eq, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { BadRequest } from '../platform/errors.js';

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});

export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

interface Cursor { at: Date; id: string }

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.at.toISOString()}|${c.id}`).toString('base64url');
}

export function decodeCursor(raw: string): Cursor {
  const [at, id] = Buffer.from(raw, 'base64url').toString().split('|');
  const date = new Date(at ?? '');
  if (!id || Number.isNaN(date.getTime()) || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw new BadRequest('the cursor is not valid', { cursor: 'not a cursor from this API' });
  }
  return { at: date, id };
}

/** Newest first, keyset pagination on (createdAt, id): stable while rows are added. */
export function keyset(createdAt: PgColumn, id: PgColumn, cursor: string | undefined): { where: SQL | undefined; orderBy: SQL[] } {
  const c = cursor ? decodeCursor(cursor) : null;
  return {
    where: c ? or(lt(createdAt, c.at), and(eq(createdAt, c.at), lt(id, c.id))) : undefined,
    orderBy: [desc(createdAt), desc(id)],
  };
}

/** Rows fetched with limit + 1 → the page and the cursor for the next one. */
export function page<R extends { createdAt: Date; id: string }>(rows: R[], limit: number): { rows: R[]; nextCursor: string | null } {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { rows: pageRows, nextCursor: hasMore && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null };
}
