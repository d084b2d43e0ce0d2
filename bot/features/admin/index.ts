// /admin for librarians, in the staff chat only. Both `/admin <sub> [args]` and the tappable
// `/admin_<sub> [args]` forms work. Long lists are keyset-paged ("More" button) and split into
// messages under 4096 characters. /admin alone opens the staff console (console.ts); adding a
// book and the console's searches are this feature's own conversations.
import { createConversation } from '@grammyjs/conversations';
import { Composer, InlineKeyboard } from 'grammy';
import { daysBetween } from '../../../core/kernel/index.js';
import type { LoanLine } from '../../../core/reports/index.js';
import { html } from '../../../i18n/index.js';
import { adminListCallback, consoleCallback } from '../../callbacks.js';
import type { BotContext, ConvContext } from '../../context.js';
import type { BotDeps } from '../../deps.js';
import { chunkLines, truncate } from '../../text.js';
import { isStaffHere, staffActor } from './access.js';
import { ADD_BOOK_CONVERSATION, addBookConversation } from './add-book.js';
import { consoleFeature, createConsole } from './console.js';
import { CONSOLE_SEARCH_LIMIT } from './console-kit.js';
import { FIND_CONVERSATION } from './find.js';
import { queueLines, readerTag, setAside } from './staff-text.js';

export const ADMIN_SUBCOMMANDS = [
  'addbook',
  'inventory',
  'find',
  'holds',
  'active',
  'overdue',
  'loans',
  'return',
  'refund',
  'stats',
] as const;
export type AdminSub = (typeof ADMIN_SUBCOMMANDS)[number];

/** Rows per page of a staff list (each page may still be split into several messages). */
export const ADMIN_PAGE_SIZE = 50;

/** Which command was sent ("admin" or "admin_stats"), without the @botname suffix. */
function commandName(ctx: BotContext): string {
  const text = ctx.msg?.text ?? '';
  const m = /^\/([A-Za-z0-9_]+)/.exec(text);
  return (m?.[1] ?? '').toLowerCase();
}

export function adminFeature(deps: BotDeps): Composer<BotContext> {
  const { core, reports } = deps;
  const staffConsole = createConsole(deps);
  const composer = new Composer<BotContext>();
  // Its conversations first, before anything that could take their answers (bot/index.ts).
  composer.use(createConversation<BotContext, ConvContext>(addBookConversation(deps), ADD_BOOK_CONVERSATION));
  composer.use(createConversation<BotContext, ConvContext>(staffConsole.findConversation(), FIND_CONVERSATION));

  /** Sends lines as one or more messages; the last one carries the "More" button when there is more. */
  async function sendList(ctx: BotContext, header: string, lines: string[], more?: string) {
    const chunks = chunkLines(lines, header);
    for (let i = 0; i < chunks.length; i++) {
      const last = i === chunks.length - 1;
      await ctx.reply(
        chunks[i]!,
        last && more ? { reply_markup: new InlineKeyboard().text(ctx.tPlain('admin-more'), more) } : {},
      );
    }
  }

  const loanLine = (ctx: BotContext, l: LoanLine, today: string) => {
    const late = daysBetween(l.expected_return_date, today);
    const status = l.actual_return_date
      ? ctx.t('admin-loan-returned', { date: l.actual_return_date })
      : late > 0
        ? ctx.t('admin-loan-overdue', { date: l.expected_return_date, days: late })
        : ctx.t('admin-loan-due', { date: l.expected_return_date });
    return ctx.t('admin-loan-line', {
      id: String(l.borrowing_id),
      title: truncate(l.title, 80),
      reader: readerTag(l.reader, l.telegram_username, l.user_id),
      borrowed: html(ctx.t('admin-loan-borrowed', { date: l.borrow_date })),
      status: html(status),
    });
  };

  async function active(ctx: BotContext, before?: number) {
    const page = await reports.activeLoans(staffActor(ctx), { before, limit: ADMIN_PAGE_SIZE });
    const today = reports.today();
    if (page.lines.length === 0) return ctx.reply(ctx.t(before === undefined ? 'admin-active-none' : 'admin-list-end'));
    await sendList(
      ctx,
      ctx.t('admin-active-title'),
      page.lines.map((l) => loanLine(ctx, l, today)),
      page.next !== null ? adminListCallback.data({ list: 'active', before: page.next }) : undefined,
    );
  }

  async function overdue(ctx: BotContext, after?: [string, number]) {
    const page = await reports.overdueLoans(staffActor(ctx), { after, limit: ADMIN_PAGE_SIZE });
    if (page.lines.length === 0) return ctx.reply(ctx.t(after === undefined ? 'admin-overdue-none' : 'admin-list-end'));
    await sendList(
      ctx,
      ctx.t('admin-overdue-title', { date: page.today }),
      page.lines.map((l) => loanLine(ctx, l, page.today)),
      page.next ? adminListCallback.data({ list: 'overdue', after: page.next }) : undefined,
    );
  }

  async function loansOf(ctx: BotContext, userId: number, before?: number) {
    const page = await reports.loansOf(staffActor(ctx), userId, { before, limit: ADMIN_PAGE_SIZE });
    const today = reports.today();
    if (page.lines.length === 0) return ctx.reply(ctx.t(before === undefined ? 'admin-loans-none' : 'admin-list-end'));
    const first = page.lines[0]!;
    const header = ctx.t('admin-loans-title', { reader: readerTag(first.reader, first.telegram_username, first.user_id) });
    await sendList(
      ctx,
      header,
      page.lines.map((l) => loanLine(ctx, l, today)),
      page.next !== null ? adminListCallback.data({ list: 'loans', userId, before: page.next }) : undefined,
    );
  }

  /** A book's queue: the copies set aside (with their deadlines), then the readers waiting, in order. */
  async function holdsOf(ctx: BotContext, bookId: number) {
    const { book, lines } = await core.holds.queue(staffActor(ctx), bookId, { limit: ADMIN_PAGE_SIZE });
    const header = ctx.t('admin-holds-title', { title: truncate(book.title, 120), id: String(book.id) });
    if (lines.length === 0) return ctx.reply(`${header}\n${ctx.t('admin-holds-none')}`);
    const ready = setAside(book);
    const summary = ctx.t('admin-holds-summary', { ready, waiting: book.holds });
    const rest = ready + book.holds - lines.length;
    const text = queueLines(ctx, core.rules.timeZone, lines);
    if (rest > 0) text.push(ctx.t('admin-holds-more', { rest }));
    await sendList(ctx, `${header}\n${summary}`, text);
  }

  async function run(ctx: BotContext, sub: string, args: string) {
    const usage = () => ctx.reply(ctx.t('admin-usage', { command: sub }));
    switch (sub) {
      case 'addbook':
        return ctx.conversation.enter(ADD_BOOK_CONVERSATION);
      case 'inventory': {
        const m = /^#?(\d{1,15})\s+(\d{1,9})$/.exec(args);
        if (!m) return usage();
        const book = await core.books.setInventory(staffActor(ctx), Number(m[1]), Number(m[2]));
        return ctx.reply(ctx.t('admin-inventory-set', { id: String(book.id), title: book.title, copies: book.inventory }));
      }
      case 'find': {
        if (!args) return usage();
        const page = await core.books.list({ search: args.slice(0, 100), limit: 20 });
        const query = args.slice(0, 100);
        if (page.results.length === 0) return ctx.reply(ctx.t('admin-find-none', { query }));
        const lines = page.results.map((b) => {
          const line = ctx.t('admin-find-book', {
            id: String(b.id),
            title: truncate(b.title, 120),
            author: truncate(b.author, 60),
            copies: b.inventory,
            fee: b.daily_fee,
          });
          return b.isbn ? `${line} · ${ctx.t('admin-find-isbn', { isbn: b.isbn })}` : line;
        });
        return sendList(ctx, ctx.t('admin-find-title', { query }), lines);
      }
      case 'holds': {
        if (!args) return usage();
        const byId = /^#?(\d{1,15})$/.exec(args);
        if (byId) return holdsOf(ctx, Number(byId[1]));
        // Words: the one book they find, or the books to choose from (each opens its card, with its queue).
        const query = args.slice(0, 100);
        const page = await core.books.list({ search: query, limit: CONSOLE_SEARCH_LIMIT });
        if (page.results.length === 0) return ctx.reply(ctx.t('admin-find-none', { query }));
        if (page.results.length === 1) return holdsOf(ctx, page.results[0]!.id);
        const keyboard = new InlineKeyboard();
        for (const b of page.results)
          keyboard
            .text(
              `#${b.id} ${truncate(b.title, 36)} · ${ctx.tPlain('admin-holds-waiting-short', { readers: b.holds })}`,
              consoleCallback.data({ screen: 'book', bookId: b.id }),
            )
            .row();
        return ctx.reply(ctx.t('admin-holds-choose', { query }), { reply_markup: keyboard });
      }
      case 'active':
        return active(ctx);
      case 'overdue':
        return overdue(ctx);
      case 'loans': {
        if (!args) return usage();
        const reader = await reports.findReader(staffActor(ctx), args);
        if (!reader) return ctx.reply(ctx.t('admin-reader-not-found', { query: truncate(args, 64) }));
        return loansOf(ctx, reader.id);
      }
      case 'return': {
        const m = /^#?(\d{1,15})$/.exec(args);
        if (!m) return usage();
        // The answer here is the staff chat's message about the return (one message per event).
        const { borrowing, fine } = await core.borrowings.returnBook(staffActor(ctx), Number(m[1]), { staffSeesIt: true });
        const text = ctx.t('admin-returned', {
          id: String(borrowing.id),
          title: borrowing.book.title,
          date: borrowing.actual_return_date ?? '',
        });
        return ctx.reply(
          fine ? `${text}\n${ctx.t('admin-returned-fine', { amount: fine.money_to_pay, payment: String(fine.id) })}` : text,
        );
      }
      case 'refund': {
        const m = /^#?(\d{1,15})$/.exec(args);
        if (!m) return usage();
        return staffConsole.askRefund(ctx, Number(m[1]));
      }
      case 'stats': {
        const s = await reports.dayStats(staffActor(ctx));
        return ctx.reply(
          ctx.t('admin-stats', {
            date: s.date,
            borrowed: s.borrowed,
            returned: s.returned,
            active: s.active,
            overdue: s.overdue,
            paid_count: s.paid_count,
            paid_amount: s.paid_amount,
            refunded_count: s.refunded_count,
            refunded_amount: s.refunded_amount,
          }),
        );
      }
      case 'help':
        return ctx.reply(ctx.t('admin-help'));
      default:
        return ctx.reply(`${ctx.t('admin-unknown', { command: truncate(sub, 32) })}\n\n${ctx.t('admin-help')}`);
    }
  }

  const commands = ['admin', ...ADMIN_SUBCOMMANDS.map((s) => `admin_${s}`)];
  // Staff handlers hang off this branch only, so none of them can forget the check.
  const staff = composer.chatType(['group', 'supergroup']).filter((ctx) => isStaffHere(deps, ctx));

  staff.command(commands, async (ctx) => {
    const name = commandName(ctx);
    const rest = ctx.match.trim();
    if (name === 'admin') {
      const [first = '', ...more] = rest.split(/\s+/);
      const sub = first.toLowerCase();
      // /admin alone opens the console; /admin <command> is the typed shortcut.
      if (sub === '') return staffConsole.open(ctx);
      return run(ctx, sub, more.join(' ').trim());
    }
    return run(ctx, name.slice('admin_'.length), rest);
  });

  // "More" buttons of the staff lists, and the button of overdue reports sent before it opened the console.
  staff.callbackQuery(adminListCallback.pattern, async (ctx) => {
    const page = adminListCallback.parse(ctx.callbackQuery.data)!;
    // An older report's button: the console's Overdue list, as the report's button does now.
    if (page.list === 'overdue' && !page.after) return staffConsole.openUnder(ctx, 'overdue');
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => undefined); // a "More" button has done its job
    if (page.list === 'active') return active(ctx, page.before);
    if (page.list === 'overdue') return overdue(ctx, page.after);
    return loansOf(ctx, page.userId, page.before);
  });

  consoleFeature(staffConsole, staff);

  // Everyone else, anywhere: the same short refusal, so nothing about the staff leaks.
  composer.command(commands, (ctx) => ctx.reply(ctx.t('admin-refused')));
  composer.callbackQuery([adminListCallback.pattern, consoleCallback.pattern], (ctx) =>
    ctx.answerCallbackQuery({ text: ctx.tPlain('admin-refused'), show_alert: true }),
  );

  return composer;
}
