// Reading an outbox row's payload for rendering (bot/notice-renderer.ts, bot/staff-notices.ts): values
// as strings or numbers whatever the JSON held, so an odd row renders rather than throws.
import { nameWithUsername } from '../core/kernel/index.js';
import { paymentKind } from '../core/payments/index.js';

/** Thrown for a row that can never be rendered (unknown kind, broken payload): the row fails. */
export class RenderError extends Error {
  override readonly name = 'RenderError';
}

export type Payload = Record<string, unknown>;

export function parsePayload(payload: string | Payload): Payload {
  if (typeof payload !== 'string') return payload;
  try {
    const parsed: unknown = JSON.parse(payload);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Payload;
  } catch {
    // fall through
  }
  throw new RenderError('payload is not a JSON object');
}

export const str = (p: Payload, key: string, fallback = ''): string => {
  const v = p[key];
  return v === null || v === undefined ? fallback : String(v);
};
export const int = (p: Payload, key: string): number => {
  const v = Number(p[key]);
  return Number.isFinite(v) ? Math.trunc(v) : 0;
};
export const idOf = (p: Payload, key: string): number | null => {
  const v = Number(p[key]);
  return Number.isSafeInteger(v) && v > 0 ? v : null;
};

export function payloadOf(row: { payload: string | Payload }): Payload | undefined {
  try {
    return parsePayload(row.payload);
  } catch {
    return undefined;
  }
}

/** A notice's reader: their name and @username. */
export const readerLabel = (p: Payload) => nameWithUsername(str(p, 'reader', 'reader'), str(p, 'reader_username'));

/** What the payload's payment is for (rows queued before renewals say no renewal: rent or a fine). */
export const kindOf = (p: Payload) => paymentKind({ type: str(p, 'type', 'PAYMENT'), renewal: int(p, 'renewal') });
