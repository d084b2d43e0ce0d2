// The staff console: /admin in the staff chat opens a message with buttons — Active, Overdue, Find
// a book, Find a reader, Stats, Add a book. Lists are keyset-paged button lists; a loan opens a
// card (reader, book, dates, payments) with Return, Refund (after a confirmation showing the
// amount) and Remind; a book opens a card with its copies, − / + and its queue (holds). Staff notifications carry
// an "Open" button onto the loan's card. Every screen edits its own message, and every button
// carries what its screen needs (consoleCallback), so any librarian can press any button.
// Rights are core's: every use case called here takes the librarian's Actor.
import { type Composer, InlineKeyboard } from 'grammy';
import { type Book, MAX_INVENTORY } from '../../../core/catalogue/index.js';
import type { QueueLine } from '../../../core/holds/index.js';
import { daysBetween, libraryDateTime } from '../../../core/kernel/index.js';
import { paymentKind } from '../../../core/payments/index.js';
import type { BookCard, LoanCard, LoanLine } from '../../../core/reports/index.js';
import { html, type TVars, tPlain, t as translate } from '../../../i18n/index.js';
import { type ConsoleTarget, consoleCallback, type OpenList } from '../../callbacks.js';
import type { BotContext, BotConversation, ConvContext } from '../../context.js';
import type { BotDeps } from '../../deps.js';
import { attempt, domainErrorText } from '../../errors.js';
import { normalizeLanguage } from '../../reader.js';
import { truncate } from '../../text.js';
import { staffActor } from './access.js';
import { ADD_BOOK_CONVERSATION } from './add-book.js';

/** Loans per page of a console list (one button each). */
export const CONSOLE_PAGE_SIZE = 8;
/** Books a search shows (a narrower search finds the rest). */
export const CONSOLE_SEARCH_LIMIT = 10;
export const FIND_CONVERSATION = 'staff-find';

const go = (target: ConsoleTarget) => consoleCallback.data(target);

interface Screen {
  text: string;
  keyboard: InlineKeyboard;
}

/** Name, @username and account number: what staff need to tell readers apart. */
export function readerTag(name: string, username: string | null, id: number): string {
  const n = truncate(name, 60);
  return username ? `${n} (@${username}, #${id})` : `${n} (#${id})`;
}

/** How many of a book's queue its card names; /admin holds <book> shows the whole of it. */
export const CARD_QUEUE_LINES = 3;

/** Copies set aside for READY holds: every shelf copy not available to borrow (SPEC §11). */
export const setAside = (b: Pick<Book, 'inventory' | 'available'>) => Math.max(0, b.inventory - b.available);

/** Lines of a book's queue (core.holds.queue): READY holds with their deadline, then WAITING in order. */
export function queueLines(ctx: BotContext, timeZone: string, lines: QueueLine[]): string[] {
  return lines.map((l) => {
    const reader = readerTag(l.reader, l.telegram_username, l.user_id);
    return l.status === 'READY'
      ? ctx.t('queue-line-ready', { reader, until: l.ready_until ? libraryDateTime(new Date(l.ready_until), timeZone) : '' })
      : ctx.t('queue-line-waiting', { position: l.position ?? 0, reader, since: l.created_at.slice(0, 10) });
  });
}

export function createConsole(deps: BotDeps) {
  const { core, reports } = deps;

  const homeButton = (ctx: BotContext) => ({ text: ctx.tPlain('console-home'), callback_data: go({ screen: 'home' }) });

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

  const withNotice = (notice: string | undefined, body: string) => (notice ? `${notice}\n\n${body}` : body);

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

  function paymentLine(ctx: BotContext, p: LoanCard['payments'][number]): string {
    const status =
      p.status === 'PAID'
        ? ctx.t('console-payment-paid', { date: (p.paid_at ?? '').slice(0, 10) })
        : p.status === 'REFUNDED'
          ? ctx.t('console-payment-refunded', { date: (p.refunded_at ?? '').slice(0, 10) })
          : ctx.t(p.status === 'EXPIRED' ? 'payment-status-expired-staff' : 'payment-status-pending');
    return ctx.t('console-payment-line', { id: String(p.id), type: paymentKind(p), amount: p.amount, status: html(status) });
  }

  async function loan(ctx: BotContext, borrowingId: number, notice?: string): Promise<Screen> {
    const card = await reports.loanCard(staffActor(ctx), borrowingId);
    const today = reports.today();
    const late = daysBetween(card.expected_return_date, today);
    const dates = card.actual_return_date
      ? ctx.t('console-loan-dates-returned', {
          borrowed: card.borrow_date,
          due: card.expected_return_date,
          returned: card.actual_return_date,
        })
      : late > 0
        ? ctx.t('console-loan-dates-late', { borrowed: card.borrow_date, due: card.expected_return_date, days: late })
        : ctx.t('console-loan-dates', { borrowed: card.borrow_date, due: card.expected_return_date });
    const lines = [
      ctx.t('console-loan-title', { id: String(card.borrowing_id) }),
      ctx.t('console-loan-book', { title: card.book.title, author: card.book.author, id: String(card.book.id) }),
      ctx.t('console-loan-reader', { reader: readerTag(card.reader.name, card.reader.telegram_username, card.reader.id) }) +
        (card.reader.email ? ` · ${ctx.t('console-loan-email', { email: card.reader.email })}` : ''),
      dates,
      card.payments.length ? ctx.t('console-loan-payments') : ctx.t('console-loan-no-payments'),
      ...card.payments.map((p) => paymentLine(ctx, p)),
    ];
    const keyboard = new InlineKeyboard();
    if (!card.actual_return_date) {
      keyboard.text(ctx.tPlain('console-return'), go({ screen: 'return', borrowingId, confirmed: false }));
      if (card.reader.telegram_linked) keyboard.text(ctx.tPlain('console-remind'), go({ screen: 'remind', borrowingId }));
      keyboard.row();
    }
    for (const p of card.payments.filter((x) => x.status === 'PAID')) {
      keyboard
        .text(
          ctx.tPlain('console-refund', { id: String(p.id), amount: p.amount }),
          go({ screen: 'refund', paymentId: p.id, confirmed: false }),
        )
        .row();
    }
    keyboard
      .text(ctx.tPlain('console-open-book'), go({ screen: 'book', bookId: card.book.id }))
      .text(ctx.tPlain('console-open-reader'), go({ screen: 'readerLoans', userId: card.reader.id }))
      .row()
      .add(homeButton(ctx));
    return { text: withNotice(notice, lines.join('\n')), keyboard };
  }

  async function confirmReturn(ctx: BotContext, borrowingId: number): Promise<Screen> {
    const card = await reports.loanCard(staffActor(ctx), borrowingId);
    if (card.actual_return_date) return loan(ctx, borrowingId, ctx.t('error-already-returned'));
    const late = daysBetween(card.expected_return_date, reports.today());
    const text = [
      ctx.t('console-return-question', {
        title: card.book.title,
        id: String(borrowingId),
        reader: readerTag(card.reader.name, card.reader.telegram_username, card.reader.id),
      }),
      late > 0
        ? ctx.t('console-return-late', { days: late, fine: card.fine_if_returned_today ?? '' })
        : ctx.t('console-return-on-time'),
    ].join('\n');
    const keyboard = new InlineKeyboard()
      .text(ctx.tPlain('console-return-yes'), go({ screen: 'return', borrowingId, confirmed: true }))
      .text(ctx.tPlain('menu-back'), go({ screen: 'loan', borrowingId }));
    return { text, keyboard };
  }

  async function doReturn(ctx: BotContext, borrowingId: number): Promise<Screen> {
    // This card, edited in the staff chat, is the staff's message about the return: no notice repeats it there.
    const done = await attempt(() => core.borrowings.returnBook(staffActor(ctx), borrowingId, { staffSeesIt: true }));
    if (!done.ok) return loan(ctx, borrowingId, domainErrorText(ctx.lang, done));
    const { borrowing, fine } = done.value;
    const notice =
      ctx.t('admin-returned', {
        id: String(borrowing.id),
        title: borrowing.book.title,
        date: borrowing.actual_return_date ?? '',
      }) + (fine ? `\n${ctx.t('admin-returned-fine', { amount: fine.money_to_pay, payment: String(fine.id) })}` : '');
    return loan(ctx, borrowingId, notice);
  }

  /** The question before a refund; typed (from /admin refund), its answers are Yes and No. */
  async function confirmRefund(ctx: BotContext, paymentId: number, typed = false): Promise<Screen> {
    const payment = await core.payments.get(staffActor(ctx), paymentId);
    const card = await reports.loanCard(staffActor(ctx), payment.borrowing_id);
    if (payment.status !== 'PAID')
      return loan(
        ctx,
        payment.borrowing_id,
        domainErrorText(ctx.lang, { code: 'PAYMENT_NOT_REFUNDABLE', message: payment.status }),
      );
    const text = ctx.t('console-refund-question', {
      id: String(paymentId),
      type: paymentKind(payment),
      amount: payment.money_to_pay,
      title: card.book.title,
      reader: readerTag(card.reader.name, card.reader.telegram_username, card.reader.id),
    });
    const keyboard = new InlineKeyboard()
      .text(
        ctx.tPlain(typed ? 'console-refund-typed-yes' : 'console-refund-yes', { amount: payment.money_to_pay }),
        go({ screen: 'refund', paymentId, confirmed: true }),
      )
      .text(ctx.tPlain(typed ? 'console-refund-no' : 'menu-back'), go({ screen: 'loan', borrowingId: payment.borrowing_id }));
    return { text, keyboard };
  }

  /**
   * `/admin refund N`: the same question as the Refund button, as a new message; nothing is
   * refunded until Yes is pressed (a typed number is easily the wrong one).
   */
  async function askRefund(ctx: BotContext, paymentId: number): Promise<void> {
    const payment = await core.payments.get(staffActor(ctx), paymentId);
    if (payment.status !== 'PAID') {
      await ctx.reply(domainErrorText(ctx.lang, { code: 'PAYMENT_NOT_REFUNDABLE', message: payment.status }));
      return;
    }
    const s = await confirmRefund(ctx, paymentId, true);
    await ctx.reply(s.text, { reply_markup: s.keyboard });
  }

  async function doRefund(ctx: BotContext, paymentId: number): Promise<Screen> {
    const before = await core.payments.get(staffActor(ctx), paymentId);
    const done = await attempt(() => core.payments.refund(staffActor(ctx), paymentId));
    if (!done.ok) return loan(ctx, before.borrowing_id, domainErrorText(ctx.lang, done));
    return loan(ctx, before.borrowing_id, ctx.t('admin-refunded', { id: String(paymentId), amount: done.value.money_to_pay }));
  }

  /** The book card's queue: the counts, then its first few lines (the rest: /admin holds <id>). */
  async function queuePreview(ctx: BotContext, bookId: number): Promise<string[]> {
    const { book, lines } = await core.holds.queue(staffActor(ctx), bookId, { limit: CARD_QUEUE_LINES });
    const ready = setAside(book);
    if (ready === 0 && book.holds === 0) return [ctx.t('console-book-no-queue')];
    const out = [
      ctx.t('admin-holds-summary', { ready, waiting: book.holds }),
      ...queueLines(ctx, core.deps.config.rules.timeZone, lines),
    ];
    const rest = ready + book.holds - lines.length;
    if (rest > 0) out.push(ctx.t('console-book-queue-more', { rest, id: String(bookId) }));
    return out;
  }

  async function book(ctx: BotContext, bookId: number, notice?: string): Promise<Screen> {
    const b: BookCard = await reports.bookCard(staffActor(ctx), bookId);
    const lines = [
      ctx.t('console-book-title', { title: b.title, id: String(b.id) }),
      ctx.t('console-book-details', {
        author: b.author,
        cover: html(ctx.t(b.cover === 'HARD' ? 'cover-hard' : 'cover-soft')),
        fee: b.daily_fee,
      }),
      ...(b.isbn ? [ctx.t('book-isbn', { isbn: b.isbn })] : []),
      // A copy set aside for a reader is on the shelf but not to be lent: said as such.
      b.held > 0
        ? ctx.t('console-book-copies-held', { shelf: b.inventory - b.held, held: b.held, out: b.on_loan })
        : ctx.t('console-book-copies', { shelf: b.inventory, out: b.on_loan }),
      // The queue: how many copies are set aside and readers wait, then the first few of them.
      ...(await queuePreview(ctx, bookId)),
    ];
    const keyboard = new InlineKeyboard();
    if (b.inventory > 0)
      keyboard.text(ctx.tPlain('console-inventory-minus'), go({ screen: 'inventory', bookId, inventory: b.inventory - 1 }));
    if (b.inventory < MAX_INVENTORY)
      keyboard.text(ctx.tPlain('console-inventory-plus'), go({ screen: 'inventory', bookId, inventory: b.inventory + 1 }));
    keyboard
      .row()
      .text(ctx.tPlain('console-find-book'), go({ screen: 'findBook' }))
      .add(homeButton(ctx));
    return { text: withNotice(notice, lines.join('\n')), keyboard };
  }

  async function setInventory(ctx: BotContext, bookId: number, inventory: number): Promise<Screen> {
    const done = await attempt(() => core.books.setInventory(staffActor(ctx), bookId, inventory));
    if (!done.ok) return book(ctx, bookId, domainErrorText(ctx.lang, done));
    return book(ctx, bookId);
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

  /**
   * "Find a book" / "Find a reader": asks for the words (force_reply, so the answer reaches the
   * bot with group privacy mode on), then shows what matches as buttons. A conversation per person
   * in the chat; another button or a command leaves it.
   */
  function findConversation() {
    return async function find(conversation: BotConversation, ctx: ConvContext, what: 'book' | 'reader') {
      const lang = await conversation.external((o) => normalizeLanguage(o.reader?.language));
      const t = (key: string, vars?: TVars) => translate(lang, key, vars);
      await ctx.reply(t(what === 'book' ? 'console-find-book-ask' : 'console-find-reader-ask'), {
        parse_mode: 'HTML',
        reply_markup: { force_reply: true, selective: true },
      });
      let answer: ConvContext;
      for (;;) {
        answer = await conversation.wait();
        if (answer.callbackQuery) await conversation.halt({ next: true });
        const text = answer.message?.text;
        if (text === undefined) continue;
        if (text.startsWith('/')) await conversation.halt({ next: true });
        break;
      }
      const query = truncate(answer.message!.text!.trim().replace(/\s+/g, ' '), 100);
      const home = { text: tPlain(lang, 'console-home'), callback_data: go({ screen: 'home' }) };
      const again = {
        text: tPlain(lang, 'console-search-again'),
        callback_data: go({ screen: what === 'book' ? 'findBook' : 'findReader' }),
      };
      if (what === 'book') {
        const page = await conversation.external(() => core.books.list({ search: query, limit: CONSOLE_SEARCH_LIMIT }));
        const keyboard = new InlineKeyboard();
        for (const b of page.results) {
          keyboard
            .text(
              `#${b.id} ${truncate(b.title, 36)} · ${truncate(b.author, 20)} · ${tPlain(lang, 'console-book-shelf-short', { copies: b.inventory })}`,
              go({ screen: 'book', bookId: b.id }),
            )
            .row();
        }
        keyboard.add(again, home);
        const head = page.results.length === 0 ? t('admin-find-none', { query }) : t('admin-find-title', { query });
        const more = page.next_cursor ? `\n${t('console-search-more', { limit: CONSOLE_SEARCH_LIMIT })}` : '';
        await answer.reply(head + more, { parse_mode: 'HTML', reply_markup: keyboard });
        return;
      }
      const found = await conversation.external(async (o) => {
        const me = o.from ? await core.users.userByTelegramId(o.from.id) : undefined;
        if (!me?.is_staff) return null;
        const reader = await reports.findReader({ userId: me.id, isStaff: true }, query);
        return reader ? { id: reader.id } : null;
      });
      if (!found) {
        await answer.reply(t('admin-reader-not-found', { query }), {
          parse_mode: 'HTML',
          reply_markup: new InlineKeyboard().add(again, home),
        });
        return;
      }
      const screen = await conversation.external(async (o) => {
        const s = await readerLoans(o, found.id);
        return { text: s.text, keyboard: { inline_keyboard: s.keyboard.inline_keyboard } };
      });
      await answer.reply(screen.text, { parse_mode: 'HTML', reply_markup: screen.keyboard });
    };
  }

  return { open, press, askRefund, openUnder, findConversation };
}

export type Console = ReturnType<typeof createConsole>;

/** The console's buttons, for staff in the staff chat (the caller hands the filtered branch). */
export function consoleFeature<C extends BotContext>(console: Console, staff: Composer<C>): void {
  staff.callbackQuery(consoleCallback.pattern, (ctx) => console.press(ctx));
}
