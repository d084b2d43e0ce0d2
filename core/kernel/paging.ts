import { DomainError, invalidField } from './errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface Page<T> {
  results: T[];
  next_cursor: string | null;
}

/** limit above the cap is capped (SPEC §10); below 1 or non-integer is bad input. */
export function clampLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1) {
    throw invalidField('limit', 'limit must be a positive integer');
  }
  return Math.min(limit, MAX_PAGE_SIZE);
}

// Cursors are opaque base64url JSON arrays of the keyset position.
export function encodeCursor(key: ReadonlyArray<string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T extends (string | number)[]>(
  cursor: string | undefined,
  shape: ReadonlyArray<'string' | 'int'>,
): T | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const bad = () =>
    new DomainError('INVALID_CURSOR', 'cursor is malformed; use next_cursor from a previous page', { field: 'cursor' });
  if (cursor.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(value) || value.length !== shape.length) throw bad();
  shape.forEach((kind, i) => {
    const v = value as unknown[];
    if (kind === 'int' && !(Number.isSafeInteger(v[i]) && (v[i] as number) >= 0)) throw bad();
    if (kind === 'string' && typeof v[i] !== 'string') throw bad();
  });
  return value as T;
}

/** Given limit+1 fetched rows, the page and the cursor for the next one. */
export function toPage<R, T>(rows: R[], limit: number, keyOf: (row: R) => (string | number)[], map: (row: R) => T): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    results: pageRows.map(map),
    next_cursor: hasMore && last !== undefined ? encodeCursor(keyOf(last)) : null,
  };
}
