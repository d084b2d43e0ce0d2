// SQL that each engine spells its own way, as small builders. Core's queries ask here rather
// than write it inline, so the PostgreSQL engine can give each a branch of its own
// (json_build_object, date subtraction) without touching the use cases.
import { sql, type Expression, type RawBuilder } from 'kysely';

/** A JSON object of named values, as text: SQLite's json_object('key', value, …). Keys are our own constants. */
export function jsonObject(fields: Record<string, Expression<unknown>>): RawBuilder<string> {
  const pairs = Object.entries(fields).map(([key, value]) => sql`${sql.lit(key)}, ${value}`);
  return sql<string>`json_object(${sql.join(pairs)})`;
}

/** Whole days from one ISO date (YYYY-MM-DD) to another, `to` − `from`, as core/clock.ts daysBetween counts them. */
export function daysBetween(from: Expression<string> | string, to: Expression<string> | string): RawBuilder<number> {
  return sql<number>`CAST(julianday(${to}) - julianday(${from}) AS INTEGER)`;
}

/** The smaller of two numbers: SQLite's two-argument min() (PostgreSQL: least()). */
export function smallerOf(a: Expression<number> | number, b: Expression<number> | number): RawBuilder<number> {
  return sql<number>`min(${a}, ${b})`;
}
