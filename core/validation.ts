import { z } from 'zod';
import { DomainError } from './errors.js';

/**
 * SPEC §10: text refuses control characters — NUL and the rest of C0 except tab and newline.
 * Checked before trimming, so a CR or NUL at either end is refused too, not quietly cut.
 * A regex (not a refine) so the OpenAPI document states it as `pattern`.
 */
export const NO_CONTROL_CHARS = /^[^\u0000-\u0008\u000B-\u001F]*$/;

/** A required one-line text field (title, author, names): no control characters, trimmed, 1…max characters. */
export const textField = (field: string, max = 255) =>
  z
    .string({ error: `${field} is required` })
    .regex(NO_CONTROL_CHARS, `${field} must not contain control characters`)
    .trim()
    .min(1, `${field} must not be empty`)
    .max(max, `${field} must be at most ${max} characters`);

/** Parses input with a zod schema; failures become one VALIDATION error listing each field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({ field: i.path.join('.') || undefined, message: i.message }));
  const message = details.map((d) => (d.field && !d.message.startsWith(d.field) ? `${d.field}: ${d.message}` : d.message)).join('; ');
  throw new DomainError('VALIDATION', message || 'Invalid input', details);
}

// Constraint errors as each engine reports them (SQLite's SQLITE_CONSTRAINT_*, PostgreSQL's 23xxx).
export { isUniqueViolation, isRaised } from '../db/errors.js';
