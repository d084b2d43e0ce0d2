// The staff console: /admin in the staff chat opens a message with buttons — Active, Overdue, Find
// a book, Find a reader, Stats, Add a book. Lists are keyset-paged button lists; a loan opens a
// card (reader, book, dates, payments) with Return, Refund (after a confirmation showing the
// amount) and Remind; a book opens a card with its copies, − / + and its queue (holds). Staff notifications carry
// an "Open" button onto the loan's card. Every screen edits its own message, and every button
// carries what its screen needs (consoleCallback), so any librarian can press any button.
// Rights are core's: every use case called here takes the librarian's Actor.
import type { Composer } from 'grammy';
import { type ConsoleTarget, consoleCallback, type OpenList } from '../../callbacks.js';
import type { BotContext } from '../../context.js';
import type { BotDeps } from '../../deps.js';
import { attempt, domainErrorText } from '../../errors.js';
import { truncate } from '../../text.js';
import { staffActor } from './access.js';
import { ADD_BOOK_CONVERSATION } from './add-book.js';
import { createBookCard } from './book-card.js';
import type { Screen } from './console-kit.js';
import { createConsoleLists } from './console-lists.js';
import { FIND_CONVERSATION, findConversation } from './find.js';
import { createLoanCard } from './loan-card.js';

export function createConsole(deps: BotDeps) {
  const { core } = deps;
  const { home, active, overdue, readerLoans, stats } = createConsoleLists(deps);
  const { loan, confirmReturn, doReturn, confirmRefund, askRefund, doRefund } = createLoanCard(deps);
  const { book, setInventory } = createBookCard(deps);

  /** The screen a button leads to; null when the button starts something else (a question). */
  async function screenFor(ctx: BotContext, target: ConsoleTarget): Promise<Screen | null> {
    switch (target.screen) {
      case 'home':
        return home(ctx);
      case 'stats':
        return stats(ctx);
      case 'active':
        return active(ctx, target.before);
      case 'overdue':
        return overdue(ctx, target.after);
      case 'readerLoans':
        return readerLoans(ctx, target.userId, target.before);
      case 'loan':
        return loan(ctx, target.borrowingId);
      case 'return':
        return target.confirmed ? doReturn(ctx, target.borrowingId) : confirmReturn(ctx, target.borrowingId);
      case 'refund':
        return target.confirmed ? doRefund(ctx, target.paymentId) : confirmRefund(ctx, target.paymentId);
      case 'book':
        return book(ctx, target.bookId);
      case 'inventory':
        return setInventory(ctx, target.bookId, target.inventory);
      case 'remind':
      case 'findBook':
      case 'findReader':
      case 'addBook':
      case 'open':
        return null;
    }
  }

  /** A console button pressed by staff in the staff chat. */
  async function press(ctx: BotContext & { callbackQuery: { data: string } }): Promise<unknown> {
    const target = consoleCallback.parse(ctx.callbackQuery.data)!;
    switch (target.screen) {
      case 'remind': {
        const r = await attempt(() => core.notices.remindNow(staffActor(ctx), target.borrowingId));
        if (!r.ok)
          return ctx.answerCallbackQuery({
            text: truncate(domainErrorText(ctx.lang, r).replace(/<[^>]*>/g, ''), 190),
            show_alert: true,
          });
        const key = r.value.queued
          ? r.value.kind === 'reader.overdue'
            ? 'console-reminded-overdue'
            : 'console-reminded-due'
          : r.value.reason === 'no_telegram'
            ? 'console-remind-no-telegram'
            : 'console-remind-already';
        return ctx.answerCallbackQuery({ text: ctx.tPlain(key), show_alert: true });
      }
      case 'findBook':
      case 'findReader':
        await ctx.answerCallbackQuery();
        return ctx.conversation.enter(FIND_CONVERSATION, target.screen === 'findBook' ? 'book' : 'reader');
      case 'addBook':
        await ctx.answerCallbackQuery();
        return ctx.conversation.enter(ADD_BOOK_CONVERSATION);
      case 'loan':
        // From a staff notification: the card as a new message under it, the notification kept.
        if (target.fresh) return underNotice(ctx, await loan(ctx, target.borrowingId));
        break;
      case 'open':
        return openUnder(ctx, target.list);
      default:
        break;
    }
    const shown = await attempt(async () => screenFor(ctx, target));
    if (!shown.ok) {
      const s = home(ctx, domainErrorText(ctx.lang, shown));
      return ctx.editMessageText(s.text, { reply_markup: s.keyboard });
    }
    if (shown.value) await ctx.editMessageText(shown.value.text, { reply_markup: shown.value.keyboard });
  }

  /** A screen as a new message answering the notice whose button was pressed (the notice stays as it was). */
  function underNotice(ctx: BotContext, s: Screen) {
    const from = ctx.callbackQuery?.message?.message_id;
    return ctx.reply(s.text, {
      reply_markup: s.keyboard,
      ...(from ? { reply_parameters: { message_id: from, allow_sending_without_reply: true } } : {}),
    });
  }

  /**
   * A staff notice's button into the console (the daily overdue report, a digest): that screen —
   * the paged list whose loans open their cards — under the notice, which keeps its button.
   */
  async function openUnder(ctx: BotContext, list: OpenList): Promise<unknown> {
    await ctx.answerCallbackQuery();
    const s = list === 'overdue' ? await overdue(ctx) : list === 'active' ? await active(ctx) : home(ctx);
    return underNotice(ctx, s);
  }

  /** /admin with nothing after it: the console's first screen, as a new message. */
  async function open(ctx: BotContext): Promise<void> {
    const s = home(ctx);
    await ctx.reply(s.text, { reply_markup: s.keyboard });
  }

  return { open, press, askRefund, openUnder, findConversation: () => findConversation(deps, readerLoans) };
}

export type Console = ReturnType<typeof createConsole>;

/** The console's buttons, for staff in the staff chat (the caller hands the filtered branch). */
export function consoleFeature<C extends BotContext>(console: Console, staff: Composer<C>): void {
  staff.callbackQuery(consoleCallback.pattern, (ctx) => console.press(ctx));
}
