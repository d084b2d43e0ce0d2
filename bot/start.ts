// Starting the bot without holding the service hostage. grammY's init() retries an unreachable
// Telegram silently and for ever, so an offline machine or a firewall would leave `npm start`
// hanging with nothing logged. Here each attempt has a deadline; a failure is one plain error
// line and another attempt later, while the API, the jobs and the sandbox keep running.
import { setTimeout as sleep } from 'node:timers/promises';
import { GrammyError, type Bot } from 'grammy';
import type { Logger } from 'pino';
import type { BotContext } from './context.js';
import { setCommands } from './index.js';
import { startPolling, type PollingHandle } from './run.js';

export interface BotStartOptions {
  logger: Logger;
  staffChatId: number | undefined;
  /** Webhook mode: where Telegram posts updates and the secret it sends. Else long polling. */
  webhook?: { url: string; secret: string };
  /** How long one attempt may wait for Telegram (default 10 s). */
  attemptTimeoutMs?: number;
}

export interface BotStarter {
  /** Settles when the first attempt has succeeded or failed (never rejects). */
  firstAttempt: Promise<void>;
  stop(): Promise<void>;
}

// grammY types its signals with the abort-controller shim; Node's own are what it gets at runtime.
type GrammySignal = Parameters<Bot['init']>[0];
const either = (a: AbortSignal, b: AbortSignal) => AbortSignal.any([a, b]) as unknown as GrammySignal;

const retryDelayMs = (attempt: number) => Math.min(300_000, 5_000 * 2 ** (attempt - 1));

// A bot token can appear in a client's error text (the request URL): never log it.
const redact = (s: string) => s.replace(/\d+:[A-Za-z0-9_-]{20,}/g, '<token>');

export function startBot(bot: Bot<BotContext>, opts: BotStartOptions): BotStarter {
  const { logger } = opts;
  const timeoutMs = opts.attemptTimeoutMs ?? 10_000;
  const stopped = new AbortController();
  let polling: PollingHandle | undefined;
  let firstDone: () => void = () => undefined;
  const firstAttempt = new Promise<void>((resolve) => (firstDone = resolve));

  const loop = (async () => {
    for (let attempt = 1; !stopped.signal.aborted; attempt++) {
      const deadline = AbortSignal.timeout(timeoutMs);
      try {
        await bot.init(either(stopped.signal, deadline));
        await setCommands(bot, opts.staffChatId).catch((e: unknown) => logger.warn({ err: redact(String(e)) }, 'setMyCommands failed'));
        if (opts.webhook) {
          await bot.api.setWebhook(opts.webhook.url, { secret_token: opts.webhook.secret }, either(stopped.signal, AbortSignal.timeout(timeoutMs)));
          logger.info({ url: opts.webhook.url }, 'telegram webhook set');
        } else {
          polling = startPolling(bot);
        }
        if (attempt > 1) logger.info({ attempt }, 'Telegram reached: the bot is running');
        return;
      } catch (e) {
        if (stopped.signal.aborted) return;
        // 401/404: Telegram does not know the token; asking again will not change its mind.
        if (e instanceof GrammyError && (e.error_code === 401 || e.error_code === 404)) {
          logger.error({ err: redact(e.message) }, 'Telegram refused TELEGRAM_BOT_TOKEN: check it with @BotFather. The bot is not started; the API keeps running');
          return;
        }
        const delay = retryDelayMs(attempt);
        const why = deadline.aborted ? `no answer within ${timeoutMs / 1000} s` : redact(e instanceof Error ? e.message : String(e));
        logger.error(
          { err: why, attempt, retryInSeconds: delay / 1000 },
          `Telegram could not be reached (${why}); the bot will try again in ${delay / 1000} s. The API keeps running`,
        );
        firstDone();
        await sleep(delay, undefined, { signal: stopped.signal }).catch(() => undefined);
      } finally {
        firstDone();
      }
    }
  })();

  return {
    firstAttempt,
    async stop() {
      stopped.abort();
      await loop;
      await polling?.stop().catch(() => undefined);
    },
  };
}
