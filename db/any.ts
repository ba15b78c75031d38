import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

/**
 * `column = any($1::type[])`: the list goes as one array parameter, so the statement's text is
 * the same whatever the list's length. postgres.js prepares a statement once per connection and
 * text; a statement it has not seen (drizzle's `inArray` writes one placeholder per value) costs
 * an extra round trip to describe its parameters first, on every call with a new length, and
 * leaves one more prepared statement behind. Use it on the hot paths (batches of every size).
 */
export function anyOf(column: AnyColumn | SQL, values: readonly string[], type: 'uuid' | 'text'): SQL {
  return sql`${column} = any(${sql.param([...values])}::${sql.raw(type)}[])`;
}

/** The list as one `text[]` parameter, for `unnest(…)` and the like (see anyOf). */
export function textArray(values: readonly string[]): SQL {
  return sql`${sql.param([...values])}::text[]`;
}
