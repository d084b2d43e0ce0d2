// The offline sandbox's chats (tables sandbox_messages and sandbox_chats, migration 011): what the
// web chat showed, kept across restarts. Messages are opaque JSON to the database; the sandbox
// (sandbox/transcripts.ts) is their only writer and reader.
import type { DB } from './connection.js';

export interface KeptChat {
  /** The kept messages' JSON, oldest first. */
  messages: string[];
  replyKeyboard: string | null;
}

/** The kept messages and state of these chats (at most `keep` newest messages each). */
export async function loadSandboxChats(db: DB, chatIds: number[], keep: number): Promise<Map<number, KeptChat>> {
  const out = new Map<number, KeptChat>();
  if (chatIds.length === 0) return out;
  const chat = (id: number) => {
    let c = out.get(id);
    if (!c) {
      c = { messages: [], replyKeyboard: null };
      out.set(id, c);
    }
    return c;
  };
  const rows = await db
    .selectFrom('sandbox_messages')
    .select(['chat_id', 'body'])
    .where('chat_id', 'in', chatIds)
    .orderBy('chat_id')
    .orderBy('message_id')
    .execute();
  for (const r of rows) chat(r.chat_id).messages.push(r.body);
  for (const c of out.values()) c.messages = c.messages.slice(-keep);
  const states = await db
    .selectFrom('sandbox_chats')
    .select(['chat_id', 'reply_keyboard'])
    .where('chat_id', 'in', chatIds)
    .execute();
  for (const s of states) chat(s.chat_id).replyKeyboard = s.reply_keyboard;
  return out;
}

/**
 * Writes a message as it is now (new, edited or deleted). A new one also drops the chat's
 * messages `keep` or more ids behind it: message ids in a chat count up by one.
 */
export async function saveSandboxMessage(
  db: DB,
  m: { chatId: number; messageId: number; body: string; isNew: boolean },
  keep: number,
): Promise<void> {
  await db
    .insertInto('sandbox_messages')
    .values({ chat_id: m.chatId, message_id: m.messageId, body: m.body })
    .onConflict((oc) => oc.columns(['chat_id', 'message_id']).doUpdateSet((eb) => ({ body: eb.ref('excluded.body') })))
    .execute();
  if (m.isNew && m.messageId > keep) {
    await db
      .deleteFrom('sandbox_messages')
      .where('chat_id', '=', m.chatId)
      .where('message_id', '<=', m.messageId - keep)
      .execute();
  }
}

export async function saveSandboxChat(db: DB, chatId: number, replyKeyboard: string | null): Promise<void> {
  await db
    .insertInto('sandbox_chats')
    .values({ chat_id: chatId, reply_keyboard: replyKeyboard })
    .onConflict((oc) => oc.column('chat_id').doUpdateSet((eb) => ({ reply_keyboard: eb.ref('excluded.reply_keyboard') })))
    .execute();
}
