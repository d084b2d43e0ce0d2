// The web chat's chats outlive a restart: every message the Telegram stand-in keeps for a persona's
// chat (sent, edited, deleted, with its buttons) is written to the database as it changes, and put
// back into the stand-in when the sandbox starts again — so the chats show beside the loans they
// made. Only a chat's newest TRANSCRIPT_LIMIT messages are kept, as many as the page shows.
import type { ReplyKeyboardMarkup } from 'grammy/types';
import type { DB } from '../db/connection.js';
import { loadSandboxChats, saveSandboxChat, saveSandboxMessage } from '../db/sandbox-chats.js';
import type { Logger } from '../logger.js';
import type { FakeBotApi, FakeChatInput, SavedMessage } from './telegram/fake-bot-api.js';
import { TRANSCRIPT_LIMIT } from './web-chat.js';

export interface KeptTranscripts {
  /** Puts the kept chats back into the stand-in (before anyone writes), then keeps every change. */
  restore(): Promise<number>;
  /** Resolves once every change so far is written. */
  flush(): Promise<void>;
  /** Stops keeping changes (after the last flush). */
  stop(): void;
}

export function keepTranscripts(opts: {
  telegram: FakeBotApi;
  db: DB;
  chats: FakeChatInput[];
  logger: Logger;
  keep?: number;
}): KeptTranscripts {
  const { telegram, db, logger } = opts;
  const keep = opts.keep ?? TRANSCRIPT_LIMIT;
  const chats = new Map(opts.chats.map((c) => [c.id, c]));
  const keyboards = new Map<number, string | null>();
  // One write at a time, in the order of the changes: an edit never lands before its message.
  let writes: Promise<void> = Promise.resolve();
  let unsubscribe: (() => void) | undefined;

  const queue = (what: string, write: () => Promise<void>) => {
    writes = writes
      .then(write)
      .catch((err: unknown) =>
        logger.warn({ err: err instanceof Error ? err.message : String(err) }, `sandbox: could not keep ${what}`),
      );
  };

  return {
    async restore() {
      const kept = await loadSandboxChats(db, [...chats.keys()], keep);
      let restored = 0;
      for (const [chatId, k] of kept) {
        try {
          const messages = k.messages.map((m) => JSON.parse(m) as SavedMessage);
          telegram.restoreChat(chats.get(chatId)!, {
            messages,
            replyKeyboard: k.replyKeyboard ? (JSON.parse(k.replyKeyboard) as ReplyKeyboardMarkup) : undefined,
          });
          keyboards.set(chatId, k.replyKeyboard);
          restored += messages.length;
        } catch (err) {
          // A chat that cannot be put back starts empty; the service starts all the same.
          logger.warn(
            { chatId, err: err instanceof Error ? err.message : String(err) },
            'sandbox: a kept chat could not be restored',
          );
        }
      }
      unsubscribe = telegram.subscribe((event) => {
        if (
          (event.type !== 'message' && event.type !== 'edit' && event.type !== 'delete') ||
          !event.message ||
          !chats.has(event.chatId)
        )
          return;
        const chatId = event.chatId;
        const messageId = event.message.message_id;
        const saved = telegram.savedMessage(chatId, messageId);
        if (!saved) return;
        // Serialised now: the stand-in changes its object in place on the next edit.
        const body = JSON.stringify(saved);
        queue('a chat message', () => saveSandboxMessage(db, { chatId, messageId, body, isNew: event.type === 'message' }, keep));
        const keyboard = telegram.replyKeyboard(chatId);
        const json = keyboard ? JSON.stringify(keyboard) : null;
        if ((keyboards.get(chatId) ?? null) !== json) {
          keyboards.set(chatId, json);
          queue("a chat's keyboard", () => saveSandboxChat(db, chatId, json));
        }
      });
      return restored;
    },
    flush() {
      return writes;
    },
    stop() {
      unsubscribe?.();
      unsubscribe = undefined;
    },
  };
}
