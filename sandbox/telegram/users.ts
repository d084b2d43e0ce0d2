// The users' side of the chats: what a person does in a Telegram client — writing a message,
// pressing an inline button — turned into the updates the bot receives. Tests and the web
// chat drive the bot through these.
import type { CallbackQuery, MessageEntity, Update, User } from 'grammy/types';
import type { Notifier } from './events.js';
import { callbackButtons } from './keyboards.js';
import { type ChatState, type ChatStore, entryOf, makeUser, type StoredMessage, store } from './state.js';
import type { FakeBotApi, FakeUserInput } from './types.js';
import type { UpdateQueue } from './updates.js';

export type ChatUsers = Pick<FakeBotApi, 'userSends' | 'pressButton' | 'pressButtonByLabel'> & {
  /** The chat, or an error that says why a controller call cannot use it. */
  requireChat(chatId: number, who: string): ChatState;
};

export function createChatUsers(deps: { chatStore: ChatStore; updates: UpdateQueue; notifier: Notifier }): ChatUsers {
  const { chatStore, updates, notifier } = deps;
  const enqueue = updates.enqueue;

  function requireChat(chatId: number, who: string): ChatState {
    const state = chatStore.chats.get(chatId);
    if (!state)
      throw new Error(`${who}: chat ${chatId} is unknown to the fake Telegram (no user wrote in it and it was not registered)`);
    return state;
  }

  function presser(state: ChatState, from: FakeUserInput | undefined, who: string): User {
    if (from) return makeUser(from);
    if (state.lastUser) return state.lastUser;
    if (state.chat.type === 'private') return { id: state.chat.id, is_bot: false, first_name: state.chat.first_name };
    throw new Error(`${who}: no \`from\` given and nobody has written in chat ${state.chat.id} yet`);
  }

  const users: ChatUsers = {
    requireChat,

    userSends(input) {
      const from = makeUser(input.from);
      const chatInput = input.chat ?? { id: from.id, type: 'private' };
      if (chatInput.type === 'private' && chatInput.id !== from.id) {
        throw new Error(`userSends: a private chat's id must equal the user's id (chat ${chatInput.id}, user ${from.id})`);
      }
      if (typeof input.text !== 'string' || input.text === '') throw new Error('userSends: text must be a non-empty string');
      const state = chatStore.ensureChat(chatInput, from);
      let replyTo: StoredMessage | undefined;
      if (input.replyToMessageId !== undefined) {
        replyTo = state.byId.get(input.replyToMessageId);
        if (!replyTo || replyTo.deleted)
          throw new Error(`userSends: message ${input.replyToMessageId} not found in chat ${state.chat.id}`);
      }
      const command = /^\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?/.exec(input.text);
      const entities: MessageEntity[] = command ? [{ type: 'bot_command', offset: 0, length: command[0].length }] : [];
      const message = chatStore.buildMessage(state, from, input.text, entities, undefined, replyTo);
      const stored: StoredMessage = { message, from: 'user', edited: false, deleted: false };
      store(state, stored);
      state.lastUser = from;
      if (state.replyKeyboard?.one_time_keyboard) state.replyKeyboard = undefined;
      enqueue({ message } as Omit<Update, 'update_id'>); // our chats are never channels
      notifier.emit({ type: 'message', chatId: state.chat.id, message: entryOf(stored) });
      return message;
    },
    pressButton({ chatId, messageId, data, from, force }) {
      const state = requireChat(chatId, 'pressButton');
      const stored = state.byId.get(messageId);
      if (!stored || stored.deleted) throw new Error(`pressButton: message ${messageId} not found in chat ${chatId}`);
      if (stored.from !== 'bot') throw new Error(`pressButton: message ${messageId} in chat ${chatId} was not sent by the bot`);
      const buttons = callbackButtons(stored.message.reply_markup);
      if (!force && !buttons.some((b) => b.callback_data === data)) {
        const have = buttons.map((b) => JSON.stringify(b.callback_data)).join(', ') || 'none';
        throw new Error(
          `pressButton: message ${messageId} has no button with callback_data ${JSON.stringify(data)} (it has: ${have}); pass force: true to send it anyway`,
        );
      }
      const user = presser(state, from, 'pressButton');
      const id = chatStore.newQueryId();
      const query: CallbackQuery = { id, from: user, message: stored.message, chat_instance: state.chatInstance, data };
      chatStore.queries.set(id, { chatId, messageId, data, createdAt: Date.now(), answered: false });
      enqueue({ callback_query: query });
      notifier.changed();
      return id;
    },
    pressButtonByLabel({ chatId, label, from }) {
      const state = requireChat(chatId, 'pressButtonByLabel');
      const labels: string[] = [];
      for (const stored of [...state.messages].reverse()) {
        if (stored.from !== 'bot' || stored.deleted) continue;
        const buttons = callbackButtons(stored.message.reply_markup);
        const hit = buttons.find((b) => b.text === label);
        if (hit) return users.pressButton({ chatId, messageId: stored.message.message_id, data: hit.callback_data, from });
        labels.push(...buttons.map((b) => JSON.stringify(b.text)));
      }
      throw new Error(
        `pressButtonByLabel: no bot message in chat ${chatId} has a callback button labelled ${JSON.stringify(label)}; available labels (newest first): ${labels.join(', ') || 'none'}`,
      );
    },
  };
  return users;
}
