// The small self-contained HTML pages a browser lands on after Stripe Checkout.
import type { PaymentReceipt, SessionPage } from '../core/checkout.js';
import { escapeHtml, htmlDocument } from './html.js';

/** True when the client asked for JSON rather than a page (`Accept: application/json`). */
export function prefersJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const a = accept.toLowerCase();
  const j = a.indexOf('application/json');
  if (j < 0) return false;
  const h = a.indexOf('text/html');
  return h < 0 || j < h;
}

function page(title: string, tone: 'ok' | 'wait' | 'bad', body: string): string {
  const color = tone === 'ok' ? '#1a7f37' : tone === 'wait' ? '#9a6700' : '#cf222e';
  return htmlDocument(
    `<title>${escapeHtml(title)} · Library</title>
<style>
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; background: #f6f8fa; color: #1f2328; }
  main { max-width: 32rem; margin: 12vh auto; background: #fff; border: 1px solid #d0d7de; border-radius: 12px; padding: 2rem; }
  h1 { font-size: 1.4rem; margin: 0 0 .75rem; color: ${color}; }
  p { margin: .5rem 0; }
  .amount { font-size: 1.6rem; font-weight: 600; }
  .muted { color: #656d76; font-size: .9rem; }
  a.button { display: inline-block; margin-top: 1rem; padding: .6rem 1.1rem; border-radius: 8px; background: #0969da; color: #fff; text-decoration: none; }
</style>`,
    `<body><main>
<h1>${escapeHtml(title)}</h1>
${body}
</main></body>`,
  );
}

const what = (p: PaymentReceipt) => (p.type === 'FINE' ? 'late-return fine' : 'rent');
const amount = (p: PaymentReceipt) => `<p class="amount">$${escapeHtml(p.money_to_pay)}</p>`;
// Whoever holds the session id sees these pages: the payment's own number only, never the reader's or the loan's.
const ref = (p: PaymentReceipt) => `<p class="muted">Payment #${p.id}</p>`;

export function successPage({ receipt: payment, paid, checkoutUrl }: SessionPage): string {
  if (paid) {
    const refunded = payment.status === 'REFUNDED' ? '<p>This payment has since been refunded.</p>' : '';
    return page('Payment received — thank you', 'ok', `${amount(payment)}
<p>Your ${what(payment)} is paid.${payment.type === 'PAYMENT' ? ' Enjoy the book!' : ''}</p>${refunded}
<p>You can close this page and go back to Telegram.</p>
${ref(payment)}`);
  }
  const payLink = checkoutUrl ? `<a class="button" href="${escapeHtml(checkoutUrl)}">Go to the payment page</a>` : '';
  return page('Not paid yet', 'wait', `${amount(payment)}
<p>Stripe has not confirmed this ${what(payment)} yet. If you have just paid, refresh this page in a few seconds;
the payment is also confirmed automatically as soon as Stripe tells us.</p>
${payLink}
${ref(payment)}`);
}

export function cancelPage(known: SessionPage | null): string {
  const payment = known?.receipt ?? null;
  const amountLine = payment ? amount(payment) : '';
  const payLink = known?.checkoutUrl ? `<a class="button" href="${escapeHtml(known.checkoutUrl)}">Pay now</a>` : '';
  const paidNote = payment && (payment.status === 'PAID' || payment.status === 'REFUNDED') ? '<p>This payment is already complete; nothing more to do.</p>' : '';
  return page('Payment paused', 'wait', `${amountLine}
<p>Payment paused — you can pay within 24 hours, from this link or from “My books” in the Telegram bot.</p>
<p>Until it is paid you cannot borrow another book.</p>
${paidNote}${payLink}
${payment ? ref(payment) : ''}`);
}

export function errorPage(status: number, message: string): string {
  const title = status === 404 ? 'Payment not found' : status === 503 ? 'Could not check the payment right now' : 'Something is wrong with this link';
  return page(title, status === 503 ? 'wait' : 'bad', `<p>${escapeHtml(message)}</p>
<p class="muted">If you paid, the payment will still be confirmed automatically.</p>`);
}
