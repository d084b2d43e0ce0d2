import { type Kysely, sql } from 'kysely';
import { engineKind } from '../engine.js';

// The offline sandbox's web chat keeps its chats here (db/sandbox-chats.ts), so a restart shows
// the same conversation beside the loans it made. Written only while the sandbox stands in for
// Telegram; empty otherwise.
//
// - sandbox_messages: one row per message of a sandbox chat, as the Telegram stand-in keeps it
//   (the Bot API message, its HTML source and buttons, edited/deleted) in `body` (JSON). Only a
//   chat's newest messages are kept: each new message drops those more than the web chat's
//   transcript limit behind it, through the primary key.
// - sandbox_chats: what a chat shows beside its messages (the reply keyboard on screen).
export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = engineKind(db) === 'postgres';
  const chatId = pg ? sql.raw('bigint') : sql.raw('INTEGER');
  const text = pg ? sql.raw('text') : sql.raw('TEXT');
  const strict = pg ? sql.raw('') : sql.raw(' STRICT');
  await sql`
    CREATE TABLE sandbox_messages (
      chat_id ${chatId} NOT NULL,
      message_id ${chatId} NOT NULL CHECK (message_id > 0),
      body ${text} NOT NULL,
      PRIMARY KEY (chat_id, message_id)
    )${strict}`.execute(db);
  await sql`
    CREATE TABLE sandbox_chats (
      chat_id ${chatId} PRIMARY KEY,
      reply_keyboard ${text}
    )${strict}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS sandbox_chats`.execute(db);
  await sql`DROP TABLE IF EXISTS sandbox_messages`.execute(db);
}
