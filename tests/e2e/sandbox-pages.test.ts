// The sandbox's pages in a real browser (Chromium through playwright-core, as e2e-sandbox.test.ts),
// measured at a desktop width (1280 px) and a phone's (390 px): persona names are whole, the
// phone's persona row shows that it scrolls, the staff chat's command chips are all on screen,
// the checkout page's expiry date stays on one line. A Ukrainian reader pays on a Ukrainian
// checkout page, lands on a Ukrainian success page and follows its link back to the web chat.
// Right after paying, a success page that Stripe has not answered yet refreshes itself into
// "payment received". Screenshots go to tests/artifacts/ (git-ignored).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { SESSION_CHECK_INTERVAL_MS } from '../../core/payments/checkout.js';
import { silentLogger } from '../../logger.js';
import type { RunningService } from '../../service.js';
import { type ApiWorld, createApiWorld } from '../helpers/api.js';
import { launchChromium, SandboxChat, screenshot } from '../helpers/browser.js';
import { startTestService } from '../helpers/service.js';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const WIDTHS = [
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const;

let dir: string;
let service: RunningService | undefined;
let browser: Browser | undefined;
/** Why the browser or the service could not start: every test then FAILS with it (never skips). */
let setupError: unknown;

beforeAll(async () => {
  try {
    browser = await launchChromium();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-sandbox-pages-'));
    service = await startTestService(
      loadConfig({ DATABASE_PATH: path.join(dir, 'library.db'), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
      { logger: silentLogger() },
    );
  } catch (err) {
    setupError = err;
  }
}, 60_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await service?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 30_000);

function requireSetup(): void {
  if (setupError) throw setupError;
}

async function newPage(viewport: { width: number; height: number }, locale = 'en-US'): Promise<Page> {
  const context = await browser!.newContext({
    viewport,
    locale,
    ...(viewport.width < 500 ? { isMobile: true, hasTouch: true } : {}),
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

async function rest(
  method: string,
  route: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(`${service!.localUrl}${route}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

let readers = 0;
/** A REST reader in this language borrows a book; answers the checkout session's URL. */
async function borrowAs(language: 'en' | 'uk'): Promise<string> {
  readers++;
  const email = `pages${readers}@example.test`;
  expect(
    (
      await rest('POST', '/api/users/', {
        body: { email, password: 'correct horse battery', first_name: 'Page', last_name: 'Reader' },
      })
    ).status,
  ).toBe(201);
  const token = (await rest('POST', '/api/users/token/', { body: { email, password: 'correct horse battery' } })).body
    .access as string;
  expect((await rest('PATCH', '/api/users/me/', { token, body: { language } })).status).toBe(200);
  const books = (await rest('GET', '/api/books/?limit=100')).body.results as { id: number; available: number }[];
  const book = books.find((b) => b.available > 0)!;
  const due = new Date(Date.parse(`${service!.core.borrowings.today()}T00:00:00Z`) + 3 * 86_400_000).toISOString().slice(0, 10);
  const r = await rest('POST', '/api/borrowings/', { token, body: { book_id: book.id, expected_return_date: due } });
  expect(r.status).toBe(201);
  return r.body.session_url as string;
}

/** Nothing on the page scrolls sideways. */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const w = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));
  expect(w.page, 'no sideways scrolling').toBeLessThanOrEqual(w.window);
}

describe('the web chat at 1280 px and 390 px', () => {
  for (const [name, viewport] of WIDTHS) {
    it(`${name}: persona names are whole, and every command chip of the staff chat is on screen`, async () => {
      requireSetup();
      const page = await newPage(viewport);
      try {
        const chat = new SandboxChat(page);
        await page.goto(`${service!.url}/sandbox/#librarian`);
        await chat.ready();
        // The staff chat's command menu: /admin and each /admin_<command>.
        await page.waitForFunction(() => document.querySelectorAll('[data-testid="quick-command"]').length >= 10);
        await expectNoSidewaysScroll(page);

        const names = await page.$$eval('[data-testid="persona-tab"] .p-name', (els) =>
          els.map((e) => ({ text: e.textContent, scroll: e.scrollWidth, client: e.clientWidth })),
        );
        expect(names.map((n) => n.text)).toEqual([
          'Olena (reader)',
          'Taras (second reader)',
          'Dmitry (third reader)',
          'Iryna (librarian, staff chat)',
          'Iryna (librarian, private chat)',
        ]);
        for (const n of names) expect(n.scroll, `"${n.text}" is not cut off`).toBeLessThanOrEqual(n.client);
        if (name === 'desktop') {
          for (const tab of await page.getByTestId('persona-tab').all()) {
            const box = (await tab.boundingBox())!;
            expect(box.x + box.width, 'a persona tab fits the sidebar').toBeLessThanOrEqual(300);
          }
        }

        const chips = await page.$$eval('[data-testid="quick-command"]', (els) => {
          const row = els[0]!.parentElement!;
          const r = row.getBoundingClientRect();
          return {
            row: { left: r.left, right: r.right, top: r.top, bottom: r.bottom, scroll: row.scrollWidth, client: row.clientWidth },
            chips: els.map((e) => {
              const b = e.getBoundingClientRect();
              return { text: e.textContent, left: b.left, right: b.right, top: b.top, bottom: b.bottom };
            }),
            window: window.innerWidth,
          };
        });
        expect(chips.row.scroll, 'the chips row does not scroll sideways').toBeLessThanOrEqual(chips.row.client);
        for (const c of chips.chips) {
          expect(c.left, `${c.text} starts on screen`).toBeGreaterThanOrEqual(chips.row.left - 0.5);
          expect(c.right, `${c.text} is not cut at the right edge`).toBeLessThanOrEqual(
            Math.min(chips.row.right, chips.window) + 0.5,
          );
          expect(c.bottom, `${c.text} is not cut below`).toBeLessThanOrEqual(chips.row.bottom + 0.5);
        }
        await screenshot(page, `30-${name}-staff-chips.png`);
      } finally {
        await page.context().close();
      }
    }, 60_000);
  }

  it('phone: the persona row shows that it scrolls, until its end', async () => {
    requireSetup();
    const page = await newPage(PHONE);
    try {
      const chat = new SandboxChat(page);
      await page.goto(`${service!.url}/sandbox/#reader`);
      await chat.ready();
      const row = page.getByTestId('persona-picker');
      const hint = page.getByTestId('persona-scroll-hint');
      const overflow = await row.evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth, left: e.scrollLeft }));
      expect(overflow.scroll, 'five personas do not fit a phone').toBeGreaterThan(overflow.client);
      await hint.waitFor({ state: 'visible' });
      const box = (await hint.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width + 0.5);
      expect(box.x).toBeGreaterThanOrEqual(PHONE.width - 80);
      await screenshot(page, '31-phone-personas-hint.png');

      // The hint scrolls the row on; at its end there is nothing more to hint at.
      await hint.click();
      await page.waitForFunction((start) => document.getElementById('personas')!.scrollLeft > start, overflow.left);
      await row.evaluate((e) => e.scrollTo({ left: e.scrollWidth }));
      await hint.waitFor({ state: 'hidden' });
      await screenshot(page, '32-phone-personas-end.png');
      await row.evaluate((e) => e.scrollTo({ left: 0 }));
      await hint.waitFor({ state: 'visible' });
      await expectNoSidewaysScroll(page);
    } finally {
      await page.context().close();
    }
  }, 60_000);
});

/** How many lines the checkout page's expiry date ("YYYY-MM-DD HH:MM UTC") takes, and where. */
async function expiryDate(page: Page): Promise<{ text: string; lines: number; left: number; right: number }> {
  return page.evaluate(() => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const m = /\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/.exec(node.textContent ?? '');
      if (!m) continue;
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0);
      const tops = new Set(rects.map((r) => Math.round(r.top)));
      return {
        text: m[0],
        lines: tops.size,
        left: Math.min(...rects.map((r) => r.left)),
        right: Math.max(...rects.map((r) => r.right)),
      };
    }
    throw new Error('no expiry date on the page');
  });
}

describe('a Ukrainian reader pays in the sandbox', () => {
  it('the checkout page is Ukrainian, its expiry date on one line at both widths; the success page too, and it leads back to the chat', async () => {
    requireSetup();
    const url = await borrowAs('uk');
    for (const [name, viewport] of WIDTHS) {
      const page = await newPage(viewport, 'uk-UA');
      try {
        await page.goto(url);
        await page.getByTestId('amount').waitFor();
        expect(await page.locator('html').getAttribute('lang')).toBe('uk');
        expect(await page.getByTestId('status').textContent()).toBe('Очікує оплати');
        expect(await page.getByTestId('pay-button').textContent()).toMatch(/^Оплатити \$\d+\.\d{2}$/);
        await page.getByTestId('session-id').scrollIntoViewIfNeeded();
        const date = await expiryDate(page);
        expect(date.lines, `"${date.text}" on one line (${name})`).toBe(1);
        expect(date.left).toBeGreaterThanOrEqual(0);
        expect(date.right).toBeLessThanOrEqual(viewport.width);
        await expectNoSidewaysScroll(page);
        await screenshot(page, `33-${name}-checkout-uk.png`);
        if (name === 'desktop') continue;

        await Promise.all([
          page.waitForURL(/\/api\/payments\/success\/?\?session_id=cs_/),
          page.getByTestId('pay-button').click(),
        ]);
        await page.getByRole('heading', { name: 'Оплату отримано — дякуємо' }).waitFor();
        expect(await page.locator('main').textContent()).toContain('Оренду сплачено. Приємного читання!');
        await expectNoSidewaysScroll(page);
        await screenshot(page, '34-phone-success-uk.png');
        await Promise.all([page.waitForURL(/\/sandbox\/(#.*)?$/), page.getByTestId('back-to-chat').click()]);
        await new SandboxChat(page).ready();
        await screenshot(page, '35-phone-back-in-chat.png');
      } finally {
        await page.context().close();
      }
    }
  }, 90_000);

  it('an English reader gets the English checkout page, its date on one line at any width from a small phone up', async () => {
    requireSetup();
    const page = await newPage(PHONE);
    try {
      await page.goto(await borrowAs('en'));
      await page.getByTestId('amount').waitFor();
      expect(await page.getByTestId('status').textContent()).toBe('Awaiting payment');
      await page.getByTestId('session-id').scrollIntoViewIfNeeded();
      await screenshot(page, '36-phone-checkout-en.png');
      // Where the line breaks depends on the width and the session id before the date: try them all.
      const wrapped: number[] = [];
      for (let width = 320; width <= 1280; width += 3) {
        await page.setViewportSize({ width, height: PHONE.height });
        const date = await expiryDate(page);
        if (date.lines !== 1 || date.right > width) wrapped.push(width);
      }
      expect(wrapped, 'widths at which the date broke or overflowed').toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 60_000);
});

describe('the success page right after paying, in a browser', () => {
  let world: ApiWorld;
  beforeAll(async () => {
    // An API whose Stripe stand-in sends no webhook: only the success page's own check confirms.
    world = await createApiWorld({ listen: true });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('Stripe was asked moments before the payer paid: the page says it is confirming and refreshes itself into "payment received"', async () => {
    requireSetup();
    const u = await world.user();
    const book = await world.book({ daily_fee: '1.50' });
    const r = await world.req('POST', '/api/borrowings/', {
      token: u.access,
      body: { book_id: book.id, expected_return_date: world.day(3) },
    });
    const sessionId = r.body.payments[0].session_id as string;
    const page = await newPage(PHONE);
    try {
      const success = `${world.url}/api/payments/success/?session_id=${sessionId}`;
      // Opened before paying: Stripe says not paid.
      await page.goto(success);
      await page.getByRole('heading', { name: 'Not paid yet' }).waitFor();
      await world.stripe.api.pay(sessionId);
      world.clock.advance(SESSION_CHECK_INTERVAL_MS - 1000);
      await page.goto(success);
      await page.getByRole('heading', { name: 'Confirming your payment…' }).waitFor();
      await screenshot(page, '37-phone-confirming.png');
      // Once Stripe may be asked again, the page's own refresh brings Stripe's answer.
      world.clock.advance(1000);
      await page.getByRole('heading', { name: 'Payment received — thank you' }).waitFor({ timeout: 10_000 });
      expect(await page.locator('main').textContent()).toContain('$4.50');
      await screenshot(page, '38-phone-paid-after-refresh.png');
    } finally {
      await page.context().close();
    }
  }, 60_000);
});

// Last: it restarts the service the tests above share.
describe('the web chat after the service restarts', () => {
  it('shows the same chat, buttons and all, and the chat goes on', async () => {
    requireSetup();
    const file = service!.config.databasePath;
    let page = await newPage(DESKTOP);
    try {
      const chat = new SandboxChat(page);
      await page.goto(`${service!.url}/sandbox/#reader2`);
      await chat.ready();
      const sent = await chat.quick('/start');
      const menu = await chat.waitForBot(/Що бажаєте зробити\?/, { after: sent });
      await chat.press(menu, '📚 Каталог');
      await chat.waitForBot(/Каталог — сторінка 1/, { id: menu });
    } finally {
      await page.context().close();
    }

    await service!.stop();
    service = await startTestService(loadConfig({ DATABASE_PATH: file, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }), {
      logger: silentLogger(),
    });
    page = await newPage(DESKTOP);
    try {
      const chat = new SandboxChat(page);
      await page.goto(`${service.url}/sandbox/#reader2`);
      await chat.ready();
      const menu = await chat.waitForBot(/Каталог — сторінка 1/);
      expect(await chat.message(menu).textContent()).toContain('edited');
      await screenshot(page, '39-desktop-after-restart.png');
      // The kept message's buttons still work, and new messages follow it.
      await chat.press(menu, '« Головне меню');
      await chat.waitForBot(/Що бажаєте зробити\?/, { id: menu });
      const next = await chat.quick('/help');
      expect(next).toBeGreaterThan(menu);
    } finally {
      await page.context().close();
    }
  }, 90_000);
});
