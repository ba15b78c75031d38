import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

/**
 * `column = any($1::type[])`: the list goes as one array parameter, so the statement's text is
 * the same whatever the list's length. Every statement is prepared once per connection and text
 * (db/client.ts); drizzle's `inArray` writes one placeholder per value, so each new length would
 * be another statement to prepare (a round trip more) and to keep. Use it on the hot paths
 * (batches of every size).
 */
export function anyOf(column: AnyColumn | SQL, values: readonly string[], type: 'uuid' | 'text'): SQL {
  return sql`${column} = any(${sql.param([...values])}::${sql.raw(type)}[])`;
}

/** The list as one `text[]` parameter, for `unnest(…)` and the like (see anyOf). */
export function textArray(values: readonly string[]): SQL {
  return sql`${sql.param([...values])}::text[]`;
}
