// Where the bot keeps what outlives an update: sessions, conversations, and which messages carry
// Pay buttons (bot/pay-messages.ts). The composition root hands createBot a BotStorage; over the
// database, every instance and every restart sees the same state.
import type { ConversationData, VersionedState } from '@grammyjs/conversations';
import type { StorageAdapter } from 'grammy';
import type { Clock } from '../core/kernel/index.js';
import type { DB } from '../db/connection.js';
import { KvStore } from '../db/kv-store.js';
import { forgetPayMessage, recordPayMessage } from '../db/pay-messages.js';
import type { SessionData } from './context.js';
import type { PayMessageLog } from './pay-messages.js';

export interface BotStorage {
  sessions: StorageAdapter<SessionData>;
  conversations: StorageAdapter<VersionedState<ConversationData>>;
  payMessages: PayMessageLog;
}

/** The bot's storage in the library's database (bot_sessions, pay_messages), dated by `clock`. */
export function databaseStorage(db: DB, clock: Clock): BotStorage {
  const now = () => clock.now();
  return {
    sessions: new KvStore<SessionData>(db, 'session:', now),
    conversations: new KvStore<VersionedState<ConversationData>>(db, 'conversation:', now),
    payMessages: {
      record: (m) => recordPayMessage(db, m, now()),
      forget: (chatId, messageId) => forgetPayMessage(db, chatId, messageId),
    },
  };
}
