import { getTableColumns, getTableName, sql, type InferSelectModel, type SQL, type SQLChunk } from 'drizzle-orm';
import { CasingCache } from 'drizzle-orm/casing';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import type postgres from 'postgres';
import { rowsOf, type DbOrTx } from './client.js';

export const casing = new CasingCache('snake_case');
export const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

export interface ColumnList<R> {
  /** the columns as a select or returning list, qualified by the table when it was asked for */
  list: string;
  /** a returned row (keyed by column name, as the driver gives it) as drizzle would map it: TS keys, Dates, parsed JSON */
  read: (row: Record<string, unknown>) => R;
}

/**
 * A table's columns (all of them, or `keys`) for a statement written as text, and the reader of
 * the rows it returns. Built once per call site: keep the result in a module constant.
 */
export function columnsOf<T extends PgTable, K extends keyof InferSelectModel<T> & string = keyof InferSelectModel<T> & string>(
  table: T, keys?: readonly K[], opts: { qualified?: boolean } = {},
): ColumnList<Pick<InferSelectModel<T>, K>> {
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const picked = (keys ?? Object.keys(columns)).map((k): [string, string, PgColumn] => {
    const col = columns[k];
    if (!col) throw new Error(`columnsOf: ${getTableName(table)} has no column ${k}`);
    return [k, casing.getColumnCasing(col), col];
  });
  const prefix = opts.qualified ? `${ident(getTableName(table))}.` : '';
  return {
    list: picked.map(([, name]) => `${prefix}${ident(name)}`).join(', '),
    read: (row) => {
      const out: Record<string, unknown> = {};
      for (const [k, name, col] of picked) {
        const v = row[name];
        out[k] = v === null || v === undefined ? null : col.mapFromDriverValue(v);
      }
      return out as Pick<InferSelectModel<T>, K>;
    },
  };
}

/**
 * A statement whose text is written once, with parameters `$1`…`$n` (each once, in order), run
 * with the call's values: for the hot paths. drizzle's query builder builds a statement's text
 * from its parts on every call, 30–80 µs and a heap of small objects for a select of a table's
 * columns (a batch of alarms ran half a dozen of them), where this binds the values to the
 * parts it split once. Values go to the driver as they are: cast them in the text (`$1::uuid[]`,
 * `$2::timestamptz`) and pass a Date as its ISO text. Resolves to the driver's rows, keyed by
 * column name (read them with columnsOf).
 */
export function statement(text: string): (db: DbOrTx, ...params: unknown[]) => Promise<Array<Record<string, unknown>>> {
  const parts = text.split(/\$(\d+)/);
  const pieces: SQL[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    pieces.push(sql.raw(parts[i]!));
    const n = parts[i + 1];
    if (n !== undefined && Number(n) !== i / 2 + 1) throw new Error(`statement: parameters must be $1…$n in order, each once: ${text}`);
  }
  const count = pieces.length - 1;
  return async (db, ...params) => {
    if (params.length !== count) throw new Error(`statement: ${count} parameters expected, got ${params.length}: ${text}`);
    const client = postgresClientOf(db);
    if (client) return await runOnPostgres(client, text, params);
    const chunks: SQLChunk[] = [pieces[0]!];
    // a Param, not the bare value: drizzle would spread an array into a list of parameters
    for (let i = 0; i < count; i++) chunks.push(sql.param(params[i]), pieces[i + 1]!);
    return rowsOf(await db.execute(sql.join(chunks)));
  };
}

/**
 * The postgres.js client under a drizzle database or transaction (the one openDb gave drizzle,
 * which prepares every statement), or null on PGlite. A statement whose text is already written
 * runs on it as it is: through drizzle's `execute`, each call built the text again from its
 * parts and went through drizzle's query objects, a tenth of the hub's CPU in an alarm batch
 * of a few messages (profiled). On PGlite drizzle tells the driver how to give back each type,
 * so its statements keep going through drizzle.
 */
export function postgresClientOf(db: DbOrTx): postgres.Sql | null {
  const client = (db as unknown as { session?: { client?: { unsafe?: unknown } } }).session?.client;
  return typeof client?.unsafe === 'function' ? client as postgres.Sql : null;
}

/** Runs a statement's text on postgres.js; a failure comes wrapped as drizzle wraps it (the driver's error as its cause). */
export async function runOnPostgres(client: postgres.Sql, text: string, params: unknown[]): Promise<Array<Record<string, unknown>>> {
  try {
    return await client.unsafe(text, params as never[]);
  } catch (err) {
    throw new DrizzleQueryError(text, params, err as Error);
  }
}
