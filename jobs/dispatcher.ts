/**
 * The outbox dispatcher: delivers pending notification rows through the Bot API.
 *
 * Delivery guarantee — at-least-once per row; a row is sent twice only when a crash (or a
 * freeze that cost the lease) fell between its send and its mark, and then once more only:
 *   1. claim: one UPDATE (db/outbox.ts) counts an attempt, names the holder (`claimed_by`) and
 *      holds the row until now + `claimMs` (60 s), only if it is still pending and due — and,
 *      fenced, only while the holder holds the `dispatcher` lease. A row claimed by another
 *      dispatcher is skipped.
 *   2. send: the network call, abandoned after `sendTimeoutMs` (30 s), inside the claim.
 *   3. mark: sent_at is set (only if still NULL), so a row is marked sent exactly once; a
 *      failure ends the claim and schedules the row again.
 *   A crash between 2 and 3 leaves the claim behind. The next holder of the lease releases
 *   every claim of another holder when it takes over (seconds: the lease's TTL), so the row is
 *   due at once and sent once more; without a lease the claim lapses after `claimMs`. Each
 *   send in flight at the crash (at most `concurrency`, each to a different chat) may so be
 *   doubled once. Telegram offers no idempotency key for sendMessage, so nothing better is
 *   possible without losing messages.
 *
 * Order per chat: a row is picked only when no earlier row of the same chat is still pending
 * (including one that is claimed or backing off), so each chat receives its messages in order —
 * but in a group chat (the staff chat) the daily overdue report goes before single notices, and
 * notices that would wait past the group's minute are combined into a digest (jobs/staff-digest.ts).
 *
 * Limits (Telegram's pace, 429 retry_after, flood control, back-off) are kept by
 * jobs/throttle.ts.
 *
 * Failures: 400 and 403 (chat not found, bot blocked, bad markup…) are permanent: failed_at +
 * last_error at once. Anything else (network, 5xx, 401…) is retried with back-off
 * base·2^(attempt-1) capped at `backoffMaxMs` (10 min); a row fails only when it has used
 * `maxAttempts` (20) AND is older than `giveUpAfterMs` (24 h), so an outage of Telegram of
 * up to a day loses nothing. A 429 is not counted as an attempt.
 *
 * Edits: a row of kind `edit.…` edits a message sent earlier instead of sending one (a paid
 * payment's Pay button dropped, db/pay-messages.ts), paced and retried like a message. A 400 or
 * 403 there (the message is gone, can no longer be edited, or already shows that keyboard) ends
 * the row without error. Every message sent with Pay buttons is recorded for such edits.
 *
 * Rate-limit state (per-chat last send, 429 blocks) lives in the dispatcher object and uses
 * real monotonic time; times written to the database come from the injected clock.
 */
import type { Logger } from 'pino';
import type { Clock } from '../core/kernel/index.js';
import type { DB } from '../db/connection.js';
import {
  type Claim,
  claimRow,
  dueHeads,
  markFailed,
  markSent,
  type OutboxHead,
  pendingCount,
  releaseClaimsOfOthers,
  retryLater,
} from '../db/outbox.js';
import { errorForLog } from '../logger.js';
import {
  type Aftercare,
  type Call,
  createCalls,
  type MessageSender,
  type NoticeRenderer,
  type SendSignal,
  type Work,
} from './dispatch-calls.js';
import { leaseHolderId } from './lease.js';
import { classifySendError, createSendPacer, isRefusal, mono, sleep } from './throttle.js';

export type { MessageSender, NoticeRenderer, RenderedEdit, RenderedMessage, SendSignal } from './dispatch-calls.js';

import { groupChatRow } from './staff-digest.js';

export { classifySendError } from './throttle.js';

export interface DispatcherDeps {
  db: DB;
  api: MessageSender;
  clock: Clock;
  logger: Logger;
  notices: NoticeRenderer;
}

export interface DispatchOptions {
  /** Stop a run after this many send attempts (default: no limit). */
  maxMessages?: number;
  /** Overall pace (default 30 messages per second). */
  globalPerSecond?: number;
  /** Minimum gap between two messages to the same chat (default 1000 ms). */
  perChatIntervalMs?: number;
  /** Messages per minute to one group chat, Telegram's group limit (default 20; 0 = off). */
  groupPerMinute?: number;
  /** Rows read per query (default 100). */
  batchSize?: number;
  /** Parallel sends to different chats (default 8). */
  concurrency?: number;
  /** How long a claim holds a row before another attempt may take it (default 60 000 ms; at least 2 × sendTimeoutMs). */
  claimMs?: number;
  /** A send still unanswered after this is abandoned and retried (default 30 000 ms). */
  sendTimeoutMs?: number;
  /** First retry delay (default 1000 ms), doubled per attempt… */
  backoffBaseMs?: number;
  /** …up to this (default 10 min). */
  backoffMaxMs?: number;
  /** A row fails after this many attempts… (default 20) */
  maxAttempts?: number;
  /** …and only once it is this old (default 24 h). */
  giveUpAfterMs?: number;
  /** 429s from this many different chats within a second pause everything (default 3). */
  globalFloodChats?: number;
  /**
   * Claim only while `holder` holds the lease `lease` (jobs/lease.ts): a dispatcher that has
   * lost it — frozen past its TTL, or cut off from the database — claims nothing more.
   */
  fence?: { lease: string; holder: string };
}

export interface DispatchSummary {
  sent: number;
  /** Attempts that failed and were scheduled again (including 429s). */
  retried: number;
  /** Rows given up on (failed_at set). */
  failed: number;
  /** Rows still pending when the run ended (backing off, behind an earlier row, or not reached). */
  deferred: number;
}

type Head = OutboxHead;

type Outcome = 'sent' | 'retried' | 'failed' | 'skipped';

const DEFAULTS = {
  globalPerSecond: 30,
  perChatIntervalMs: 1000,
  groupPerMinute: 20,
  batchSize: 100,
  concurrency: 8,
  claimMs: 60_000,
  sendTimeoutMs: 30_000,
  backoffBaseMs: 1000,
  backoffMaxMs: 600_000,
  maxAttempts: 20,
  giveUpAfterMs: 24 * 3600_000,
  globalFloodChats: 3,
};

export type Dispatcher = ReturnType<typeof createDispatcher>;

/**
 * A dispatcher keeps rate-limit state between runs; `run()` delivers everything due now
 * (waiting out per-chat and global pacing) and returns when nothing more is due.
 */
export function createDispatcher(deps: DispatcherDeps, options: DispatchOptions = {}) {
  const merged = { ...DEFAULTS, ...stripUndefined(options) };
  // A send must be over (answered or abandoned) before its claim can lapse.
  const opts = { ...merged, claimMs: Math.max(merged.claimMs, 2 * merged.sendTimeoutMs) };
  const { db, api, clock, notices } = deps;
  const log = deps.logger.child({ module: 'dispatcher' });

  const pacer = createSendPacer(opts, log);
  let running: Promise<unknown> = Promise.resolve();

  // Whose claims these are: the lease holder when fenced (the loop, the dispatch job).
  const holder = opts.fence?.holder ?? leaseHolderId('dispatcher');
  const claim: Claim = { holder, holdMs: opts.claimMs, fence: opts.fence?.lease };

  const { prepare, sendCall, editCall } = createCalls({ db, api, clock, notices });

  /** Claims the row, makes the call within Telegram's pace, and ends the claim by Telegram's answer. */
  async function deliver(row: Head, call: Call, after: Aftercare, signal?: AbortSignal): Promise<Outcome> {
    if (!(await pacer.acquire(signal))) return 'skipped';
    let claimed = false;
    try {
      claimed = await claimRow(db, row.id, claim, clock.now().getTime());
    } finally {
      if (!claimed) pacer.cancel();
    }
    if (!claimed) return 'skipped';
    const attempts = row.attempts + 1;
    let result: unknown;
    try {
      result = await call(AbortSignal.timeout(opts.sendTimeoutMs) as unknown as SendSignal);
    } catch (err) {
      // Refused by Telegram (it answered with an error code): nothing was delivered, so it does
      // not count against the chat's or the group's pace. No answer at all (a timeout, the
      // network): Telegram may have taken it, so it counts.
      if (isRefusal(err)) pacer.refused();
      else pacer.answered(row.chat_id);
      const settled = after.settled?.(err);
      if (settled) {
        log.debug({ outboxId: row.id, kind: row.kind, error: classifySendError(err).message }, 'edit not needed any more');
        await finish(row, () => settled);
        return 'sent';
      }
      return afterFailure(row, attempts, err);
    }
    pacer.answered(row.chat_id);
    await finish(row, () => after.done(result));
    return 'sent';
  }

  /** Marks the row sent, then the bookkeeping that follows (which never undoes the mark). */
  async function finish(row: Head, then: () => Promise<void>): Promise<void> {
    try {
      await markSent(db, row.id, clock.now().toISOString());
    } catch (err) {
      // The message went out; the claim's expiry makes it due again, so one duplicate may follow.
      log.error({ err: errorForLog(err), outboxId: row.id }, 'sent but could not mark the outbox row sent');
    }
    try {
      await then();
    } catch (err) {
      log.warn({ err: errorForLog(err), outboxId: row.id }, 'could not record the Pay buttons of a message');
    }
  }

  async function afterFailure(row: Head, attempts: number, err: unknown): Promise<Outcome> {
    const failure = classifySendError(err);
    const nowMs = clock.now().getTime();
    if (failure.kind === 'rate') {
      pacer.rateLimited(row.chat_id, failure.retryAfterMs);
      // Flood control is not the message's fault: the attempt is given back.
      await retryLater(db, row.id, holder, nowMs + failure.retryAfterMs, failure.message, true);
      log.warn(
        { outboxId: row.id, chatId: row.chat_id, retryAfterMs: failure.retryAfterMs },
        'telegram flood control (429); chat deferred',
      );
      return 'retried';
    }
    const ageMs = nowMs - Date.parse(row.created_at);
    const exhausted = attempts >= opts.maxAttempts && !(ageMs < opts.giveUpAfterMs);
    if (failure.kind === 'permanent' || exhausted) {
      await markFailed(db, row.id, clock.now().toISOString(), failure.message, holder);
      log.warn(
        { outboxId: row.id, chatId: row.chat_id, kind: row.kind, attempts, error: failure.message },
        'notification failed permanently',
      );
      return 'failed';
    }
    const delay = pacer.backoffMs(attempts);
    await retryLater(db, row.id, holder, nowMs + delay, failure.message);
    log.info(
      { outboxId: row.id, chatId: row.chat_id, attempts, retryInMs: delay, error: failure.message },
      'notification send failed; will retry',
    );
    return 'retried';
  }

  async function runPool<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const workers = Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    });
    await Promise.all(workers);
  }

  async function runUnlocked(runOpts: { maxMessages?: number; signal?: AbortSignal }): Promise<DispatchSummary> {
    const summary: DispatchSummary = { sent: 0, retried: 0, failed: 0, deferred: 0 };
    const max = runOpts.maxMessages ?? options.maxMessages ?? Infinity;
    const signal = runOpts.signal;
    let attempted = 0;
    let cursor = 0;
    let progressed = false;
    let earliestReady = Infinity;
    while (!signal?.aborted && attempted < max) {
      const heads = await dueHeads(db, clock.now().getTime(), cursor, opts.batchSize);
      if (heads.length === 0) {
        if (cursor === 0) break; // nothing due at all
        // End of a pass over the due rows: wait for a chat to become ready if nothing moved.
        if (!progressed) {
          if (earliestReady === Infinity) break;
          await sleep(earliestReady - mono(), signal);
        }
        cursor = 0;
        progressed = false;
        earliestReady = Infinity;
        continue;
      }
      cursor = heads[heads.length - 1]!.id;
      const t = mono();
      const ready: Head[] = [];
      for (const h of heads) {
        const at = pacer.readyAt(h.chat_id);
        if (at <= t && ready.length < max - attempted) ready.push(h);
        else earliestReady = Math.min(earliestReady, Math.max(at, t + 1));
      }
      if (ready.length === 0) continue;
      attempted += ready.length;
      const facts = await notices.facts(ready);
      await runPool(ready, opts.concurrency, async (head) => {
        // A group chat (the staff chat): its overdue report first, a digest when too much waits.
        let row = head;
        if (head.chat_id < 0 && opts.groupPerMinute > 0) {
          try {
            row = await groupChatRow(db, head, pacer.groupRoom(head.chat_id), clock.now().getTime());
          } catch (err) {
            log.error(
              { err: errorForLog(err), chatId: head.chat_id },
              "could not plan the group chat's next message; sending its oldest",
            );
          }
        }
        let work: Work;
        try {
          work = prepare(row, row === head ? facts : await notices.facts([row]));
        } catch (err) {
          const why = err instanceof Error ? err.message : String(err);
          await markFailed(db, row.id, clock.now().toISOString(), why);
          log.error({ outboxId: row.id, kind: row.kind, error: why }, 'notification cannot be rendered');
          summary.failed++;
          progressed = true;
          return;
        }
        if ('nothing' in work) {
          await markSent(db, row.id, clock.now().toISOString());
          summary.sent++;
          progressed = true;
          return;
        }
        const [call, after] = 'send' in work ? sendCall(row, work.send) : editCall(row, work.edit);
        const outcome = await deliver(row, call, after, signal);
        // A row claimed elsewhere, or not claimed because the lease is gone, is no progress:
        // a pass that only skips ends instead of spinning.
        if (outcome !== 'skipped') {
          summary[outcome]++;
          progressed = true;
        }
      });
    }
    summary.deferred = await pendingCount(db);
    return summary;
  }

  /** Delivers what is due now; runs of one dispatcher never overlap (a second call queues). */
  function run(runOpts: { maxMessages?: number; signal?: AbortSignal } = {}): Promise<DispatchSummary> {
    const result = running.then(() => runUnlocked(runOpts));
    running = result.catch(() => undefined);
    return result;
  }

  /**
   * Called on taking the `dispatcher` lease: whatever another holder still has claimed it will
   * never mark (it is gone, or has lost the lease and can claim nothing more), so those rows are
   * released to be sent at once instead of waiting out their claims.
   */
  async function takeOver(): Promise<number> {
    const { released, holders } = await releaseClaimsOfOthers(db, holder, clock.now().getTime());
    if (released > 0) log.warn({ released, holders }, 'released claims left by another dispatcher; those rows go out again now');
    return released;
  }

  return { run, takeOver, holder, options: opts };
}

/** One pass with a fresh dispatcher (no rate-limit history): the `dispatch` job. */
export function dispatchOutbox(deps: DispatcherDeps, opts: DispatchOptions = {}): Promise<DispatchSummary> {
  return createDispatcher(deps, opts).run({ maxMessages: opts.maxMessages });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
