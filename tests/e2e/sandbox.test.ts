// Issue 7, end to end in a real browser: the whole service started in-process with no tokens
// (so Telegram and Stripe are the offline sandbox's stand-ins, the demo catalogue is loaded and
// the jobs run), and Chromium (found by helpers/chromium.ts) driven through playwright-core doing
// what a person does: open the sandbox chat as the reader, /start, browse, borrow, pay on the
// checkout page, see the "payment received" message arrive, return the book; then, as the
// librarian in the staff chat, /admin overdue and /admin stats. The REST API is asked whether it
// sees the same state. Issue 14: a second reader joins the queue for a book the first has, she
// returns it, he is told the copy is set aside for him and borrows it from that message.
// Screenshots of the main steps go to tests/artifacts/ (git-ignored).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { silentLogger } from '../../logger.js';
import { SANDBOX_BOT_TOKEN, sandboxPersonas } from '../../sandbox/index.js';
import type { RunningService } from '../../service.js';
import { launchChromium, SandboxChat, screenshot } from '../helpers/browser.js';
import { startTestService } from '../helpers/service.js';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const READER = { email: 'olena@example.test', password: 'correct horse battery', first_name: 'Olena', last_name: 'Koval' };
const BOOK_TITLE = 'Dune';
const LOAN_DAYS = 7;

let dir: string;
let service: RunningService | undefined;
let browser: Browser | undefined;
/** The REST API over IPv4 (the service listens on 127.0.0.1; its public URL says localhost). */
let apiBase: string;

// What the steps learn and later steps check.
const state = {
  token: '',
  bookId: 0,
  startInventory: 0,
  dailyFee: '',
  rent: '',
  today: '',
};

interface Rest<T> {
  status: number;
  body: T;
}

async function rest<T = any>(method: string, route: string, opts: { token?: string; body?: unknown } = {}): Promise<Rest<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(`${apiBase}${route}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: res.status, body: body as T };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Waits until the outbox has nothing left to send (every notice delivered or given up), so that
 * a persona switch reads a chat that is settled rather than one still receiving notices.
 */
async function outboxDrained(timeoutMs = 15_000): Promise<void> {
  const db = service!.db;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { pending } = await db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('pending'))
      .where('sent_at', 'is', null)
      .where('failed_at', 'is', null)
      .executeTakeFirstOrThrow();
    if (Number(pending) === 0) return;
    if (Date.now() > deadline) throw new Error(`${pending} outbox notices still unsent after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A Bot API call as the bot would make it, on the sandbox's Telegram stand-in. */
async function botCall<T = any>(method: string, params: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${apiBase}/sandbox/telegram/bot${SANDBOX_BOT_TOKEN}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  const body = (await res.json()) as { ok: boolean; result: T; description?: string };
  if (!body.ok) throw new Error(`${method}: ${body.description}`);
  return body.result;
}

async function desktopPage(): Promise<{ context: BrowserContext; page: Page; chat: SandboxChat }> {
  const context = await browser!.newContext({ viewport: DESKTOP, locale: 'en-US' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page, chat: new SandboxChat(page) };
}

/** Why the browser or the service could not start: every test then FAILS with it (never skips). */
let setupError: unknown;

beforeAll(async () => {
  try {
    // The browser first: without Chromium this fails at once, with its message, before anything starts.
    browser = await launchChromium();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-sandbox-'));
    service = await startTestService(
      loadConfig({ DATABASE_PATH: path.join(dir, 'library.db'), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
      { logger: silentLogger() },
    );
    const u = new URL(service.url);
    u.hostname = '127.0.0.1';
    apiBase = u.origin;
  } catch (err) {
    setupError = err;
  }
}, 60_000);

function requireSetup(): void {
  if (setupError) throw setupError;
}

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await service?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe('the offline sandbox in a real browser (issue 7)', () => {
  let context: BrowserContext;
  let page: Page;
  let chat: SandboxChat;

  afterAll(async () => {
    await context?.close().catch(() => undefined);
  });

  it('a reader opens the sandbox, /start, browses, borrows, pays on the checkout page and hears the payment arrive', async () => {
    requireSetup();
    expect(service!.config.sandbox).toEqual({ telegram: true, stripe: true });

    // The demo catalogue was loaded into the empty library on start.
    const found = await rest<{ results: { id: number; title: string; inventory: number; daily_fee: string }[] }>(
      'GET',
      `/api/books?search=${BOOK_TITLE}`,
    );
    expect(found.status).toBe(200);
    const book = found.body.results.find((b) => b.title === BOOK_TITLE);
    expect(book, 'the demo catalogue has Dune').toBeDefined();
    state.bookId = book!.id;
    state.startInventory = book!.inventory;
    state.dailyFee = book!.daily_fee;
    expect(state.startInventory).toBeGreaterThan(0);

    ({ context, page, chat } = await desktopPage());
    await page.goto(`${service!.url}/sandbox/`);
    await chat.ready();
    expect(await page.getByTestId('sandbox-banner').textContent()).toMatch(/Telegram and Stripe are local stand-ins/);
    await outboxDrained();
    await chat.choosePersona(/^Olena \(reader\)/);
    await page.getByTestId('empty-chat').waitFor();

    // /start from the quick-command chip: a greeting with the main menu.
    const startSent = await chat.quick('/start');
    const greeting = await chat.waitForBot(/What would you like to do\?/, { after: startSent });
    expect(await chat.text(greeting)).toContain('Hello, Olena Koval!');
    await screenshot(page, '01-start.png');

    // Link this Telegram identity to a library account made through the REST API (its one-time
    // t.me deep link, typed as /start <code>), so the API can be asked about the reader's loans.
    expect((await rest('POST', '/api/users', { body: READER })).status).toBe(201);
    const tokens = await rest<{ access: string }>('POST', '/api/users/token', {
      body: { email: READER.email, password: READER.password },
    });
    expect(tokens.status).toBe(200);
    state.token = tokens.body.access;
    const link = await rest<{ url: string }>('POST', '/api/users/me/telegram-link', {
      token: state.token,
      body: { current_password: READER.password },
    });
    expect(link.status).toBe(201);
    // The sandbox's bot is not on Telegram: the deep link opens the web chat with /start <code> typed in.
    expect(link.body.url).toMatch(new RegExp(`^${escapeRegExp(service!.url)}/sandbox/\\?start=[A-Za-z0-9_-]+$`));
    const code = new URL(link.body.url).searchParams.get('start');
    await page.goto(link.body.url);
    await chat.ready();
    expect(await chat.input.inputValue()).toBe(`/start ${code}`);
    expect(page.url(), 'the code is not typed in again on a reload').not.toContain('start=');
    await screenshot(page, '01b-deep-link.png');
    const before = await chat.lastMessageId();
    await page.getByTestId('send-button').click();
    // Linking asks first (the account's email masked) and links only on Link.
    const question = await chat.waitForBot(/Link this Telegram to the library account o•••@example\.test\?/, { after: before });
    await chat.press(question, '✅ Link');
    const menu = await chat.waitForBot(/linked to the library account olena@example\.test/, { id: question });
    expect((await rest<{ telegram_linked: boolean }>('GET', '/api/users/me', { token: state.token })).body.telegram_linked).toBe(
      true,
    );

    // The catalogue, then the book: the menu message is edited in place, not sent again.
    await chat.press(menu, '📚 Catalogue');
    await chat.waitForBot(/Catalogue — page 1/, { id: menu });
    await screenshot(page, '02-catalogue.png');
    await chat.press(menu, new RegExp(`^${BOOK_TITLE} · Frank Herbert$`));
    await chat.waitForBot(new RegExp(`${BOOK_TITLE}\\nAuthor: Frank Herbert`), { id: menu });
    const card = await chat.text(menu);
    expect(card).toContain(`Daily fee: ${state.dailyFee} USD`);
    expect(card).toContain(`Available: ${state.startInventory} copies`);
    await screenshot(page, '03-book.png');

    // Borrow → loan length → the quote → Confirm.
    await chat.press(menu, '📥 Borrow');
    await chat.waitForBot(`Borrow “${BOOK_TITLE}”`, { id: menu });
    await chat.press(menu, new RegExp(`^${LOAN_DAYS} days$`));
    await chat.waitForBot(new RegExp(`“${BOOK_TITLE}” for ${LOAN_DAYS} days, until \\d{4}-\\d{2}-\\d{2}`), { id: menu });
    const quote = await chat.text(menu);
    const rent = /Rent: (\d+\.\d{2}) USD/.exec(quote)?.[1];
    expect(rent, `a rent in: ${quote}`).toBe(((Math.round(Number(state.dailyFee) * 100) * LOAN_DAYS) / 100).toFixed(2));
    state.rent = rent!;
    await screenshot(page, '04-confirm.png');
    await chat.press(menu, '✅ Confirm');
    await chat.waitForBot(
      new RegExp(`You borrowed “${BOOK_TITLE}” until \\d{4}-\\d{2}-\\d{2}\\. Rent: ${escapeRegExp(rent!)} USD`),
      { id: menu },
    );

    // Pay is the payment's pay link: it opens the live checkout in a new tab.
    const payLink = chat.button(menu, `💳 Pay ${rent} USD`);
    expect(await payLink.evaluate((el) => el.tagName)).toBe('A');
    expect(await payLink.getAttribute('target')).toBe('_blank');
    expect(await payLink.getAttribute('href')).toMatch(/\/api\/payments\/checkout\/\d+\.[A-Za-z0-9_-]+\/$/);
    await screenshot(page, '05-borrowed.png');
    const onLoan = await rest<{ inventory: number }>('GET', `/api/books/${state.bookId}/`);
    expect(onLoan.status).toBe(200);
    expect(onLoan.body.inventory).toBe(state.startInventory - 1);

    // The checkout page: amount and title, then Pay → the library's success page.
    const [checkout] = await Promise.all([context.waitForEvent('page'), payLink.click()]);
    checkout.setDefaultTimeout(15_000);
    await checkout.getByTestId('amount').waitFor();
    expect(await checkout.getByTestId('amount').textContent()).toBe(`$${rent}`);
    expect(await checkout.getByTestId('item-name').first().textContent()).toContain(BOOK_TITLE);
    expect(await checkout.getByTestId('status').textContent()).toBe('Awaiting payment');
    await checkout.getByTestId('checkout-banner').waitFor();
    await screenshot(checkout, '06-checkout.png');
    await Promise.all([
      checkout.waitForURL(/\/api\/payments\/success\/?\?session_id=cs_/),
      checkout.getByTestId('pay-button').click(),
    ]);
    await checkout.getByRole('heading', { name: 'Payment received — thank you' }).waitFor();
    const paidPage = await checkout.locator('main').textContent();
    expect(paidPage).toContain('Your rent is paid.');
    expect(paidPage).toContain(`$${rent}`);
    await screenshot(checkout, '07-paid.png');
    await checkout.close();

    // Back in the chat, the outbox dispatcher delivers "payment received" without a reload.
    await page.bringToFront();
    const received = await chat.waitForBot(new RegExp(`We received ${escapeRegExp(rent!)} USD for the rent of “${BOOK_TITLE}”`), {
      after: menu,
    });
    await chat.message(received).scrollIntoViewIfNeeded();
    await screenshot(page, '08-payment-received.png');
  }, 90_000);

  it('the reader returns the book from My books, and the REST API sees it back on the shelf', async () => {
    requireSetup();
    expect(state.rent, 'the borrowing step ran').not.toBe('');

    const sent = await chat.quick('/mybooks');
    const myBooks = await chat.waitForBot(
      new RegExp(`My books\\n1\\. ${BOOK_TITLE} — due \\d{4}-\\d{2}-\\d{2} \\(in ${LOAN_DAYS} days\\)`),
      { after: sent },
    );
    expect(await chat.text(myBooks), 'the rent is paid, so nothing is left to pay').not.toContain('To pay');
    await screenshot(page, '09-my-books.png');

    await chat.press(myBooks, `↩ Return “${BOOK_TITLE}”`);
    await chat.waitForBot(new RegExp(`Return “${BOOK_TITLE}” \\(due \\d{4}-\\d{2}-\\d{2}\\)\\?`), { id: myBooks });
    await chat.press(myBooks, '✅ Yes, return it');
    await chat.waitForBot(`Returned “${BOOK_TITLE}”. Thank you!`, { id: myBooks });
    expect(await chat.text(myBooks)).toContain('You have no books on loan.');
    await screenshot(page, '10-returned.png');

    // The reader heard about the payment once, though both the webhook and the success page confirmed it.
    const receipts = await page
      .getByTestId('message-text')
      .filter({ hasText: new RegExp(`We received ${escapeRegExp(state.rent)} USD`) })
      .count();
    expect(receipts).toBe(1);

    // The REST API sees the same state: the copy is back, the borrowing returned and its rent paid.
    const shelf = await rest<{ inventory: number }>('GET', `/api/books/${state.bookId}/`);
    expect(shelf.body.inventory).toBe(state.startInventory);
    const mine = await rest<{ results: any[] }>('GET', '/api/borrowings', { token: state.token });
    expect(mine.status).toBe(200);
    expect(mine.body.results).toHaveLength(1);
    const borrowing = mine.body.results[0];
    expect(borrowing.book.id).toBe(state.bookId);
    expect(borrowing.is_active).toBe(false);
    expect(borrowing.actual_return_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(borrowing.payments).toEqual([expect.objectContaining({ type: 'PAYMENT', status: 'PAID', money_to_pay: state.rent })]);
    state.today = borrowing.actual_return_date;
    const holding = await rest<{ results: unknown[] }>('GET', '/api/users/me/books', { token: state.token });
    expect(holding.body.results).toEqual([]);
  }, 60_000);

  it('the librarian sees the staff notifications and runs /admin overdue and /admin stats in the staff chat', async () => {
    requireSetup();
    expect(state.today, 'the return step ran').not.toBe('');

    // Staff notifications arrived while the reader's chat was open: the tab counts them.
    await page
      .getByTestId('persona-picker')
      .getByRole('tab', { name: /^Iryna \(librarian, staff chat\) \(\d+ new\)$/ })
      .waitFor();
    await outboxDrained();
    await chat.choosePersona(/^Iryna \(librarian, staff chat\)/);
    const created = await chat.waitForBot(new RegExp(`New borrowing #\\d+\\nReader: .*\\nBook: ${BOOK_TITLE}`));
    await chat.waitForBot(new RegExp(`Payment received: ${escapeRegExp(state.rent)} USD \\(rent\\)`));
    await chat.waitForBot(/Book returned #\d+/);

    // The staff console: the "New borrowing" notice opens the loan's card under it; Refund asks
    // first, showing the amount; the reader is told.
    await chat.message(created).scrollIntoViewIfNeeded();
    await chat.press(created, '📄 Open the card');
    const card = await chat.waitForBot(/^📄 Borrowing #\d+\nBook: Dune/, { after: created });
    expect(await chat.text(card)).toMatch(new RegExp(`rent ${escapeRegExp(state.rent)} USD — paid \\d{4}-\\d{2}-\\d{2}`));
    await screenshot(page, '11a-staff-loan-card.png');
    await chat.press(card, new RegExp(`^💸 Refund #\\d+ · ${escapeRegExp(state.rent)} USD$`));
    await chat.waitForBot(
      new RegExp(`^Refund payment #\\d+ — the rent of ${escapeRegExp(state.rent)} USD for “Dune” — to Olena Koval`),
      { id: card },
    );
    await screenshot(page, '11b-staff-refund-confirm.png');
    await chat.press(card, `✅ Refund ${state.rent} USD`);
    await chat.waitForBot(new RegExp(`refunded: ${escapeRegExp(state.rent)} USD`), { id: card });
    expect(await chat.text(card)).toMatch(new RegExp(`rent ${escapeRegExp(state.rent)} USD — refunded`));
    await screenshot(page, '11c-staff-refunded.png');
    await outboxDrained();
    await chat.choosePersona(/^Olena \(reader\)/);
    const refundNotice = await chat.waitForBot(`💸 Your rent of ${state.rent} USD for “Dune” was refunded.`);
    await chat.message(refundNotice).scrollIntoViewIfNeeded();
    await screenshot(page, '11d-reader-refund-notice.png');
    await chat.choosePersona(/^Iryna \(librarian, staff chat\)/);

    // The quick-command chips are the staff chat's own command menu.
    const overdueSent = await chat.quick('/admin_overdue');
    const overdue = await chat.waitForBot(/No borrowings overdue today\.|Overdue on \d{4}-\d{2}-\d{2}/, { after: overdueSent });
    // The only borrowing came back on time: nothing is overdue.
    expect(await chat.text(overdue)).toBe('No borrowings overdue today.');
    await screenshot(page, '11-staff-overdue.png');

    const statsSent = await chat.send('/admin stats');
    const stats = await chat.waitForBot(new RegExp(`Today, ${state.today}`), { after: statsSent });
    const text = await chat.text(stats);
    expect(text).toContain('New borrowings: 1');
    expect(text).toContain('Returns: 1');
    expect(text).toContain('Active: 0');
    expect(text).toContain('Overdue: 0');
    // Paid counts what stays paid: the one payment was refunded since.
    expect(text).toContain('Paid: 0 payments, 0.00 USD');
    expect(text).toContain(`Refunded: 1 payment, ${state.rent} USD`);
    await screenshot(page, '12-staff-stats.png');
  }, 60_000);

  it('on a phone-sized window the same chats are readable and fit the screen', async () => {
    requireSetup();
    expect(state.today, 'the earlier steps ran').not.toBe('');
    const phone = await browser!.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: 'en-US' });
    try {
      const small = await phone.newPage();
      small.setDefaultTimeout(15_000);
      const mobile = new SandboxChat(small);
      await small.goto(`${service!.url}/sandbox/#reader`);
      await mobile.ready();
      // The transcript is read from the server: the whole story is there in a fresh browser.
      await mobile.waitForBot(`Returned “${BOOK_TITLE}”. Thank you!`);
      await mobile.waitForBot(`We received ${state.rent} USD`);
      const widths = await small.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));
      expect(widths.page, 'no sideways scrolling').toBeLessThanOrEqual(widths.window);
      await expectInView(small, small.getByTestId('message-input'));
      await screenshot(small, '13-phone-reader.png');

      await outboxDrained();
      await mobile.choosePersona(/^Iryna \(librarian, staff chat\)/);
      await mobile.waitForBot(new RegExp(`Today, ${state.today}`));
      await screenshot(small, '14-phone-staff.png');
    } finally {
      await phone.close();
    }
  }, 60_000);
});

describe('renewing a checkout link in the sandbox (issue 13, item 11)', () => {
  it('"Let this link expire" on the checkout page; the chat is told, and the same Pay button opens a new checkout', async () => {
    requireSetup();
    const { context, page, chat } = await desktopPage();
    try {
      await page.goto(`${service!.url}/sandbox/#reader`);
      await chat.ready();
      const sent = await chat.send('hobbit');
      const screen = await chat.waitForBot(/Results for “hobbit”/, { after: sent });
      await chat.press(screen, /^The Hobbit · /);
      await chat.waitForBot(/The Hobbit\nAuthor/, { id: screen });
      await chat.press(screen, '📥 Borrow');
      await chat.waitForBot('Borrow “The Hobbit”', { id: screen });
      await chat.press(screen, /^3 days$/);
      await chat.waitForBot(/for 3 days/, { id: screen });
      await chat.press(screen, '✅ Confirm');
      await chat.waitForBot(/You borrowed “The Hobbit”/, { id: screen });

      const [checkout] = await Promise.all([context.waitForEvent('page'), chat.button(screen, /^💳 Pay /).click()]);
      checkout.setDefaultTimeout(15_000);
      await checkout.getByTestId('expire-button').waitFor();
      const first = await checkout.getByTestId('session-id').textContent();
      await screenshot(checkout, '16-checkout-expire-control.png');
      await checkout.getByTestId('expire-button').click();
      await checkout.getByTestId('expired').waitFor();
      expect(await checkout.getByTestId('status').textContent()).toBe('Expired');
      await screenshot(checkout, '17-checkout-expired.png');
      await checkout.close();

      await page.bringToFront();
      const expired = await chat.waitForBot(/The payment link for your rent of \d+\.\d{2} USD for “The Hobbit” expired unpaid/);
      await chat.message(expired).scrollIntoViewIfNeeded();
      await screenshot(page, '18-link-expired-notice.png');
      const [renewed] = await Promise.all([context.waitForEvent('page'), chat.button(expired, /^💳 Pay /).click()]);
      renewed.setDefaultTimeout(15_000);
      await renewed.getByTestId('status').waitFor();
      expect(await renewed.getByTestId('status').textContent()).toBe('Awaiting payment');
      expect(await renewed.getByTestId('session-id').textContent()).not.toBe(first);
      await Promise.all([
        renewed.waitForURL(/\/api\/payments\/success\/?\?session_id=cs_/),
        renewed.getByTestId('pay-button').click(),
      ]);
      await renewed.getByRole('heading', { name: 'Payment received — thank you' }).waitFor();
      await renewed.close();
      await page.bringToFront();
      await chat.waitForBot(/We received \d+\.\d{2} USD for the rent of “The Hobbit”/);
    } finally {
      await context.close();
    }
  }, 90_000);
});

describe('the web chat orders what it reads against what the live stream shows (issue 11 item 23)', () => {
  it('a message and an edit that arrive while the chat is being read survive the older transcript', async () => {
    requireSetup();
    const taras = sandboxPersonas(service!.config.telegram.staffChatId!).find((p) => p.id === 'reader2')!;
    const { context, page, chat } = await desktopPage();
    try {
      const first = (
        await botCall<{ message_id: number }>('sendMessage', { chat_id: taras.chat.id, text: 'Written before the chat is read' })
      ).message_id;
      await page.goto(`${service!.url}/sandbox/#${taras.id}`);
      await chat.ready();
      await chat.waitForBot('Written before the chat is read', { id: first });

      // The next read of this chat is taken from the server at once but reaches the page only
      // when the test lets it: as if the transcript's answer were slow.
      let snapshotSeq = -1;
      let taken!: () => void;
      const snapshotTaken = new Promise<void>((resolve) => (taken = resolve));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      await page.route(
        `**/sandbox/api/chats/${taras.id}/messages`,
        async (route) => {
          const response = await route.fetch();
          snapshotSeq = ((await response.json()) as { seq: number }).seq;
          taken();
          await released;
          await route.fulfill({ response });
        },
        { times: 1 },
      );
      await outboxDrained();
      await chat.choosePersona(/^Olena \(reader\)/);
      await chat.choosePersona(/^Taras \(second reader\)/);
      await snapshotTaken;

      // Meanwhile the bot writes again and edits its first message; the stream shows both.
      const second = (
        await botCall<{ message_id: number }>('sendMessage', {
          chat_id: taras.chat.id,
          text: 'Arrived while the chat was being read',
        })
      ).message_id;
      await botCall('editMessageText', {
        chat_id: taras.chat.id,
        message_id: first,
        text: 'Edited while the chat was being read',
      });
      await chat.waitForBot('Arrived while the chat was being read', { id: second });
      await chat.waitForBot('Edited while the chat was being read', { id: first });

      // Now the transcript read before them arrives, and the page applies it.
      release();
      await page.locator(`[data-testid="message-list"][data-seq="${snapshotSeq}"]`).waitFor({ state: 'attached' });
      expect(await chat.message(second).count(), 'the newer message is still shown').toBe(1);
      expect(await chat.text(second)).toBe('Arrived while the chat was being read');
      expect(await chat.text(first), 'the edit is not undone').toBe('Edited while the chat was being read');
      await screenshot(page, '15-transcript-after-live-events.png');
    } finally {
      await context.close();
    }
  }, 60_000);
});

describe('holds in the sandbox (issue 14): a second reader queues for a book that is out', () => {
  const HELD = 'Moby-Dick';

  it('Taras joins the queue for the book Olena has; she returns it; he is told it is ready and borrows it', async () => {
    requireSetup();
    const found = await rest<{ results: { id: number; title: string; inventory: number; available: number; holds: number }[] }>(
      'GET',
      `/api/books?search=moby`,
    );
    const book = found.body.results.find((b) => b.title === HELD)!;
    expect(book, 'the demo catalogue has Moby-Dick with one copy').toMatchObject({ inventory: 1, available: 1, holds: 0 });
    const { context, page, chat } = await desktopPage();
    try {
      // Olena borrows the only copy.
      await page.goto(`${service!.url}/sandbox/#reader`);
      await chat.ready();
      let sent = await chat.send('moby');
      const olenaScreen = await chat.waitForBot(/Results for “moby”/, { after: sent });
      await chat.press(olenaScreen, `${HELD} · Herman Melville`);
      await chat.waitForBot(/Available: 1 copy/, { id: olenaScreen });
      await chat.press(olenaScreen, '📥 Borrow');
      await chat.press(olenaScreen, /^3 days$/);
      await chat.waitForBot(/for 3 days/, { id: olenaScreen });
      await chat.press(olenaScreen, '✅ Confirm');
      await chat.waitForBot(`You borrowed “${HELD}”`, { id: olenaScreen });

      // Taras (Ukrainian) finds it out: the card offers the queue, and he joins it.
      await outboxDrained();
      await chat.choosePersona(/^Taras \(second reader\)/);
      sent = await chat.send('moby');
      const tarasScreen = await chat.waitForBot(/Результати для «moby»/, { after: sent });
      await chat.press(tarasScreen, `⛔ ${HELD} · Herman Melville`);
      await chat.waitForBot(/Доступно: примірників немає/, { id: tarasScreen });
      expect(await chat.text(tarasScreen)).toContain('Вільних примірників зараз немає. Станьте в чергу');
      await screenshot(page, '20-taras-book-out.png');
      await chat.press(tarasScreen, '⏳ Стати в чергу (ви будете №1)');
      await chat.waitForBot(`Ви стали в чергу на «${HELD}»: ви №1.`, { id: tarasScreen });
      expect(await chat.text(tarasScreen)).toContain('⏳ Ви №1 у черзі.');
      await screenshot(page, '21-taras-joined.png');
      sent = await chat.quick('/myholds');
      const holds = await chat.waitForBot(/Мої черги/, { after: sent });
      expect(await chat.text(holds)).toContain(`1. ${HELD} — №1 у черзі`);
      await screenshot(page, '22-taras-my-holds.png');
      const queued = await rest<{ available: number; holds: number }>('GET', `/api/books/${book.id}/`);
      expect(queued.body).toMatchObject({ available: 0, holds: 1 });

      // The librarian sees the queue.
      await outboxDrained();
      await chat.choosePersona(/^Iryna \(librarian, staff chat\)/);
      sent = await chat.send('/admin holds moby');
      const queue = await chat.waitForBot(new RegExp(`Queue for “${HELD}”`), { after: sent });
      expect(await chat.text(queue)).toMatch(
        /Queue: 0 set aside · 1 waiting\n1\. Taras Melnyk \(@taras_m, #\d+\) — waiting since \d{4}-\d{2}-\d{2}/,
      );
      await chat.message(queue).scrollIntoViewIfNeeded();
      await screenshot(page, '23-staff-queue.png');

      // Olena returns it: the copy is set aside for Taras in the same transaction.
      await chat.choosePersona(/^Olena \(reader\)/);
      sent = await chat.quick('/mybooks');
      const myBooks = await chat.waitForBot(/My books/, { after: sent });
      await chat.press(myBooks, `↩ Return “${HELD}”`);
      await chat.press(myBooks, '✅ Yes, return it');
      await chat.waitForBot(`Returned “${HELD}”. Thank you!`, { id: myBooks });
      const setAside = await rest<{ inventory: number; available: number; holds: number }>('GET', `/api/books/${book.id}/`);
      expect(setAside.body, 'back on the shelf, but set aside for Taras').toMatchObject({ inventory: 1, available: 0, holds: 0 });

      // Taras is told, and borrows it from the notice: every step of the borrow conversation.
      await outboxDrained();
      await chat.choosePersona(/^Taras \(second reader\)/);
      const ready = await chat.waitForBot(new RegExp(`«${HELD}» \\(Herman Melville\\) чекає на вас!`));
      expect(await chat.text(ready)).toMatch(/Примірник відкладено для вас до \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(UTC\)/);
      await chat.message(ready).scrollIntoViewIfNeeded();
      await screenshot(page, '24-taras-hold-ready.png');
      await chat.press(ready, '📖 Позичити');
      await chat.waitForBot(`Позичити «${HELD}»`, { id: ready });
      await chat.press(ready, /^3 дні$/);
      await chat.waitForBot(/на 3 дні, до \d{4}-\d{2}-\d{2}/, { id: ready });
      await chat.press(ready, '✅ Підтвердити');
      await chat.waitForBot(`Ви позичили «${HELD}»`, { id: ready });
      expect(await chat.button(ready, /^💳 Оплатити \d+\.\d{2} USD$/).getAttribute('href')).toMatch(
        /\/api\/payments\/checkout\//,
      );
      await chat.message(ready).scrollIntoViewIfNeeded();
      await screenshot(page, '25-taras-borrowed.png');
      const lent = await rest<{ inventory: number; available: number; holds: number }>('GET', `/api/books/${book.id}/`);
      expect(lent.body).toMatchObject({ inventory: 0, available: 0, holds: 0 });
    } finally {
      await context.close();
    }

    // The same chat on a phone: readable, nothing sideways.
    const phone = await browser!.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: 'uk-UA' });
    try {
      const small = await phone.newPage();
      small.setDefaultTimeout(15_000);
      const mobile = new SandboxChat(small);
      await small.goto(`${service!.url}/sandbox/#reader2`);
      await mobile.ready();
      const borrowed = await mobile.waitForBot(`Ви позичили «${HELD}»`);
      await mobile.message(borrowed).scrollIntoViewIfNeeded();
      const widths = await small.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));
      expect(widths.page, 'no sideways scrolling').toBeLessThanOrEqual(widths.window);
      await screenshot(small, '26-phone-taras-borrowed.png');
      const sent = await mobile.quick('/myholds');
      await mobile.waitForBot(/Ви не стоїте в жодній черзі/, { after: sent });
      await screenshot(small, '27-phone-taras-no-holds.png');
    } finally {
      await phone.close();
    }
  }, 120_000);
});

/** The element is on screen (not pushed off by the layout). */
async function expectInView(page: Page, locator: ReturnType<Page['locator']>): Promise<void> {
  await locator.waitFor({ state: 'visible' });
  const box = await locator.boundingBox();
  const viewport = page.viewportSize()!;
  expect(box, 'the element has a box').not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width + 0.5);
  expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height + 0.5);
}

describe('the browser the test needs', () => {
  it('CHROMIUM_PATH pointing at nothing fails with a message saying so, never falling back quietly', async () => {
    const saved = process.env.CHROMIUM_PATH;
    process.env.CHROMIUM_PATH = path.join(os.tmpdir(), 'no-such-chromium', 'chromium');
    try {
      await expect(launchChromium()).rejects.toThrow(/CHROMIUM_PATH is .*no-such-chromium.*not an executable file/s);
    } finally {
      if (saved === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = saved;
    }
  });
});
