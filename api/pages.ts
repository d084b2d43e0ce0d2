// The small self-contained HTML pages a browser lands on after Stripe Checkout. hono/html's
// `html` escapes every interpolated value; a nested html`` fragment goes in as it is.
import { html } from 'hono/html';
import type { PaymentReceipt, SessionPage } from '../core/checkout.js';

type Page = ReturnType<typeof html>;

/** True when the client asked for JSON rather than a page (`Accept: application/json`). */
export function prefersJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const a = accept.toLowerCase();
  const j = a.indexOf('application/json');
  if (j < 0) return false;
  const h = a.indexOf('text/html');
  return h < 0 || j < h;
}

const COLORS = { ok: '#1a7f37', wait: '#9a6700', bad: '#cf222e' } as const;

function page(title: string, tone: keyof typeof COLORS, body: Page): Page {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · Library</title>
<style>
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; background: #f6f8fa; color: #1f2328; }
  main { max-width: 32rem; margin: 12vh auto; background: #fff; border: 1px solid #d0d7de; border-radius: 12px; padding: 2rem; }
  h1 { font-size: 1.4rem; margin: 0 0 .75rem; color: ${COLORS[tone]}; }
  p { margin: .5rem 0; }
  .amount { font-size: 1.6rem; font-weight: 600; }
  .muted { color: #656d76; font-size: .9rem; }
  a.button { display: inline-block; margin-top: 1rem; padding: .6rem 1.1rem; border-radius: 8px; background: #0969da; color: #fff; text-decoration: none; }
</style>
</head>
<body><main>
<h1>${title}</h1>
${body}
</main></body>
</html>`;
}

const what = (p: PaymentReceipt) => (p.type === 'FINE' ? 'late-return fine' : 'rent');
const amount = (p: PaymentReceipt) => html`<p class="amount">$${p.money_to_pay}</p>`;
// Whoever holds the session id sees these pages: the payment's own number only, never the reader's or the loan's.
const ref = (p: PaymentReceipt) => html`<p class="muted">Payment #${p.id}</p>`;

export function successPage({ receipt: payment, paid, checkoutUrl }: SessionPage): Page {
  if (paid) {
    const refunded = payment.status === 'REFUNDED' ? html`<p>This payment has since been refunded.</p>` : '';
    return page('Payment received — thank you', 'ok', html`${amount(payment)}
<p>Your ${what(payment)} is paid.${payment.type === 'PAYMENT' ? ' Enjoy the book!' : ''}</p>${refunded}
<p>You can close this page and go back to Telegram.</p>
${ref(payment)}`);
  }
  const payLink = checkoutUrl ? html`<a class="button" href="${checkoutUrl}">Go to the payment page</a>` : '';
  return page('Not paid yet', 'wait', html`${amount(payment)}
<p>Stripe has not confirmed this ${what(payment)} yet. If you have just paid, refresh this page in a few seconds;
the payment is also confirmed automatically as soon as Stripe tells us.</p>
${payLink}
${ref(payment)}`);
}

export function cancelPage(known: SessionPage | null): Page {
  const payment = known?.receipt ?? null;
  const payLink = known?.checkoutUrl ? html`<a class="button" href="${known.checkoutUrl}">Pay now</a>` : '';
  const paidNote = payment && (payment.status === 'PAID' || payment.status === 'REFUNDED') ? html`<p>This payment is already complete; nothing more to do.</p>` : '';
  return page('Payment paused', 'wait', html`${payment ? amount(payment) : ''}
<p>Payment paused — you can pay within 24 hours, from this link or from “My books” in the Telegram bot.</p>
<p>Until it is paid you cannot borrow another book.</p>
${paidNote}${payLink}
${payment ? ref(payment) : ''}`);
}

export function errorPage(status: number, message: string): Page {
  const title = status === 404 ? 'Payment not found' : status === 503 ? 'Could not check the payment right now' : 'Something is wrong with this link';
  return page(title, status === 503 ? 'wait' : 'bad', html`<p>${message}</p>
<p class="muted">If you paid, the payment will still be confirmed automatically.</p>`);
}
