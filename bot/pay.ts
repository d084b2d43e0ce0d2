// The Pay button: one behaviour wherever it is shown (the borrow screen, My books, every notice).
// It opens the payment's pay link ($PUBLIC_URL/api/payments/checkout/<token>/, core/payments/pay-links.ts),
// which answers with the live checkout — renewing the session first when it expired — or says the
// payment is paid. Only where no pay link can be used (real Telegram without PUBLIC_URL: Telegram
// refuses buttons onto localhost) is it a `pay:<id>` button the bot answers with the live link.
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { Core } from '../core/index.js';
import { payLinkPaymentId, paymentKind } from '../core/payments/index.js';
import { payCallback } from './callbacks.js';

/** Where a Pay button goes: the pay link, or (no link) the payment id for a `pay:<id>` button. */
export type PayTarget = { url: string } | { paymentId: number };

export async function payTarget(core: Core, paymentId: number): Promise<PayTarget> {
  const url = await core.payments.links.urlFor(paymentId);
  return url ? { url } : { paymentId };
}

/** Targets for several payments with one read of the link secret. */
export async function payTargets(core: Core, paymentIds: readonly number[]): Promise<Map<number, PayTarget>> {
  const links = await core.payments.links.urlsFor(paymentIds);
  return new Map(paymentIds.map((id) => [id, links.has(id) ? { url: links.get(id)! } : { paymentId: id }]));
}

export function payButton(text: string, target: PayTarget): InlineKeyboardButton {
  return 'url' in target ? { text, url: target.url } : { text, callback_data: payCallback.data(target.paymentId) };
}

/** The line naming an unpaid payment — My books, and the "still to pay" of a thank-you notice. */
export const unpaidLineKey = (p: { type: string; renewal?: number | null }) =>
  ({ FINE: 'mybooks-unpaid-fine', EXTENSION: 'mybooks-unpaid-extension', PAYMENT: 'mybooks-unpaid-rent' })[paymentKind(p)];

/** The payment a button is the Pay button of (a pay link, or a `pay:<id>` button); null for any other button. */
export function payButtonPaymentId(b: InlineKeyboardButton): number | null {
  if ('callback_data' in b && typeof b.callback_data === 'string') return payCallback.parse(b.callback_data) ?? null;
  if ('url' in b && typeof b.url === 'string') return payLinkPaymentId(b.url);
  return null;
}

/** The payments whose Pay buttons a keyboard carries. */
export function payButtonsIn(markup: { inline_keyboard?: InlineKeyboardButton[][] } | undefined): number[] {
  const ids = new Set<number>();
  for (const row of markup?.inline_keyboard ?? [])
    for (const b of row) {
      const id = payButtonPaymentId(b);
      if (id !== null) ids.add(id);
    }
  return [...ids];
}

/** The keyboard without the Pay buttons of these payments (rows left empty go too). */
export function withoutPayButtons(markup: InlineKeyboardMarkup, paymentIds: ReadonlySet<number>): InlineKeyboardMarkup {
  const rows = markup.inline_keyboard.map((row) =>
    row.filter((b) => {
      const id = payButtonPaymentId(b);
      return id === null || !paymentIds.has(id);
    }),
  );
  return { inline_keyboard: rows.filter((r) => r.length > 0) };
}
