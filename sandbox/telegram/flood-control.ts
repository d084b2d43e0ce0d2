// Telegram's flood control for sending and editing, when a test asks for it: past the limit a
// call answers 429 "Too Many Requests: retry after N", as the real API does.
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
      const recent = (hits: number[]) => hits.filter((h) => h > t - 1000);
      globalHits = recent(globalHits);
      const perChat = recent(chatHits.get(chatId) ?? []);
      let waitMs = 0;
      const consider = (hits: number[], limit: number | undefined) => {
        if (limit !== undefined && limit > 0 && hits.length >= limit) {
          waitMs = Math.max(waitMs, (hits[hits.length - limit] as number) + 1000 - t);
        }
      };
      consider(globalHits, limits.globalPerSecond);
      consider(perChat, limits.perChatPerSecond);
      if (waitMs > 0) {
        const seconds = Math.max(1, Math.ceil(waitMs / 1000));
        throw new ApiError(429, `Too Many Requests: retry after ${seconds}`, seconds);
      }
      globalHits.push(t);
      perChat.push(t);
      chatHits.set(chatId, perChat);
    },
    reset() {
      globalHits = [];
      chatHits = new Map();
    },
  };
}
