// The commands a reader is offered — in Telegram's command menu (setMyCommands, bot/index.ts) and
// in /help (features/main.ts) alike, from this one list, so the two never disagree.
import { escapeHtml, tPlain } from '../i18n/index.js';

export const READER_COMMANDS = ['start', 'catalogue', 'mybooks', 'myholds', 'search', 'language', 'help', 'cancel'] as const;

/** The reader's commands as /help lists them: one line each, with the command menu's description. */
export function readerCommandLines(lang: string): string {
  return READER_COMMANDS.map((c) => `/${c} — ${escapeHtml(tPlain(lang, `command-${c}`))}`).join('\n');
}
