// The pages a payer lands on after Stripe Checkout: right after paying, the success page waits
// for Stripe's word instead of answering "not paid yet" from an earlier check; the success and
// cancel pages speak the reader's language (still naming no reader or borrowing); the success
// page leads back to the chat with the bot.
import { describe, expect, it } from 'vitest';
import { SESSION_CHECK_INTERVAL_MS } from '../../core/payments/checkout.js';
import { type ApiWorld, createApiWorld, useApiWorld } from '../helpers/api.js';

const { world: w } = useApiWorld();

const JSON_ACCEPT = { accept: 'application/json' };
const HTML_ACCEPT = { accept: 'text/html' };
const RECEIPT_KEYS = ['id', 'money_to_pay', 'paid_at', 'status', 'type'];

/** A reader (in this language) with one fresh loan (rent 3 × $1.50 = $4.50) and its payment. */
async function loan(world: ApiWorld = w, language: 'en' | 'uk' | 'ru' = 'en') {
  const u = await world.user();
  if (language !== 'en')
    expect((await world.req('PATCH', '/api/users/me/', { token: u.access, body: { language } })).status).toBe(200);
  const book = await world.book({ daily_fee: '1.50' });
  const r = await world.req('POST', '/api/borrowings/', {
    token: u.access,
    body: { book_id: book.id, expected_return_date: world.day(3) },
  });
  expect(r.status).toBe(201);
  const payment = r.body.payments[0];
  return { u, borrowing: r.body, payment, sessionId: payment.session_id as string };
}

const success = (sessionId: string, world: ApiWorld = w) =>
  world.req('GET', `/api/payments/success/?session_id=${sessionId}`, { headers: HTML_ACCEPT });
const refreshAfter = (html: string) => /<meta http-equiv="refresh" content="(\d+)">/.exec(html)?.[1];

describe('the success page right after paying', () => {
  it('says "confirming your payment" and refreshes, rather than "not paid yet", when Stripe was asked moments before the payer paid', async () => {
    const { payment, sessionId } = await loan();
    // The page opened before paying (another tab, a reload): Stripe says unpaid, truthfully.
    const early = await success(sessionId);
    expect(early.text).toContain('Not paid yet');
    expect(refreshAfter(early.text)).toBeUndefined();

    await w.stripe.api.pay(sessionId);
    w.clock.advance(2000);
    const r = await success(sessionId);
    expect(r.status).toBe(200);
    expect(r.text).toContain('Confirming your payment…');
    expect(r.text).not.toContain('Not paid yet');
    expect(r.text).toContain('$4.50');
    // It refreshes once Stripe may be asked again: 5 s after the last check, 3 s from now.
    expect(refreshAfter(r.text)).toBe(String(Math.ceil((SESSION_CHECK_INTERVAL_MS - 2000 + 100) / 1000)));
    // The JSON answer keeps its documented shape: the receipt as it stands.
    const j = await w.req('GET', `/api/payments/success/?session_id=${sessionId}`, { headers: JSON_ACCEPT });
    expect(Object.keys(j.body).sort()).toEqual(RECEIPT_KEYS);
    expect(j.body).toMatchObject({ id: payment.id, status: 'PENDING' });

    // The refresh, once Stripe may be asked: paid, and the page stops refreshing.
    w.clock.advance(SESSION_CHECK_INTERVAL_MS - 2000);
    const paid = await success(sessionId);
    expect(paid.text).toContain('Payment received — thank you');
    expect(refreshAfter(paid.text)).toBeUndefined();
  });

  it('once Stripe has answered that it is not paid, says "not paid yet" and stops refreshing', async () => {
    const { sessionId } = await loan();
    await success(sessionId);
    w.clock.advance(1000);
    const waiting = await success(sessionId);
    expect(waiting.text).toContain('Confirming your payment…');
    expect(refreshAfter(waiting.text)).toBe(String(Math.ceil((SESSION_CHECK_INTERVAL_MS - 1000 + 100) / 1000)));
    w.clock.advance(SESSION_CHECK_INTERVAL_MS);
    const answered = await success(sessionId);
    expect(answered.text).toContain('Not paid yet');
    expect(refreshAfter(answered.text)).toBeUndefined();
  });
});

describe('the pages speak the reader’s language', () => {
  it('Ukrainian for a Ukrainian reader: not paid yet, confirming, paid, paused — naming only the payment', async () => {
    const { u, payment, borrowing, sessionId } = await loan(w, 'uk');
    const pages: string[] = [];
    const unpaid = await success(sessionId);
    expect(unpaid.text).toContain('<html lang="uk">');
    expect(unpaid.text).toContain('Ще не оплачено');
    pages.push(unpaid.text);
    await w.stripe.api.pay(sessionId);
    w.clock.advance(1000);
    const confirming = await success(sessionId);
    expect(confirming.text).toContain('Підтверджуємо вашу оплату…');
    pages.push(confirming.text);
    w.clock.advance(SESSION_CHECK_INTERVAL_MS);
    const paid = await success(sessionId);
    expect(paid.text).toContain('Оплату отримано — дякуємо');
    expect(paid.text).toContain('Оренду сплачено. Приємного читання!');
    expect(paid.text).toContain('Повернутися до чату');
    pages.push(paid.text);
    const paused = await w.req('GET', `/api/payments/cancel/?session_id=${sessionId}`, { headers: HTML_ACCEPT });
    expect(paused.text).toContain('<html lang="uk">');
    expect(paused.text).toContain('Оплату призупинено');
    expect(paused.text).toContain('Цей платіж уже завершено');
    pages.push(paused.text);
    for (const text of pages) {
      expect(text).not.toContain('Payment');
      // The one number shown is the payment's own (the style sheet before <main> has colours).
      expect(text.slice(text.indexOf('<main>')).match(/#\d+/g)).toEqual([`#${payment.id}`]);
      expect(text).not.toContain(u.email);
      expect(text).not.toContain(`/borrowings/${borrowing.id}`);
    }
  });

  it('Russian for a Russian reader: not paid yet, confirming, paid, paused', async () => {
    const { payment, sessionId } = await loan(w, 'ru');
    const unpaid = await success(sessionId);
    expect(unpaid.text).toContain('<html lang="ru">');
    expect(unpaid.text).toContain('<title>Ещё не оплачено · Библиотека</title>');
    expect(unpaid.text).toContain('Stripe ещё не подтвердил оплату этой аренды.');
    expect(unpaid.text).toContain(`Платёж #${payment.id}`);
    await w.stripe.api.pay(sessionId);
    w.clock.advance(1000);
    expect((await success(sessionId)).text).toContain('Подтверждаем вашу оплату…');
    w.clock.advance(SESSION_CHECK_INTERVAL_MS);
    const paid = await success(sessionId);
    expect(paid.text).toContain('Оплата получена — спасибо');
    expect(paid.text).toContain('Аренда оплачена. Приятного чтения!');
    expect(paid.text).toContain('Вернуться в чат');
    const paused = await w.req('GET', `/api/payments/cancel/?session_id=${sessionId}`, { headers: HTML_ACCEPT });
    expect(paused.text).toContain('<html lang="ru">');
    expect(paused.text).toContain('Оплата приостановлена');
    expect(paused.text).toContain('Этот платёж уже завершён');
    for (const text of [unpaid.text, paid.text, paused.text]) expect(text).not.toMatch(/Payment|Not paid|Back to the chat/);
  });

  it('English for an English reader, and for a session nobody knows', async () => {
    const { sessionId } = await loan();
    const page = await success(sessionId);
    expect(page.text).toContain('<html lang="en">');
    expect(page.text).toContain('Not paid yet');
    const unknown = await w.req('GET', '/api/payments/cancel/?session_id=cs_test_unknown', { headers: HTML_ACCEPT });
    expect(unknown.text).toContain('<html lang="en">');
    expect(unknown.text).toContain('Payment paused');
  });
});

describe('the success page leads back to the chat', () => {
  it('links the bot\'s t.me chat once paid (and the pay link\'s "already paid" page too)', async () => {
    const { payment, sessionId } = await loan();
    await w.stripe.api.pay(sessionId);
    const paid = await success(sessionId);
    expect(paid.text).toContain(
      '<a class="button" href="https://t.me/library_test_bot" data-testid="back-to-chat">Back to the chat</a>',
    );
    const again = await w.req('GET', `/api/payments/checkout/${await w.core.payments.links.token(payment.id)}/`, {
      headers: HTML_ACCEPT,
    });
    expect(again.status).toBe(200);
    expect(again.text).toContain('href="https://t.me/library_test_bot"');
  });

  it('without a bot it says to go back to Telegram; the sandbox points at its web chat', async () => {
    for (const [api, expected] of [
      [{ botUsername: () => undefined }, 'You can close this page and go back to Telegram.'],
      [{ chatLink: () => '/sandbox/' }, '<a class="button" href="/sandbox/" data-testid="back-to-chat">Back to the chat</a>'],
    ] as const) {
      const world = await createApiWorld({ api });
      try {
        const { sessionId } = await loan(world);
        await world.stripe.api.pay(sessionId);
        const paid = await success(sessionId, world);
        expect(paid.text).toContain('Payment received — thank you');
        expect(paid.text).toContain(expected);
        expect(paid.text).not.toContain('t.me');
      } finally {
        await world.close();
      }
    }
  });
});
