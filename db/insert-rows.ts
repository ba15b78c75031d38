import { getTableColumns, getTableName, sql, type InferInsertModel, type InferSelectModel } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { rowsOf, type DbOrTx } from './client.js';
import { casing, columnsOf, ident, postgresClientOf, runOnPostgres, type ColumnList } from './statement.js';

interface Shape {
  /** the statement, the same text for any number of rows, around its one parameter */
  head: string;
  tail: string;
  /** head, `$1`, tail: the text as postgres.js is given it */
  text: string;
  /** [TS key, column name] of the columns the rows give, in the statement's order */
  given: Array<[string, string]>;
  /** the returned columns and their reader (none: an empty list) */
  returned: ColumnList<Record<string, unknown>>;
}
const shapes = new Map<string, Shape>();

function shapeOf(table: PgTable, keys: string[], onConflict: string, returning: readonly string[] | undefined): Shape {
  const cacheKey = `${getTableName(table)}\u0000${keys.join(',')}\u0000${onConflict}\u0000${returning?.join(',') ?? '*'}`;
  let shape = shapes.get(cacheKey);
  if (shape) return shape;
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const column = (k: string) => {
    const col = columns[k];
    if (!col) throw new Error(`insertRows: ${getTableName(table)} has no column ${k}`);
    return col;
  };
  const given = keys.map((k): [string, string] => [k, casing.getColumnCasing(column(k))]);
  const returned = columnsOf(table, returning ?? Object.keys(columns)) as ColumnList<Record<string, unknown>>;
  const list = given.map(([, name]) => ident(name)).join(', ');
  const types = given.map(([k, name]) => `${ident(name)} ${columns[k]!.getSQLType()}`).join(', ');
  const head = `insert into ${ident(getTableName(table))} (${list}) select ${list} from jsonb_to_recordset(`;
  const tail = `::jsonb) as x(${types})${onConflict ? ` ${onConflict}` : ''}${returned.list ? ` returning ${returned.list}` : ''}`;
  shape = { head, tail, text: `${head}$1${tail}`, given, returned };
  shapes.set(cacheKey, shape);
  return shape;
}

export interface InsertRowsOptions<K> {
  /** an `on conflict …` clause, as SQL text (rows it skips are not returned) */
  onConflict?: string;
  /** the columns to return (default: all of them; none: `[]`, for rows nobody reads back) */
  returning?: readonly K[];
}

/**
 * Inserts many rows with one statement whose text does not depend on how many there are: the
 * rows go as one JSON parameter, unpacked by `jsonb_to_recordset`. drizzle's multi-row
 * `values()` writes one placeholder per value (a new statement text, so a new prepared
 * statement, for every new row count) and builds a query object per value, which is most of the
 * hub's CPU on the intake hot path. A column no row gives (`undefined` counts as not given)
 * takes its default; one that some rows give is null in the others.
 * Values go as JSON (a Date as its ISO text, a jsonb value as it is): not for a column whose
 * type maps values on their way to the driver (a bigint-mode integer, a custom type with toDriver).
 * Returns the inserted rows' `returning` columns as drizzle would (column keys, Dates, parsed
 * JSON), in no set order.
 */
export async function insertRows<T extends PgTable, K extends keyof InferSelectModel<T> & string = keyof InferSelectModel<T> & string>(
  db: DbOrTx, table: T, rows: ReadonlyArray<InferInsertModel<T>>, opts: InsertRowsOptions<K> = {},
): Promise<Array<Pick<InferSelectModel<T>, K>>> {
  if (!rows.length) return [];
  const keys = new Set<string>();
  for (const row of rows) for (const [k, v] of Object.entries(row)) if (v !== undefined) keys.add(k);
  const shape = shapeOf(table, [...keys].sort(), opts.onConflict ?? '', opts.returning);
  const json = rows.map((row) => {
    const r = row as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, name] of shape.given) out[name] = r[k] ?? null;
    return out;
  });
  const client = postgresClientOf(db);
  const result: unknown = client
    ? await runOnPostgres(client, shape.text, [JSON.stringify(json)])
    : await db.execute(sql`${sql.raw(shape.head)}${JSON.stringify(json)}${sql.raw(shape.tail)}`);
  return rowsOf(result).map((r) => shape.returned.read(r) as Pick<InferSelectModel<T>, K>);
}
