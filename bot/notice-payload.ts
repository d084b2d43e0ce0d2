// Reading an outbox row's payload for rendering (bot/notice-renderer.ts, bot/staff-notices.ts): values
// as strings or numbers whatever the JSON held, so an odd row renders rather than throws.
import { nameWithUsername } from '../core/kernel/index.js';
import type { BorrowingCreatedPayload, NoticePayloads, NotificationKind, PaymentPayload } from '../core/notices/index.js';
import { paymentKind } from '../core/payments/index.js';

/** Thrown for a row that can never be rendered (unknown kind, broken payload): the row fails. */
export class RenderError extends Error {
  override readonly name = 'RenderError';
}

/** A payload as parsed from its row: any JSON object. */
export type Payload = Record<string, unknown>;

/**
 * A payload read back from its row: the fields its producer queues (core/notices/payloads.ts),
 * any of which a row queued by an older version may lack. The readers below turn a missing or odd
 * value into a fallback, so such a row renders rather than throws.
 */
export type Stored<P> = { readonly [F in keyof P]?: P[F] | null };

/** The kinds that are messages, and the kinds that edit a message sent earlier. */
export type EditKind = Extract<NotificationKind, `edit.${string}`>;
export type MessageKind = Exclude<NotificationKind, EditKind>;

/** A kind's payload as read back from its row. */
export type StoredPayload<K extends NotificationKind> = Stored<NoticePayloads[K]>;

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

/** A row's parsed payload handed over as its kind's: the one place a row's JSON is taken for a kind's payload. */
export const asStored = <K extends NotificationKind>(_kind: K, p: Payload) => p as StoredPayload<K>;

export const str = <P extends object>(p: P, key: keyof P & string, fallback = ''): string => {
  const v = p[key];
  return v === null || v === undefined ? fallback : String(v);
};
export const int = <P extends object>(p: P, key: keyof P & string): number => {
  const v = Number(p[key]);
  return Number.isFinite(v) ? Math.trunc(v) : 0;
};
export const idOf = <P extends object>(p: P, key: keyof P & string): number | null => {
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

/** The payload of a row of this kind (undefined for a row of another kind, or one whose payload is no JSON object). */
export function payloadIf<K extends NotificationKind>(
  row: { kind: string; payload: string | Payload },
  kind: K,
): StoredPayload<K> | undefined {
  const p = row.kind === kind ? payloadOf(row) : undefined;
  return p && asStored(kind, p);
}

/** A notice's reader: their name and @username. */
export const readerLabel = (p: Stored<Pick<BorrowingCreatedPayload, 'reader' | 'reader_username'>>) =>
  nameWithUsername(str(p, 'reader', 'reader'), str(p, 'reader_username'));

/** What the payload's payment is for (rows queued before renewals say no renewal: rent or a fine). */
export const kindOf = (p: Stored<Pick<PaymentPayload, 'type' | 'renewal'>>) =>
  paymentKind({ type: str(p, 'type', 'PAYMENT'), renewal: int(p, 'renewal') });
