// The small self-contained HTML pages a browser lands on after Stripe Checkout. hono/html's
// `html` escapes every interpolated value; a nested html`` fragment goes in as it is.
import { html } from 'hono/html';
import type { PaymentReceipt, SessionPage } from '../core/payments/index.js';
import { isLanguage, type Language, tPlain } from '../i18n/index.js';

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

/** The reader's language when the pages have it, else English. */
function pageLanguage(language: string | undefined): Language {
  return isLanguage(language) ? language : 'en';
}

function page(lang: Language, title: string, tone: keyof typeof COLORS, body: Page, refreshSeconds?: number): Page {
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
${refreshSeconds ? html`<meta http-equiv="refresh" content="${refreshSeconds}">` : ''}
<title>${title} · ${tPlain(lang, 'page-library')}</title>
<style>
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; background: #f6f8fa; color: #1f2328; }
  main { max-width: 32rem; margin: 12vh auto; background: #fff; border: 1px solid #d0d7de; border-radius: 12px; padding: 2rem; }
  h1 { font-size: 1.4rem; margin: 0 0 .75rem; color: ${COLORS[tone]}; }
  p { margin: .5rem 0; }
  .amount { font-size: 1.6rem; font-weight: 600; }
  .muted { color: #656d76; font-size: .9rem; }
  a.button { display: inline-block; margin-top: 1rem; padding: .6rem 1.1rem; border-radius: 8px; background: #0969da; color: #fff; text-decoration: none; }
  @media (max-width: 36rem) { main { margin: 1rem; padding: 1.5rem; } }
</style>
</head>
<body><main>
<h1>${title}</h1>
${body}
</main></body>
</html>`;
}

const amount = (p: PaymentReceipt) => html`<p class="amount">$${p.money_to_pay}</p>`;
// Whoever holds the session id sees these pages: the payment's own number only, never the reader's or the loan's.
const ref = (lang: Language, p: PaymentReceipt) =>
  html`<p class="muted">${tPlain(lang, 'page-payment-ref', { id: String(p.id) })}</p>`;

/**
 * The success page. `chatUrl`: where the reader talks to the bot (its t.me link, or the sandbox's
 * web chat), for a way back; without one the page says to go back to Telegram.
 */
export function successPage({ receipt: payment, paid, checkoutUrl, language, recheckInMs }: SessionPage, chatUrl?: string): Page {
  const lang = pageLanguage(language);
  const back = chatUrl
    ? html`<a class="button" href="${chatUrl}" data-testid="back-to-chat">${tPlain(lang, 'page-back-to-chat')}</a>`
    : html`<p>${tPlain(lang, 'page-close-hint')}</p>`;
  if (paid) {
    const refunded = payment.status === 'REFUNDED' ? html`<p>${tPlain(lang, 'page-refunded-since')}</p>` : '';
    return page(
      lang,
      tPlain(lang, 'page-paid-title'),
      'ok',
      html`${amount(payment)}
<p>${tPlain(lang, 'page-paid-text', { type: payment.type })}</p>${refunded}
${back}
${ref(lang, payment)}`,
    );
  }
  if (recheckInMs !== null) {
    // Not Stripe's word yet (it was asked moments ago, perhaps before the payer paid): the page
    // asks again by itself once the next check is allowed.
    return page(
      lang,
      tPlain(lang, 'page-confirming-title'),
      'wait',
      html`${amount(payment)}
<p>${tPlain(lang, 'page-confirming-text')}</p>
${ref(lang, payment)}`,
      Math.max(1, Math.ceil(recheckInMs / 1000)),
    );
  }
  const payLink = checkoutUrl ? html`<a class="button" href="${checkoutUrl}">${tPlain(lang, 'page-go-pay')}</a>` : '';
  return page(
    lang,
    tPlain(lang, 'page-unpaid-title'),
    'wait',
    html`${amount(payment)}
<p>${tPlain(lang, 'page-unpaid-text', { type: payment.type })}</p>
${payLink}
${ref(lang, payment)}`,
  );
}

export function cancelPage(known: SessionPage | null): Page {
  const lang = pageLanguage(known?.language);
  const payment = known?.receipt ?? null;
  const payLink = known?.checkoutUrl
    ? html`<a class="button" href="${known.checkoutUrl}">${tPlain(lang, 'page-pay-now')}</a>`
    : '';
  const paidNote =
    payment && (payment.status === 'PAID' || payment.status === 'REFUNDED')
      ? html`<p>${tPlain(lang, 'page-paused-done')}</p>`
      : '';
  return page(
    lang,
    tPlain(lang, 'page-paused-title'),
    'wait',
    html`${payment ? amount(payment) : ''}
<p>${tPlain(lang, 'page-paused-text')}</p>
<p>${tPlain(lang, 'page-paused-limit')}</p>
${paidNote}${payLink}
${payment ? ref(lang, payment) : ''}`,
  );
}

// No payment, so no reader to speak to: English, as the API's error messages are.
export function errorPage(status: number, message: string): Page {
  const title =
    status === 404
      ? 'Payment not found'
      : status === 503
        ? 'Could not check the payment right now'
        : 'Something is wrong with this link';
  return page(
    'en',
    title,
    status === 503 ? 'wait' : 'bad',
    html`<p>${message}</p>
<p class="muted">If you paid, the payment will still be confirmed automatically.</p>`,
  );
}
