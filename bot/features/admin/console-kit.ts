// What every screen of the staff console (bot/features/admin/console.ts) is made of: a text and
// its buttons, each button carrying what its screen needs (consoleCallback).
import type { InlineKeyboard } from 'grammy';
import { type ConsoleTarget, consoleCallback } from '../../callbacks.js';
import type { BotContext } from '../../context.js';

/** Loans per page of a console list (one button each). */
export const CONSOLE_PAGE_SIZE = 8;
/** Books a search shows (a narrower search finds the rest). */
export const CONSOLE_SEARCH_LIMIT = 10;

export interface Screen {
  text: string;
  keyboard: InlineKeyboard;
}

export const go = (target: ConsoleTarget) => consoleCallback.data(target);

export const withNotice = (notice: string | undefined, body: string) => (notice ? `${notice}\n\n${body}` : body);

export const homeButton = (ctx: BotContext) => ({ text: ctx.tPlain('console-home'), callback_data: go({ screen: 'home' }) });
