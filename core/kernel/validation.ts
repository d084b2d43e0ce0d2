import { z } from 'zod';
import { DomainError } from './errors.js';

/**
 * Text refuses control characters — NUL and the rest of C0 except tab and newline — and the
 * invisible characters that disguise text (README, "Decisions where the requirements were
 * silent"): the bidi controls U+202A–U+202E and U+2066–U+2069 (an RLO shows everything after it
 * mirrored, over the rest of a line in the staff chat's lists), the zero-width space U+200B and
 * the byte-order mark U+FEFF (names that look alike but differ), and the line and paragraph
 * separators U+2028/U+2029 (line breaks that escape the newline rules). The
 * joiners U+200C/U+200D stay allowed: emoji sequences, Persian and Indic scripts need them.
 * Checked before trimming, so such a character at either end is refused too, not quietly cut.
 * A regex (not a refine) so the OpenAPI document states it as `pattern`.
 */
export const NO_CONTROL_CHARS = /^[^\u0000-\u0008\u000B-\u001F\u200B\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF]*$/;

/** The refused characters of NO_CONTROL_CHARS, everywhere in a text. */
const REFUSED_CHARS = /[\u0000-\u0008\u000B-\u001F\u200B\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF]/g;

/** Whether text holds a character every text field refuses. */
export const hasRefusedChars = (text: string): boolean => !NO_CONTROL_CHARS.test(text);

/**
 * Text from a source that cannot be asked again (a Telegram profile's name) with the refused
 * characters taken out: what it shows is kept, what disguises it goes.
 */
export const withoutRefusedChars = (text: string): string => text.replace(REFUSED_CHARS, '');

/** A required one-line text field (title, author, names): no control or invisible characters, trimmed, 1…max characters. */
export const textField = (field: string, max = 255) =>
  z
    .string({ error: `${field} is required` })
    .regex(
      NO_CONTROL_CHARS,
      `${field} must not contain control characters or invisible formatting characters (bidi controls, zero-width space, line separators, BOM)`,
    )
    .trim()
    .min(1, `${field} must not be empty`)
    .max(max, `${field} must be at most ${max} characters`);

/** Parses input with a zod schema; failures become one VALIDATION error listing each field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({ field: i.path.join('.') || undefined, message: i.message }));
  const message = details
    .map((d) => (d.field && !d.message.startsWith(d.field) ? `${d.field}: ${d.message}` : d.message))
    .join('; ');
  throw new DomainError('VALIDATION', message || 'Invalid input', details);
}

// Constraint errors as each engine reports them (SQLite's SQLITE_CONSTRAINT_*, PostgreSQL's 23xxx).
export { isRaised, isUniqueViolation } from '../../db/errors.js';
