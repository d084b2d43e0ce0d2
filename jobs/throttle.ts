/**
 * Telegram's limits, kept by the outbox dispatcher (jobs/dispatcher.ts): the overall pace, the
 * per-chat and per-group pace, 429 retry_after and global flood control, and the back-off of
 * failed sends. All state is in memory and in real monotonic milliseconds.
 *
 * Limits: at most `globalPerSecond` (default 30) messages in any second overall (SendWindow),
 * one per `perChatIntervalMs` (default 1000) per chat, measured from the answer to the previous
 * send, and `groupPerMinute` (default 20, Telegram's group limit) per group chat (negative id).
 * Only sends Telegram may have taken count against these paces: a send it refused (429, 400…)
 * delivered nothing. A 429 defers that chat by its `retry_after`; 429s from `globalFloodChats`
 * different chats within a second are taken for global flood control and pause all sending.
 */
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';

export interface SendPacerOptions {
  /** Overall pace (messages per second). */
  globalPerSecond: number;
  /** Minimum gap between two messages to the same chat (ms). */
  perChatIntervalMs: number;
  /** Messages per minute to one group chat (0 = off). */
  groupPerMinute: number;
  /** 429s from this many different chats within a second pause everything. */
  globalFloodChats: number;
  /** First retry delay, doubled per attempt… */
  backoffBaseMs: number;
  /** …up to this. */
  backoffMaxMs: number;
}

export type SendFailure =
  | { kind: 'rate'; retryAfterMs: number; message: string }
  | { kind: 'permanent' | 'transient'; message: string };

/**
 * Classifies a Bot API failure (grammY's GrammyError / HttpError, or anything else): 429 is a
 * rate limit; 400 and 403 (chat not found, bot blocked, bad markup…) are permanent; anything
 * else (network, 5xx, 401…) is transient.
 */
export function classifySendError(err: unknown): SendFailure {
  const e = err as { error_code?: unknown; description?: unknown; parameters?: { retry_after?: unknown }; message?: unknown };
  if (e && typeof e === 'object' && typeof e.error_code === 'number') {
    const message = `${e.error_code} ${typeof e.description === 'string' ? e.description : ''}`.trim();
    if (e.error_code === 429) {
      const seconds = Number(e.parameters?.retry_after);
      return { kind: 'rate', retryAfterMs: (Number.isFinite(seconds) && seconds > 0 ? seconds : 1) * 1000, message };
    }
    if (e.error_code === 400 || e.error_code === 403) return { kind: 'permanent', message };
    return { kind: 'transient', message };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'transient', message };
}

/** Telegram answered the call with an error (GrammyError carries its error_code): it was not taken. */
export function isRefusal(err: unknown): boolean {
  return typeof (err as { error_code?: unknown } | null)?.error_code === 'number';
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

export const mono = () => performance.now();

/**
 * The overall pace. A send occupies the window from the moment it starts until one second
 * after its answer arrived — Telegram received it somewhere in between — so however late
 * timers fire or slow the network is, Telegram never sees more than `perSecond` messages in
 * any second. Starts are also spread evenly (1 s / perSecond apart) to avoid bursts.
 */
class SendWindow {
  private finished: number[] = [];
  private inFlight = 0;
  private nextStart = 0;
  private blockedUntil = 0;
  private waiters = new Set<() => void>();

  constructor(private readonly perSecond: number) {}

  /** Global flood control: nothing starts before `t`. */
  blockUntil(t: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, t);
  }

  /** Waits for room; false when aborted. */
  async acquire(signal?: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal?.aborted) return false;
      const t = mono();
      while (this.finished.length > 0 && this.finished[0]! <= t - 1000) this.finished.shift();
      const full = this.inFlight + this.finished.length >= this.perSecond;
      const at = Math.max(this.nextStart, this.blockedUntil, full && this.finished.length > 0 ? this.finished[0]! + 1000 : 0);
      if (!full && at <= t) {
        this.inFlight++;
        this.nextStart = t + 1000 / this.perSecond;
        return true;
      }
      // Full with every slot in flight: wait for an answer; otherwise for the computed time.
      await this.wait(full && this.finished.length === 0 ? Infinity : at - t, signal);
    }
  }

  /** The send was answered (or failed). */
  release(): void {
    this.inFlight--;
    this.finished.push(mono());
    this.notify();
  }

  /** Room taken but nothing sent. */
  cancel(): void {
    this.inFlight--;
    this.notify();
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  private wait(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      if (Number.isFinite(ms)) timer = setTimeout(done, Math.max(0, ms));
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

export type SendPacer = ReturnType<typeof createSendPacer>;

export function createSendPacer(opts: SendPacerOptions, log: Logger) {
  const lastSendEnd = new Map<number, number>();
  const groupSends = new Map<number, number[]>();
  const chatBlockedUntil = new Map<number, number>();
  const recent429: { chatId: number; at: number }[] = [];
  const window = new SendWindow(opts.globalPerSecond);

  /** When the chat may get its next message (monotonic ms). */
  function readyAt(chatId: number): number {
    let t = Math.max((lastSendEnd.get(chatId) ?? -Infinity) + opts.perChatIntervalMs, chatBlockedUntil.get(chatId) ?? 0);
    if (chatId < 0 && opts.groupPerMinute > 0) {
      const sends = groupSends.get(chatId);
      if (sends && sends.length >= opts.groupPerMinute) t = Math.max(t, sends[sends.length - opts.groupPerMinute]! + 61_000);
    }
    return t;
  }

  /** How many more messages the group chat may get before its oldest send of the minute leaves the window (Infinity: no group limit). */
  function groupRoom(chatId: number): number {
    if (chatId >= 0 || opts.groupPerMinute <= 0) return Infinity;
    const t = mono();
    const recent = (groupSends.get(chatId) ?? []).filter((s) => s > t - 61_000).length;
    return Math.max(0, opts.groupPerMinute - recent);
  }

  /**
   * A send to the chat that Telegram may have taken (accepted, or its answer never came): it
   * counts against the overall, per-chat and group pace.
   */
  function answered(chatId: number): void {
    window.release();
    const t = mono();
    lastSendEnd.set(chatId, t);
    if (chatId < 0 && opts.groupPerMinute > 0) {
      const sends = (groupSends.get(chatId) ?? []).filter((s) => s > t - 61_000);
      sends.push(t);
      groupSends.set(chatId, sends);
    }
    if (lastSendEnd.size > 10_000) prune(t);
  }

  /**
   * Telegram answered the send with a refusal (a 429, a 400…): no message reached the chat, so
   * nothing counts against the paces — a 429 would otherwise use up one of a group's 20 a
   * minute. Its retry_after is kept by rateLimited().
   */
  function refused(): void {
    window.cancel();
  }

  function prune(t: number): void {
    for (const [chat, end] of lastSendEnd) if (end < t - 60_000) lastSendEnd.delete(chat);
    for (const [chat, until] of chatBlockedUntil) if (until < t) chatBlockedUntil.delete(chat);
    for (const [chat, sends] of groupSends) if ((sends[sends.length - 1] ?? 0) < t - 60_000) groupSends.delete(chat);
  }

  /** Telegram answered 429: the chat waits `retryAfterMs`; many chats at once pause everything. */
  function rateLimited(chatId: number, retryAfterMs: number): void {
    const t = mono();
    chatBlockedUntil.set(chatId, Math.max(chatBlockedUntil.get(chatId) ?? 0, t + retryAfterMs));
    recent429.push({ chatId, at: t });
    while (recent429.length > 0 && recent429[0]!.at < t - 1000) recent429.shift();
    const chats = new Set(recent429.map((r) => r.chatId));
    if (chats.size >= opts.globalFloodChats) {
      window.blockUntil(t + retryAfterMs);
      log.warn({ retryAfterMs, chats: chats.size }, 'global flood control: pausing all sends');
    }
  }

  /** The wait before attempt number `attempts + 1` of a failed send: base·2^(attempts-1), capped. */
  const backoffMs = (attempts: number) => Math.min(opts.backoffMaxMs, opts.backoffBaseMs * 2 ** Math.max(0, attempts - 1));

  return {
    readyAt,
    groupRoom,
    /** Waits for room in the overall pace; false when aborted. */
    acquire: (signal?: AbortSignal) => window.acquire(signal),
    /** Room taken but nothing sent. */
    cancel: () => window.cancel(),
    answered,
    refused,
    rateLimited,
    backoffMs,
  };
}
