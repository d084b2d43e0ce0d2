// Starting the bot without holding the service hostage. grammY's init() retries an unreachable
// Telegram silently and for ever, so an offline machine or a firewall would leave `npm start`
// hanging with nothing logged. Here each attempt has a deadline; a failure is one plain error
// line and another attempt later, while the API, the jobs and the sandbox keep running. All of
// it runs in the background: the service listens and serves before Telegram has answered.
import { setTimeout as sleep } from 'node:timers/promises';
import { type Bot, GrammyError } from 'grammy';
import type { Logger } from 'pino';
import type { BotContext } from './context.js';
import { setCommands } from './index.js';
import type { PollingInbox } from './polling-inbox.js';
import { type PollingHandle, startPolling } from './run.js';

/** The right to long-poll (one poller per bot): held until `lost` aborts or it is released. */
export interface PollingTurn {
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

export interface BotStartOptions {
  logger: Logger;
  staffChatId: number | undefined;
  /** Webhook mode: where Telegram posts updates and the secret it sends. Else long polling. */
  webhook?: { url: string; secret: string };
  /** How long one attempt may wait for Telegram (default 10 s). */
  attemptTimeoutMs?: number;
  /**
   * Long polling waits for its turn (the service's claim in the database; resolves undefined
   * when `signal` aborts). Without it, polling starts as soon as Telegram answers.
   */
  pollingTurn?: (signal: AbortSignal) => Promise<PollingTurn | undefined>;
  /** Long polling writes its updates down and hands them over across a crash (bot/polling-inbox.ts). */
  inbox?: PollingInbox;
}

export interface BotStarter {
  /** Settles when the first attempt has succeeded or failed (never rejects). */
  firstAttempt: Promise<void>;
  /** Stops at whatever stage it is (reaching Telegram, waiting for its turn, polling) and gives the turn back. */
  stop(): Promise<void>;
}

// grammY types its signals with the abort-controller shim; Node's own are what it gets at runtime.
type GrammySignal = Parameters<Bot['init']>[0];
const either = (a: AbortSignal, b: AbortSignal) => AbortSignal.any([a, b]) as unknown as GrammySignal;

const retryDelayMs = (attempt: number) => Math.min(300_000, 5_000 * 2 ** (attempt - 1));

// A bot token can appear in a client's error text (the request URL): never log it.
const redact = (s: string) => s.replace(/\d+:[A-Za-z0-9_-]{20,}/g, '<token>');

const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) =>
    signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true }),
  );

export function startBot(bot: Bot<BotContext>, opts: BotStartOptions): BotStarter {
  const { logger } = opts;
  const timeoutMs = opts.attemptTimeoutMs ?? 10_000;
  const stopped = new AbortController();
  let polling: PollingHandle | undefined;
  let firstDone: () => void = () => undefined;
  const firstAttempt = new Promise<void>((resolve) => (firstDone = resolve));

  /** Reaches Telegram (getMe, the command menus, the webhook); false when stopped or refused for good. */
  async function reachTelegram(): Promise<boolean> {
    for (let attempt = 1; !stopped.signal.aborted; attempt++) {
      const deadline = AbortSignal.timeout(timeoutMs);
      try {
        await bot.init(either(stopped.signal, deadline));
        await setCommands(bot, opts.staffChatId).catch((e: unknown) =>
          logger.warn({ err: redact(String(e)) }, 'setMyCommands failed'),
        );
        if (opts.webhook) {
          await bot.api.setWebhook(
            opts.webhook.url,
            { secret_token: opts.webhook.secret },
            either(stopped.signal, AbortSignal.timeout(timeoutMs)),
          );
          logger.info({ url: opts.webhook.url }, 'telegram webhook set');
        }
        if (attempt > 1) logger.info({ attempt }, 'Telegram reached: the bot is running');
        return true;
      } catch (e) {
        if (stopped.signal.aborted) return false;
        // 401/404: Telegram does not know the token; asking again will not change its mind.
        if (e instanceof GrammyError && (e.error_code === 401 || e.error_code === 404)) {
          logger.error(
            { err: redact(e.message) },
            'Telegram refused TELEGRAM_BOT_TOKEN: check it with @BotFather. The bot is not started; the API keeps running',
          );
          return false;
        }
        const delay = retryDelayMs(attempt);
        const why = deadline.aborted
          ? `no answer within ${timeoutMs / 1000} s`
          : redact(e instanceof Error ? e.message : String(e));
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
    return false;
  }

  /** Polls while this instance holds its turn; waits for the turn again when it is lost. */
  async function poll(): Promise<void> {
    for (let round = 1; !stopped.signal.aborted; round++) {
      const turn = opts.pollingTurn ? await opts.pollingTurn(stopped.signal) : undefined;
      if (stopped.signal.aborted) {
        await turn?.release();
        return;
      }
      // What a crashed predecessor fetched and never began, before anything newer.
      await opts.inbox
        ?.replay(async (update) => {
          await bot.handleUpdate(update).catch((err: unknown) => bot.errorHandler(err as Parameters<typeof bot.errorHandler>[0]));
        })
        .catch((err: unknown) =>
          logger.error(
            { err: err instanceof Error ? err.message : String(err) },
            'could not read the updates a previous poller left; going on',
          ),
        );
      polling = startPolling(bot, { inbox: opts.inbox });
      const ended =
        polling.task()?.then(
          () => 'ended' as const,
          (err: unknown) => err,
        ) ?? Promise.resolve('ended' as const);
      const outcome = await Promise.race([
        ended,
        aborted(stopped.signal).then(() => 'stopped' as const),
        turn ? aborted(turn.lost).then(() => 'lost' as const) : new Promise<never>(() => undefined),
      ]);
      // Updates in flight finish before the turn is given back: the next poller starts after them.
      await polling.stop().catch(() => undefined);
      polling = undefined;
      await turn?.release();
      if (outcome === 'stopped' || stopped.signal.aborted) return;
      const delay = retryDelayMs(Math.min(round, 3));
      if (outcome === 'lost') {
        logger.error(
          { retryInSeconds: delay / 1000 },
          'lost the long-polling claim (the database did not answer in time, or another instance took it): this instance stopped receiving Telegram updates and waits to take it again',
        );
      } else {
        const why = outcome === 'ended' ? 'it stopped' : redact(outcome instanceof Error ? outcome.message : String(outcome));
        logger.error(
          { err: why, retryInSeconds: delay / 1000 },
          `long polling ended (${why}); it starts again in ${delay / 1000} s`,
        );
      }
      await sleep(delay, undefined, { signal: stopped.signal }).catch(() => undefined);
    }
  }

  const loop = (async () => {
    if (!(await reachTelegram())) return;
    if (!opts.webhook) await poll();
  })();

  return {
    firstAttempt,
    async stop() {
      stopped.abort();
      await loop;
    },
  };
}
