// The offline sandbox's stand-in for Stripe's hosted Checkout page: `/sandbox/checkout/<session>`
// shows what the local Stripe fake holds for the session; Pay marks it paid (the fake then
// delivers the signed `checkout.session.completed` webhook) and both buttons redirect to the
// success / cancel URLs the library gave when it created the session, as Stripe would.
import { randomBytes } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { html, raw } from 'hono/html';
import { isLanguage, type Language, tPlain } from '../i18n/index.js';
import {
  type FakeCheckoutSession,
  type FakeLineItem,
  type FakeStripeController,
  FakeStripeStateError,
} from './stripe/fake-stripe-api.js';

export interface CheckoutPagesOptions {
  stripe: FakeStripeController;
  /** The language of the reader a session is for (the library knows; English when it does not). */
  languageOf?: (sessionId: string) => Promise<string | undefined>;
}

const SESSION_ID = /^cs_[A-Za-z0-9_]{1,200}$/;

/** Stripe amounts are in the currency's smallest unit: 150 → "$1.50". */
export function formatAmount(cents: number, currency = 'usd'): string {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`;
  }
}

function formatUtc(unixSeconds: number): string {
  return `${new Date(unixSeconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const pageLanguage = (language: string | undefined): Language => (isLanguage(language) ? language : 'en');

function safeRedirect(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

const STYLE = `
  :root {
    --bg: #f6f8fb; --panel: #fff; --line: #e3e8ee; --text: #1a1f36; --muted: #697386;
    --accent: #635bff; --accent-strong: #4b44d6; --ok: #1a7f37; --ok-bg: #e6f4ea; --warn: #9a6700; --warn-bg: #fff4d6;
    --bad: #b3261e; --bad-bg: #fdecea; --field: #f7f9fc;
    font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
    color: var(--text);
  }
  @media (prefers-color-scheme: dark) {
    :root { --bg: #0f1422; --panel: #171d2e; --line: #2a3248; --text: #e8ebf4; --muted: #9aa3b8; --field: #1d2438;
      --ok-bg: #133321; --ok: #6fd08c; --warn-bg: #3a2f10; --warn: #f2c45a; --bad-bg: #3d1614; --bad: #ff8a80; --accent: #7c75ff; --accent-strong: #948eff; }
  }
  * { box-sizing: border-box; }
  body { margin: 0; min-height: 100vh; background: var(--bg); font-size: 15px; line-height: 1.45; }
  a { color: var(--accent); }
  .banner { display: flex; align-items: center; justify-content: center; gap: .5rem; padding: .5rem 1rem;
    background: #fff4d6; color: #5c4300; border-bottom: 1px solid #f0cf7a; font-size: .875rem; font-weight: 500; text-align: center; }
  .banner .tag { font-size: .7rem; font-weight: 700; letter-spacing: .06em; text-transform: uppercase; padding: .1rem .45rem;
    border-radius: 4px; background: #e8870e; color: #fff; flex: none; }
  .layout { display: grid; grid-template-columns: 1fr 1fr; min-height: calc(100vh - 2.4rem); }
  .summary { background: var(--bg); padding: 4rem 3rem 2rem; display: flex; justify-content: flex-end; }
  .pay { background: var(--panel); padding: 4rem 3rem 2rem; box-shadow: -1px 0 0 var(--line); }
  .col { width: 100%; max-width: 400px; }
  .merchant { display: flex; align-items: center; gap: .6rem; font-weight: 600; margin-bottom: 2rem; }
  .logo { width: 28px; height: 28px; border-radius: 50%; display: grid; place-items: center; background: #2f80d1; color: #fff; font-size: .9rem; }
  .test-pill { font-size: .68rem; font-weight: 700; letter-spacing: .05em; text-transform: uppercase; color: #a35200; background: #ffe7c2;
    padding: .1rem .4rem; border-radius: 4px; }
  .label { color: var(--muted); font-weight: 500; }
  .amount { font-size: 2.25rem; font-weight: 650; letter-spacing: -.01em; margin: .15rem 0 1.75rem; }
  .items { list-style: none; margin: 0; padding: 0; }
  .item { display: grid; grid-template-columns: 1fr auto; gap: .2rem 1rem; padding: .9rem 0; border-bottom: 1px solid var(--line); }
  .item-name { font-weight: 600; overflow-wrap: anywhere; }
  .item-desc { grid-column: 1; color: var(--muted); font-size: .88rem; overflow-wrap: anywhere; }
  .item-price { grid-column: 2; grid-row: 1; font-weight: 600; }
  .total { display: flex; justify-content: space-between; padding: .9rem 0; font-weight: 600; }
  .status { display: inline-flex; align-items: center; gap: .4rem; font-size: .8rem; font-weight: 600; padding: .2rem .6rem;
    border-radius: 999px; margin-bottom: 1rem; }
  .status::before { content: ""; width: 7px; height: 7px; border-radius: 50%; background: currentColor; }
  .status.open { color: var(--warn); background: var(--warn-bg); }
  .status.complete { color: var(--ok); background: var(--ok-bg); }
  .status.expired { color: var(--bad); background: var(--bad-bg); }
  h1 { font-size: 1.25rem; margin: 0 0 1.25rem; }
  .field { margin-bottom: 1rem; }
  .field .lbl { display: block; font-size: .85rem; font-weight: 500; color: var(--muted); margin-bottom: .3rem; }
  .field .box { border: 1px solid var(--line); border-radius: 8px; background: var(--field); padding: .6rem .75rem; color: var(--muted);
    font-variant-numeric: tabular-nums; }
  .card-row { display: grid; grid-template-columns: 1fr 1fr; border: 1px solid var(--line); border-top: 0; border-radius: 0 0 8px 8px; }
  .card-row span { padding: .6rem .75rem; background: var(--field); color: var(--muted); }
  .card-row span + span { border-left: 1px solid var(--line); }
  .card-top { border-radius: 8px 8px 0 0 !important; }
  .buttons { display: flex; flex-direction: column; gap: .6rem; margin-top: 1.5rem; }
  .buttons form { margin: 0; }
  .btn { display: block; width: 100%; text-align: center; text-decoration: none; border-radius: 8px; padding: .8rem 1rem; font: inherit;
    font-weight: 600; cursor: pointer; border: 1px solid transparent; }
  .btn.primary { background: var(--accent); color: #fff; font-size: 1.02rem; }
  .btn.primary:hover { background: var(--accent-strong); }
  .btn.secondary { background: transparent; color: var(--muted); border-color: var(--line); }
  .btn.secondary:hover { color: var(--text); border-color: var(--muted); }
  .btn:disabled { opacity: .65; cursor: progress; }
  .btn:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
  .notice { border-radius: 10px; padding: 1rem 1.1rem; margin-bottom: 1rem; }
  .notice h1 { margin: 0 0 .35rem; font-size: 1.1rem; }
  .notice p { margin: 0; }
  .notice.ok { background: var(--ok-bg); color: var(--ok); }
  .notice.bad { background: var(--bad-bg); color: var(--bad); }
  .notice.ok p, .notice.bad p { color: var(--text); }
  .fine { color: var(--muted); font-size: .8rem; margin-top: 1.75rem; }
  .demo { margin-top: 1.5rem; padding: .8rem .9rem; border: 1px dashed #e8870e; border-radius: 8px; background: var(--warn-bg); }
  .demo p { margin: 0 0 .6rem; font-size: .85rem; color: var(--text); }
  .demo form { margin: 0; }
  .demo .tag { font-size: .65rem; font-weight: 700; letter-spacing: .06em; text-transform: uppercase; padding: .1rem .4rem; border-radius: 4px; background: #e8870e; color: #fff; margin-right: .35rem; }
  .btn.demo-btn { background: transparent; color: var(--warn); border-color: #e8870e; }
  .btn.demo-btn:hover { background: #e8870e; color: #fff; }
  .fine p { margin: .3rem 0; }
  code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em; overflow-wrap: anywhere; }
  .nowrap { white-space: nowrap; }
  .single { max-width: 30rem; margin: 12vh auto; background: var(--panel); border: 1px solid var(--line); border-radius: 12px; padding: 2rem; }
  @media (max-width: 760px) {
    .layout { grid-template-columns: 1fr; min-height: 0; }
    .summary, .pay { padding: 1.5rem 1.25rem; justify-content: flex-start; }
    .pay { box-shadow: 0 -1px 0 var(--line); }
    .col { max-width: none; }
    .merchant { margin-bottom: 1.25rem; }
    .amount { font-size: 1.9rem; margin-bottom: 1rem; }
    .single { margin: 1.5rem 1rem; padding: 1.5rem; }
  }
`;

type Page = ReturnType<typeof html>;

// STYLE and SUBMIT_ONCE are our own constants: raw() puts them in unescaped.
function checkoutDocument(lang: Language, title: string, nonce: string, body: Page, script = ''): Page {
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="color-scheme" content="light dark">
<title>${title} · ${tPlain(lang, 'checkout-title')}</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">${raw(STYLE)}</style>
</head>
<body>
<div class="banner" role="note" data-testid="checkout-banner"><span class="tag" aria-hidden="true">${tPlain(lang, 'checkout-test-mode')}</span><span>${tPlain(lang, 'checkout-banner')}</span></div>
${body}
${script ? html`<script nonce="${nonce}">${raw(script)}</script>` : ''}
</body>
</html>`;
}

// Disables both buttons once one is pressed, so a double click pays (and redirects) once.
const SUBMIT_ONCE = `
document.querySelectorAll('form[data-once]').forEach(function (form) {
  form.addEventListener('submit', function (ev) {
    if (form.dataset.sent) { ev.preventDefault(); return; }
    form.dataset.sent = '1';
    document.querySelectorAll('form[data-once] button').forEach(function (b) { b.disabled = true; });
    var b = form.querySelector('button');
    if (b && b.dataset.busy) b.textContent = b.dataset.busy;
  });
});`;

function itemList(lang: Language, items: FakeLineItem[], session: FakeCheckoutSession): Page {
  const rows = items.map((li) => {
    const description = li.price.product_data.description;
    const qty = li.quantity > 1 ? ` × ${li.quantity}` : '';
    return html`<li class="item" data-testid="line-item">
  <div class="item-name" data-testid="item-name">${li.description}${qty}</div>
  <div class="item-price">${formatAmount(li.amount_total, li.currency)}</div>
  ${description ? html`<div class="item-desc" data-testid="item-description">${description}</div>` : ''}
</li>`;
  });
  return html`<ul class="items">${rows}</ul>
<div class="total"><span>${tPlain(lang, 'checkout-total')}</span><span data-testid="total">${formatAmount(session.amount_total, session.currency)}</span></div>`;
}

const statusText = (lang: Language, status: FakeCheckoutSession['status']) => tPlain(lang, `checkout-status-${status}`);

function sessionPage(
  lang: Language,
  session: FakeCheckoutSession,
  items: FakeLineItem[],
  action: string,
  successUrl: string | null,
  nonce: string,
): Page {
  const t = (key: string, vars?: Record<string, string>) => tPlain(lang, key, vars);
  const amount = formatAmount(session.amount_total, session.currency);
  const first = items[0]?.description ?? 'Payment';
  const status = html`<div class="status ${session.status}" data-testid="status">${statusText(lang, session.status)}</div>`;
  let side: Page;
  if (session.status === 'complete') {
    side = html`${status}
<div class="notice ok" data-testid="already-paid"><h1>${t('checkout-already-paid-title')}</h1><p>${t('checkout-already-paid-text')}</p></div>
${successUrl ? html`<div class="buttons"><a class="btn primary" href="${successUrl}" data-testid="success-link">${t('checkout-continue')}</a></div>` : ''}`;
  } else if (session.status === 'expired') {
    side = html`${status}
<div class="notice bad" data-testid="expired"><h1>${t('checkout-expired-title')}</h1><p>${t('checkout-expired-text')}</p></div>`;
  } else {
    side = html`${status}
<h1>${t('checkout-pay-with-card')}</h1>
<div class="field"><div class="lbl">${t('checkout-email')}</div><div class="box">${session.customer_email ?? 'reader@example.test'}</div></div>
<div class="field"><div class="lbl">${t('checkout-card')}</div><div class="box card-top">4242 4242 4242 4242</div><div class="card-row"><span>12 / 34</span><span>123</span></div></div>
<div class="buttons">
  <form method="post" action="${action}/pay" data-once><button type="submit" class="btn primary" data-testid="pay-button" data-busy="${t('checkout-processing')}">${t('checkout-pay', { amount })}</button></form>
  <form method="post" action="${action}/cancel" data-once><button type="submit" class="btn secondary" data-testid="cancel-button">${t('checkout-cancel')}</button></form>
</div>
<div class="demo" data-testid="demo-controls">
  <p><span class="tag">${t('checkout-sandbox')}</span> ${t('checkout-demo-text')}</p>
  <form method="post" action="${action}/expire" data-once><button type="submit" class="btn demo-btn" data-testid="expire-button">${t('checkout-expire')}</button></form>
</div>`;
  }
  // The expiry date is one unit: it never breaks across lines (a phone's narrow column).
  const expires =
    session.status === 'open'
      ? html` · <span class="nowrap" data-testid="expires">${t('checkout-expires', { date: formatUtc(session.expires_at) })}</span>`
      : '';
  const body = html`<main class="layout">
<section class="summary" aria-label="Order summary"><div class="col">
  <div class="merchant"><span class="logo" aria-hidden="true">L</span><span>${t('page-library')}</span><span class="test-pill">${t('checkout-test-mode')}</span></div>
  <div class="label">${t('checkout-pay-library')}</div>
  <div class="amount" data-testid="amount">${amount}</div>
  ${itemList(lang, items, session)}
</div></section>
<section class="pay" aria-label="Payment"><div class="col">
  ${side}
  <div class="fine">
    <p>${t('checkout-fine-print')}</p>
    <p>${t('checkout-session')} <code data-testid="session-id">${session.id}</code>${expires}</p>
  </div>
</div></section>
</main>`;
  const title = session.status === 'open' ? t('checkout-pay', { amount }) : `${statusText(lang, session.status)} ${amount}`;
  return checkoutDocument(lang, `${title} — ${first}`, nonce, body, session.status === 'open' ? SUBMIT_ONCE : '');
}

function messagePage(lang: Language, title: string, text: string, nonce: string): Page {
  return checkoutDocument(
    lang,
    title,
    nonce,
    html`<main class="single"><div class="notice bad"><h1>${title}</h1><p>${text}</p></div></main>`,
  );
}

export function createFakeCheckoutPages(opts: CheckoutPagesOptions): Hono {
  const { stripe } = opts;
  const app = new Hono();

  const respond = (c: Context, status: 200 | 404 | 409, render: (nonce: string) => Page) => {
    const nonce = randomBytes(16).toString('base64');
    c.header(
      'Content-Security-Policy',
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src data:; base-uri 'none'; frame-ancestors 'none'`,
    );
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cache-Control', 'no-store');
    return c.html(render(nonce), status);
  };
  // An unknown session has no reader: English.
  const notFound = (c: Context) =>
    respond(c, 404, (n) =>
      messagePage('en', tPlain('en', 'checkout-not-found-title'), tPlain('en', 'checkout-not-found-text'), n),
    );
  const expired = async (c: Context, id: string) => {
    const lang = await languageOf(id);
    return respond(c, 409, (n) =>
      messagePage(lang, tPlain(lang, 'checkout-expired-title'), tPlain(lang, 'checkout-expired-renew'), n),
    );
  };
  const languageOf = async (id: string): Promise<Language> => pageLanguage(await opts.languageOf?.(id).catch(() => undefined));

  const lookup = (c: Context): { id: string; session: FakeCheckoutSession } | undefined => {
    const id = c.req.param('id') ?? '';
    if (!SESSION_ID.test(id)) return undefined;
    const session = stripe.session(id);
    return session ? { id, session } : undefined;
  };

  app.get('/:id', async (c) => {
    const found = lookup(c);
    if (!found) return notFound(c);
    const { id, session } = found;
    const lang = await languageOf(id);
    const action = c.req.path.replace(/\/+$/, '');
    const successUrl = session.status === 'complete' ? safeRedirect(stripe.redirectUrl(id, 'success')) : null;
    return respond(c, 200, (n) => sessionPage(lang, session, stripe.lineItems(id), action, successUrl, n));
  });

  app.post('/:id/pay', async (c) => {
    const found = lookup(c);
    if (!found) return notFound(c);
    try {
      await stripe.pay(found.id);
    } catch (err) {
      if (err instanceof FakeStripeStateError && err.code === 'session_expired') return expired(c, found.id);
      if (err instanceof FakeStripeStateError && err.code === 'not_found') return notFound(c);
      throw err;
    }
    const to = safeRedirect(stripe.redirectUrl(found.id, 'success'));
    return to ? c.redirect(to, 303) : c.redirect(c.req.path.replace(/\/pay\/?$/, ''), 303);
  });

  // The sandbox's demo control: the session ends unpaid now, as Stripe's does after 24 hours —
  // the fake delivers `checkout.session.expired`, so the library marks it EXPIRED and tells the
  // reader — and the page shows it expired.
  app.post('/:id/expire', async (c) => {
    const found = lookup(c);
    if (!found) return notFound(c);
    if (found.session.status === 'open') await stripe.expire(found.id);
    return c.redirect(c.req.path.replace(/\/expire\/?$/, ''), 303);
  });

  app.post('/:id/cancel', (c) => {
    const found = lookup(c);
    if (!found) return notFound(c);
    const to = safeRedirect(stripe.redirectUrl(found.id, 'cancel'));
    return to ? c.redirect(to, 303) : c.redirect(c.req.path.replace(/\/cancel\/?$/, ''), 303);
  });

  return app;
}
