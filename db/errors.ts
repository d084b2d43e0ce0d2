// What a database error means, whichever engine raised it: better-sqlite3 puts SQLite's
// extended result code in `code` (SQLITE_CONSTRAINT_UNIQUE), pg the SQLSTATE (23505).
// core/kernel/validation.ts answers these questions for SQLite today; these are the portable forms.

const codeOf = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;

/** A unique index or primary key refused the row (a taken email or ISBN, a duplicate id). */
export function isUniqueViolation(e: unknown): boolean {
  const code = codeOf(e);
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/** Any constraint refused the write: unique, CHECK, NOT NULL, foreign key, or a guarding trigger. */
export function isConstraintViolation(e: unknown): boolean {
  const code = codeOf(e);
  return code !== undefined && (code.startsWith('SQLITE_CONSTRAINT') || /^23[0-9A-Z]{3}$/.test(code));
}

/**
 * A rule a trigger holds refused the write with this message (migration 005): SQLite's
 * RAISE(ABORT, msg), PostgreSQL's RAISE EXCEPTION msg USING ERRCODE 23000.
 */
export function isRaised(e: unknown, message: string): boolean {
  return isConstraintViolation(e) && (e as { message?: unknown }).message === message;
}
