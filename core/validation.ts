import type { z } from 'zod';
import { DomainError } from './errors.js';

/** Parses input with a zod schema; failures become one VALIDATION error listing each field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({ field: i.path.join('.') || undefined, message: i.message }));
  const message = details.map((d) => (d.field && !d.message.startsWith(d.field) ? `${d.field}: ${d.message}` : d.message)).join('; ');
  throw new DomainError('VALIDATION', message || 'Invalid input', details);
}

export function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && 'code' in e &&
    ((e as { code: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' || (e as { code: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY');
}

export function isConstraintViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && 'code' in e && String((e as { code: string }).code).startsWith('SQLITE_CONSTRAINT');
}

/** A rule the database itself refused (a trigger's RAISE with this message; see db/migrations). */
export function isRaised(e: unknown, message: string): boolean {
  return isConstraintViolation(e) && (e as { message?: unknown }).message === message;
}
