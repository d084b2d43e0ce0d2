// A real browser for the end-to-end tests: the Chromium a person has (see chromium.ts for where
// it is looked for) or the one @sparticuz/chromium ships in its npm package, driven by
// playwright-core (never a downloaded browser), plus a small driver for the sandbox web chat that
// works the way a person does — quick-command chips, the message box, inline-keyboard buttons —
// and waits on what the page shows (web-first), never on fixed sleeps.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { bundledChromium, bundledChromiumFits, findInstalledChromium } from './chromium.js';

// Chromium's own background connections (component updates, sync, QUIC) are refused on
// locked-down machines such as CI containers; these flags keep it from trying, whichever binary
// is launched.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches Chromium; no browser at all is a failure with a clear message, not a skip. */
export async function launchChromium(): Promise<Browser> {
  const installed = findInstalledChromium();
  if (installed) return chromium.launch({ executablePath: installed.executablePath, args: CHROMIUM_ARGS, timeout: 30_000 });
  if (!bundledChromiumFits()) {
    throw new Error(
      `No Chromium was found on this ${process.platform}/${process.arch} machine, and the one in @sparticuz/chromium is for Linux x64 only. ` +
        'Install Chromium or Google Chrome, or point CHROMIUM_PATH at a Chromium binary. No browser is ever downloaded.',
    );
  }
  const bundled = await bundledChromium();
  // Its own flags plus ours, less two: --single-process (meant for Lambda) crashes the browser
  // when a test opens a second context, and its "--headless='shell'" gives way to our --headless.
  const args = [
    ...new Set([...bundled.args.filter((a) => a !== '--single-process' && !a.startsWith('--headless')), ...CHROMIUM_ARGS]),
  ];
  return chromium.launch({ executablePath: bundled.executablePath, args, timeout: 30_000 });
}

/** tests/artifacts/ (git-ignored): screenshots a reviewer can look at. */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../artifacts/', import.meta.url));

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, name);
  // Animations (message fade-in, spinners) are stopped so a shot never catches one half-way.
  await page.screenshot({ path: file, animations: 'disabled' });
  return file;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const toRegExp = (p: string | RegExp) => (typeof p === 'string' ? new RegExp(escapeRegExp(p)) : p);

export interface WaitOptions {
  /** Only messages with a larger message_id (newer than this one). */
  after?: number;
  /** Only this message (an edit in place). */
  id?: number;
  timeout?: number;
}

/** The sandbox web chat (sandbox/assets/web-chat.html), through its data-testid hooks. */
export class SandboxChat {
  constructor(readonly page: Page) {}

  get input(): Locator {
    return this.page.getByTestId('message-input');
  }

  /** One message, by its Telegram message_id. */
  message(id: number): Locator {
    return this.page.locator(`[data-testid="message"][data-message-id="${id}"]`);
  }

  /** The text of a message (without its buttons and time). */
  async text(id: number): Promise<string> {
    return (await this.message(id).getByTestId('message-text').textContent()) ?? '';
  }

  /** An inline-keyboard button of a message: a <button> for callbacks, an <a> for URL buttons. */
  button(id: number, label: string | RegExp): Locator {
    return this.message(id).getByTestId('keyboard-button').filter({ hasText: label });
  }

  async press(id: number, label: string | RegExp): Promise<void> {
    await this.button(id, label).click();
  }

  /** The newest message id on the page (0 when the chat is empty). */
  async lastMessageId(): Promise<number> {
    return this.page.evaluate(() =>
      Math.max(
        0,
        ...Array.from(document.querySelectorAll<HTMLElement>('[data-testid="message"]')).map((n) => Number(n.dataset.messageId)),
      ),
    );
  }

  /** Waits until the page is live: the sandbox banner is shown and the event stream is connected. */
  async ready(): Promise<void> {
    await this.page.getByTestId('sandbox-banner').waitFor({ state: 'visible' });
    await this.page.locator('[data-testid="connection-status"][data-state="live"]').waitFor({ state: 'attached' });
  }

  /** Selects a persona by its tab's accessible name (a " (N new)" suffix may follow the label). */
  async choosePersona(name: RegExp): Promise<void> {
    const picker = this.page.getByTestId('persona-picker');
    await picker.getByRole('tab', { name }).click();
    await picker.getByRole('tab', { name, selected: true }).waitFor({ state: 'visible' });
  }

  /** Types a message in the box and presses Send; returns the id of the message as shown. */
  async send(text: string): Promise<number> {
    const before = await this.lastMessageId();
    await this.input.fill(text);
    await this.page.getByTestId('send-button').click();
    return this.waitForUserMessage(text, before);
  }

  /** Presses a quick-command chip (e.g. "/start"); returns the id of the sent message. */
  async quick(command: string): Promise<number> {
    const before = await this.lastMessageId();
    await this.page.locator(`[data-testid="quick-command"][data-command="${command}"]`).click();
    return this.waitForUserMessage(command, before);
  }

  private async waitForUserMessage(text: string, after: number): Promise<number> {
    return this.waitFor('user', new RegExp(`^${escapeRegExp(text)}$`), { after });
  }

  /** Waits for a bot message whose text matches; returns its message_id. */
  async waitForBot(pattern: string | RegExp, opts: WaitOptions = {}): Promise<number> {
    return this.waitFor('bot', toRegExp(pattern), opts);
  }

  private async waitFor(from: 'bot' | 'user', re: RegExp, opts: WaitOptions): Promise<number> {
    const arg = { from, source: re.source, flags: re.flags, after: opts.after ?? null, id: opts.id ?? null };
    try {
      const handle = await this.page.waitForFunction(
        ({ from, source, flags, after, id }) => {
          const re = new RegExp(source, flags);
          const nodes = Array.from(
            document.querySelectorAll<HTMLElement>(`[data-testid="message"][data-from="${from}"]`),
          ).reverse();
          for (const n of nodes) {
            const mid = Number(n.dataset.messageId);
            if (id !== null && mid !== id) continue;
            if (after !== null && mid <= after) continue;
            const text = n.querySelector('[data-testid="message-text"]')?.textContent ?? '';
            if (re.test(text)) return mid;
          }
          return false;
        },
        arg,
        { timeout: opts.timeout ?? 15_000 },
      );
      return (await handle.jsonValue()) as number;
    } catch (err) {
      // Say what the chat shows instead: a failure is then readable without the screenshots.
      const shown = await this.transcript().catch(() => '(the page could not be read)');
      await screenshot(this.page, 'failure.png').catch(() => undefined);
      const where =
        opts.id !== undefined ? ` in message ${opts.id}` : opts.after !== undefined ? ` after message ${opts.after}` : '';
      throw new Error(
        `No ${from} message matching ${re}${where} appeared. The chat shows:\n${shown}\n(${(err as Error).message.split('\n')[0]})`,
      );
    }
  }

  /** The last messages as text, for error messages. */
  async transcript(last = 8): Promise<string> {
    const lines = await this.page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('[data-testid="message"]')).map((n) => {
        const text = n.querySelector('[data-testid="message-text"]')?.textContent ?? '';
        const buttons = Array.from(n.querySelectorAll('[data-testid="keyboard-button"]'))
          .map((b) => `[${b.textContent}]`)
          .join(' ');
        return `#${n.dataset.messageId} ${n.dataset.from}: ${text.replace(/\n/g, ' ⏎ ')}${buttons ? `  ${buttons}` : ''}`;
      }),
    );
    return lines.slice(-last).join('\n') || '(no messages)';
  }
}
