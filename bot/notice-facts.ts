// What a batch of notices needs to know when it is sent (bot/notice-renderer.ts renders it): the
// payments behind Pay buttons as they are now, what a paying reader still owes, the pay links, and
// the keyboards of messages whose Pay buttons go. Read through core (core.payments.noticeFacts),
// one query each per batch, never one per row.
import type { NoticePayloads } from '../core/notices/index.js';
import type { NoticeFacts, PayLinks } from '../core/payments/index.js';
import { idOf, type MessageKind, payloadIf, payloadOf } from './notice-payload.js';

/** The columns of an outbox row the renderer reads (payload as stored: JSON text, or parsed). */
export interface RenderableRow {
  /** The chat it goes to (an edit names a message of that chat). */
  chat_id?: number;
  kind: string;
  payload: string | Record<string, unknown>;
  language: string;
}

/** What is read of an outbox row here. */
type FactsRow = Omit<RenderableRow, 'language'>;

/** What a Pay button needs to know about a payment at send time. */
export interface PaymentFact {
  id: number;
  status: string;
  session_url: string | null;
}

/** A payment a reader still owes, named on their "payment received" notice. */
export interface StillUnpaid {
  id: number;
  type: 'PAYMENT' | 'FINE';
  renewal: number;
  amount: string;
  title: string;
}

export interface RenderFacts {
  payments?: ReadonlyMap<number, PaymentFact>;
  /** Per payment just paid: what its reader still owes at send time. */
  stillUnpaid?: ReadonlyMap<number, StillUnpaid[]>;
  /** The pay links of those payments (bot/pay.ts), when links can be used here. */
  links?: ReadonlyMap<number, string>;
  /** Per message to edit (`<chat>:<message>`): its keyboard now and the payments on it with their status. */
  payMessages?: ReadonlyMap<string, { markup: string; payments: { id: number; status: string }[] }>;
}

/** Which payload field names the payment whose Pay button a kind of notice shows. */
const PAY_BUTTON_OF: { [K in MessageKind]?: keyof NoticePayloads[K] & string } = {
  'reader.borrowing_confirmed': 'payment_id',
  'reader.borrowing_extended': 'payment_id',
  'reader.fine_created': 'fine_payment_id',
  'reader.returned_by_staff': 'fine_payment_id',
  'reader.payment_expired': 'payment_id',
};

/** The payment ids whose Pay buttons a row shows (for loading their facts in one query). */
export function paymentIdsOf(row: FactsRow): number[] {
  const field = Object.hasOwn(PAY_BUTTON_OF, row.kind) ? PAY_BUTTON_OF[row.kind as MessageKind] : undefined;
  const p = field ? payloadOf(row) : undefined;
  const id = p ? idOf(p, field!) : null;
  return id === null ? [] : [id];
}

/**
 * Where a batch's facts come from, wired by the composition root: core's reads of the payments
 * behind Pay buttons (core.payments.noticeFacts) and, when links can be used here, the pay links
 * (core.payments.links) — without them Pay buttons are `pay:<id>` buttons (bot/pay.ts).
 */
export interface RenderSources {
  facts: NoticeFacts;
  links?: PayLinks;
}

/**
 * Loads what a batch's messages need at send time, with one query each: the payments behind
 * their Pay buttons, what each paying reader still owes, and the pay links of all of those.
 */
export async function loadRenderFacts(sources: RenderSources, rows: readonly FactsRow[]): Promise<RenderFacts> {
  const { facts, links } = sources;
  const ids = new Set(rows.flatMap(paymentIdsOf));
  const payments = new Map<number, PaymentFact>();
  for (const f of await facts.payments([...ids])) payments.set(f.id, f);
  const paid = rows.flatMap((r) => {
    const p = payloadIf(r, 'reader.payment_received');
    const id = p ? idOf(p, 'payment_id') : null;
    return id === null ? [] : [id];
  });
  const stillUnpaid = new Map<number, StillUnpaid[]>();
  if (paid.length > 0) {
    for (const { paid_id, ...u } of await facts.stillUnpaid(paid)) {
      const list = stillUnpaid.get(paid_id) ?? [];
      list.push(u);
      stillUnpaid.set(paid_id, list);
      ids.add(u.id);
    }
  }
  const edits = rows.flatMap((r) => {
    const p = r.chat_id === undefined ? undefined : payloadIf(r, 'edit.pay_button');
    const messageId = p ? idOf(p, 'message_id') : null;
    return messageId === null ? [] : [{ chatId: r.chat_id!, messageId }];
  });
  const payMessages = new Map<string, { markup: string; payments: { id: number; status: string }[] }>();
  for (const m of await facts.payMessages(edits)) {
    const key = `${m.chat_id}:${m.message_id}`;
    const entry = payMessages.get(key) ?? { markup: m.markup, payments: [] };
    entry.payments.push({ id: m.payment_id, status: m.status });
    payMessages.set(key, entry);
  }
  return { payments, stillUnpaid, links: links ? await links.urlsFor([...ids]) : undefined, payMessages };
}
