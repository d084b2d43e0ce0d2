// The staff console's home and its lists: active and overdue loans, a reader's loans (keyset-paged,
// a button per loan onto its card), and today's numbers.
import { InlineKeyboard } from 'grammy';
import { daysBetween } from '../../../core/kernel/index.js';
import type { LoanLine } from '../../../core/reports/index.js';
import type { ConsoleTarget } from '../../callbacks.js';
import type { BotContext } from '../../context.js';
import type { BotDeps } from '../../deps.js';
import { truncate } from '../../text.js';
import { staffActor } from './access.js';
import { CONSOLE_PAGE_SIZE, go, homeButton, type Screen, withNotice } from './console-kit.js';
import { readerTag } from './staff-text.js';

export function createConsoleLists(deps: BotDeps) {
  const { reports } = deps;

  function home(ctx: BotContext, notice?: string): Screen {
    const keyboard = new InlineKeyboard()
      .text(ctx.tPlain('console-active'), go({ screen: 'active' }))
      .text(ctx.tPlain('console-overdue'), go({ screen: 'overdue' }))
      .row()
      .text(ctx.tPlain('console-find-book'), go({ screen: 'findBook' }))
      .text(ctx.tPlain('console-find-reader'), go({ screen: 'findReader' }))
      .row()
      .text(ctx.tPlain('console-stats'), go({ screen: 'stats' }))
      .text(ctx.tPlain('console-add-book'), go({ screen: 'addBook' }));
    return { text: withNotice(notice, ctx.t('console-title')), keyboard };
  }

  /** A loan as one list button: number, title, reader, and when it is due (or how late). */
  function loanButton(ctx: BotContext, l: LoanLine, today: string) {
    const late = daysBetween(l.expected_return_date, today);
    const when = l.actual_return_date
      ? ctx.tPlain('console-loan-returned-short', { date: l.actual_return_date.slice(5) })
      : late > 0
        ? ctx.tPlain('console-loan-late-short', { days: late })
        : ctx.tPlain('console-loan-due-short', { date: l.expected_return_date.slice(5) });
    return {
      text: `#${l.borrowing_id} ${truncate(l.title, 28)} · ${truncate(l.reader, 20)} · ${when}`,
      callback_data: go({ screen: 'loan', borrowingId: l.borrowing_id }),
    };
  }

  function loanList(
    ctx: BotContext,
    title: string,
    lines: LoanLine[],
    today: string,
    next: ConsoleTarget | null,
    first: ConsoleTarget | null,
    empty: string,
  ): Screen {
    const keyboard = new InlineKeyboard();
    for (const l of lines) keyboard.add(loanButton(ctx, l, today)).row();
    if (first) keyboard.text(ctx.tPlain('console-first'), go(first));
    if (next) keyboard.text(ctx.tPlain('console-next'), go(next));
    if (first || next) keyboard.row();
    keyboard.add(homeButton(ctx));
    const body = lines.length === 0 ? `${title}\n${empty}` : `${title}\n${ctx.t('console-list-hint')}`;
    return { text: body, keyboard };
  }

  async function active(ctx: BotContext, before?: number): Promise<Screen> {
    const page = await reports.activeLoans(staffActor(ctx), { before, limit: CONSOLE_PAGE_SIZE });
    return loanList(
      ctx,
      ctx.t('admin-active-title'),
      page.lines,
      reports.today(),
      page.next !== null ? { screen: 'active', before: page.next } : null,
      before !== undefined ? { screen: 'active' } : null,
      ctx.t('admin-active-none'),
    );
  }

  async function overdue(ctx: BotContext, after?: [string, number]): Promise<Screen> {
    const page = await reports.overdueLoans(staffActor(ctx), { after, limit: CONSOLE_PAGE_SIZE });
    return loanList(
      ctx,
      ctx.t('admin-overdue-title', { date: page.today }),
      page.lines,
      page.today,
      page.next ? { screen: 'overdue', after: page.next } : null,
      after ? { screen: 'overdue' } : null,
      ctx.t('admin-overdue-none'),
    );
  }

  async function readerLoans(ctx: BotContext, userId: number, before?: number): Promise<Screen> {
    const page = await reports.loansOf(staffActor(ctx), userId, { before, limit: CONSOLE_PAGE_SIZE });
    const first = page.lines[0];
    const title = first
      ? ctx.t('admin-loans-title', { reader: readerTag(first.reader, first.telegram_username, first.user_id) })
      : ctx.t('console-reader-title', { id: String(userId) });
    return loanList(
      ctx,
      title,
      page.lines,
      reports.today(),
      page.next !== null ? { screen: 'readerLoans', userId, before: page.next } : null,
      before !== undefined ? { screen: 'readerLoans', userId } : null,
      ctx.t('admin-loans-none'),
    );
  }

  async function stats(ctx: BotContext): Promise<Screen> {
    const s = await reports.dayStats(staffActor(ctx));
    const text = ctx.t('admin-stats', {
      date: s.date,
      borrowed: s.borrowed,
      returned: s.returned,
      active: s.active,
      overdue: s.overdue,
      paid_count: s.paid_count,
      paid_amount: s.paid_amount,
      refunded_count: s.refunded_count,
      refunded_amount: s.refunded_amount,
    });
    return {
      text,
      keyboard: new InlineKeyboard().text(ctx.tPlain('console-stats-refresh'), go({ screen: 'stats' })).add(homeButton(ctx)),
    };
  }

  return { home, active, overdue, readerLoans, stats };
}
