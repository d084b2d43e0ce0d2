// Telegram's flood control for sending and editing, when a test asks for it: past the limit a
// call answers 429 "Too Many Requests: retry after N", as the real API does — overall and per
// chat each second, and per group chat each minute (Telegram's 20).
import { ApiError } from './params.js';
import type { FakeBotApiOptions } from './types.js';

export interface FloodControl {
  /** Counts one send or edit in the chat, or throws the 429 it would get. */
  check(chatId: number): void;
  reset(): void;
}

export function createFloodControl(limits: FakeBotApiOptions['rateLimit']): FloodControl {
  let globalHits: number[] = [];
  let chatHits = new Map<number, number[]>();

  return {
    check(chatId) {
      if (!limits) return;
      const t = Date.now();
      const recent = (hits: number[], windowMs = 1000) => hits.filter((h) => h > t - windowMs);
      globalHits = recent(globalHits);
      // A chat's hits of the last minute: the per-second limit reads the last second of them.
      const perChatMinute = recent(chatHits.get(chatId) ?? [], 60_000);
      const perChat = recent(perChatMinute);
      let waitMs = 0;
      const consider = (hits: number[], limit: number | undefined, windowMs = 1000) => {
        if (limit !== undefined && limit > 0 && hits.length >= limit) {
          waitMs = Math.max(waitMs, (hits[hits.length - limit] as number) + windowMs - t);
        }
      };
      consider(globalHits, limits.globalPerSecond);
      consider(perChat, limits.perChatPerSecond);
      if (chatId < 0) consider(perChatMinute, limits.groupPerMinute, 60_000);
      if (waitMs > 0) {
        const seconds = Math.max(1, Math.ceil(waitMs / 1000));
        throw new ApiError(429, `Too Many Requests: retry after ${seconds}`, seconds);
      }
      globalHits.push(t);
      perChatMinute.push(t);
      chatHits.set(chatId, perChatMinute);
    },
    reset() {
      globalHits = [];
      chatHits = new Map();
    },
  };
}
