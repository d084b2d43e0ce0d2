// /admin addbook: a conversation in the staff chat asking for each field, each answer checked as
// it is given by core's own rule for the field (an ISBN also by its check digit and against the
// catalogue), the cover by buttons, and the whole book shown for a last confirmation before
// core.books.create. A bad answer re-asks that one field only: nothing typed before is lost.
// Prompts use force_reply so answers reach the bot even with group privacy mode on.
import { InlineKeyboard } from 'grammy';
import { checkBookField, isbnChecksumValid } from '../../../core/catalogue/index.js';
import { formatCents, hasRefusedChars, parseMoney } from '../../../core/kernel/index.js';
import { html, type TVars, tPlain, t as translate } from '../../../i18n/index.js';
import { addBookCallback, type Cover, coverCallback } from '../../callbacks.js';
import type { BotConversation, ConvContext } from '../../context.js';
import type { BotDeps } from '../../deps.js';
import { attempt, domainErrorText } from '../../errors.js';
import { normalizeLanguage } from '../../reader.js';
import { truncate } from '../../text.js';

export const ADD_BOOK_CONVERSATION = 'addbook';

/** An answer's value, or why not: a catalogue key and its values. */
type Checked<T> = { value: T } | { error: string; vars?: TVars };
type Check<T> = (text: string) => Checked<T>;

/**
 * An answer read as a chat message says it (a dash for no ISBN, a decimal comma), then checked by
 * core's own rule for the field; a refusal is answered with the field's hint (`error`).
 */
function answer<F extends Parameters<typeof checkBookField>[0]>(
  field: F,
  error: string,
  read: (text: string) => unknown = (s) => s,
) {
  return ((text) => {
    const r = checkBookField(field, read(text));
    return r.ok ? { value: r.value } : { error };
  }) satisfies Check<unknown>;
}

/** A title or author: a refusal says whether it was the characters or the length. */
function textAnswer(field: 'title' | 'author') {
  const check = answer(field, 'addbook-bad-text');
  return ((text) => {
    const r = check(text);
    return 'error' in r && hasRefusedChars(text) ? { error: 'addbook-bad-chars' } : r;
  }) satisfies Check<unknown>;
}

const noIsbn = (s: string) => s.trim() === '-' || s.trim() === '';

const answers = {
  title: textAnswer('title'),
  author: textAnswer('author'),
  isbn: ((text) => {
    if (noIsbn(text)) return { value: null };
    const r = checkBookField('isbn', text);
    if (r.ok) return { value: r.value ?? null };
    // The reason: characters that are not an ISBN's, or digits whose check digit does not match.
    const given = text.trim();
    const digits = given.replace(/-/g, '').toUpperCase();
    return /^[0-9Xx-]{1,32}$/.test(given) && (/^\d{9}[\dX]$/.test(digits) || /^\d{13}$/.test(digits)) && !isbnChecksumValid(given)
      ? { error: 'addbook-bad-isbn-checksum', vars: { isbn: truncate(given, 32) } }
      : { error: 'addbook-bad-isbn' };
  }) satisfies Check<string | null>,
  inventory: answer('inventory', 'addbook-bad-inventory', (s) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : NaN)),
  fee: answer('daily_fee', 'addbook-bad-fee', (s) => s.trim().replace(',', '.')),
};

export function addBookConversation(deps: BotDeps) {
  const { core } = deps;

  return async function addbook(conversation: BotConversation, ctx: ConvContext) {
    const lang = await conversation.external((o) => normalizeLanguage(o.reader?.language));
    const t = (key: string, vars?: TVars) => translate(lang, key, vars);
    let lastUserMessage = ctx.msg?.message_id;

    const ask = (c: ConvContext, text: string, keyboard?: InlineKeyboard) =>
      c.reply(text, {
        parse_mode: 'HTML',
        reply_markup: keyboard ?? { force_reply: true, selective: true },
        ...(lastUserMessage !== undefined && !keyboard
          ? { reply_parameters: { message_id: lastUserMessage, allow_sending_without_reply: true } }
          : {}),
      });

    /** A command (other than /cancel, handled outside) abandons the book. */
    async function abandonOnCommand(c: ConvContext, text: string | undefined) {
      if (text?.startsWith('/')) {
        await c.reply(t('addbook-abandoned'));
        await conversation.halt({ next: true });
      }
    }

    /**
     * The next update for this conversation: a text from this staff member, or a press on one of
     * its own buttons (`mine`). Any other button (the staff console) is left to its own handler,
     * and the book waits.
     */
    async function next(mine: (data: string) => boolean = () => false): Promise<ConvContext> {
      for (;;) {
        const c = await conversation.wait();
        const data = c.callbackQuery?.data;
        if (data !== undefined) {
          if (mine(data)) return c;
          await conversation.skip({ next: true });
        }
        const text = c.message?.text;
        if (text === undefined) continue;
        await abandonOnCommand(c, text);
        lastUserMessage = c.message!.message_id;
        return c;
      }
    }

    async function field<T>(question: string, check: Check<T>, extra?: (value: T) => Promise<Checked<T>>): Promise<T> {
      await ask(ctx, question);
      for (;;) {
        const c = await next();
        let r = check(c.message!.text!);
        if ('value' in r && extra) r = await extra(r.value);
        if ('value' in r) return r.value;
        await ask(c, t(r.error, r.vars));
      }
    }

    /** An ISBN not on another book of the catalogue (asked again when it is). */
    const notTaken = async (isbn: string | null): Promise<Checked<string | null>> => {
      if (isbn === null) return { value: null };
      const holder = await conversation.external(() => core.books.findByIsbn(isbn));
      return holder
        ? { error: 'addbook-isbn-taken', vars: { id: String(holder.id), title: truncate(holder.title, 80) } }
        : { value: isbn };
    };

    const title = String(await field(t('addbook-ask-title'), answers.title));
    const author = String(await field(t('addbook-ask-author'), answers.author));
    let isbn = await field(t('addbook-ask-isbn'), answers.isbn, notTaken);

    const coverKeyboard = new InlineKeyboard()
      .text(tPlain(lang, 'cover-hard'), coverCallback.data('HARD'))
      .text(tPlain(lang, 'cover-soft'), coverCallback.data('SOFT'));
    await ask(ctx, t('addbook-ask-cover'), coverKeyboard);
    let cover: Cover;
    for (;;) {
      const c = await next((data) => coverCallback.parse(data) !== undefined);
      const chosen = coverCallback.parse(c.callbackQuery?.data);
      if (chosen) {
        cover = chosen;
        await c.answerCallbackQuery();
        await c.editMessageText(t('addbook-cover-chosen', { cover: html(t(cover === 'HARD' ? 'cover-hard' : 'cover-soft')) }), {
          parse_mode: 'HTML',
        });
        break;
      }
      // Typed instead of pressed: the buttons are the answer.
      await ask(c, t('addbook-cover-buttons'), coverKeyboard);
    }

    const copies = Number(await field(t('addbook-ask-inventory'), answers.inventory));
    const dailyFee = (await field(t('addbook-ask-fee'), answers.fee)) as string | number;

    for (;;) {
      // The whole book, to add or not.
      const card = t('addbook-confirm', {
        title,
        author,
        isbn: isbn ?? '—',
        cover: html(t(cover === 'HARD' ? 'cover-hard' : 'cover-soft')),
        copies,
        fee: formatCents(parseMoney(dailyFee)),
      });
      const confirm = new InlineKeyboard()
        .text(tPlain(lang, 'addbook-add-button'), addBookCallback.data('add'))
        .text(tPlain(lang, 'addbook-cancel-button'), addBookCallback.data('cancel'));
      await ask(ctx, card, confirm);
      let press: ConvContext;
      for (;;) {
        press = await next((data) => addBookCallback.parse(data) !== undefined);
        if (press.callbackQuery) break;
        await ask(press, t('addbook-confirm-buttons'), confirm);
      }
      await press.answerCallbackQuery();
      if (addBookCallback.parse(press.callbackQuery!.data) === 'cancel') {
        await press.editMessageText(t('addbook-abandoned'), { parse_mode: 'HTML' });
        return;
      }
      const created = await conversation.external(async (o) => {
        // Still staff at the moment of writing (the conversation may have waited a long time).
        const me = o.from ? await core.users.userByTelegramId(o.from.id) : undefined;
        if (!me?.is_staff) return { ok: false as const, code: 'FORBIDDEN' as const, message: 'Only staff can add books' };
        return attempt(() =>
          core.books.create(
            { userId: me.id, isStaff: me.is_staff },
            { title, author, isbn, cover, inventory: copies, daily_fee: dailyFee },
          ),
        );
      });
      if (created.ok) {
        const b = created.value;
        await press.editMessageText(
          t('addbook-done', { id: String(b.id), title: b.title, author: b.author, copies: b.inventory, fee: b.daily_fee }),
          { parse_mode: 'HTML' },
        );
        return;
      }
      if (created.code !== 'ISBN_TAKEN') {
        await press.editMessageText(domainErrorText(lang, created), { parse_mode: 'HTML' });
        return;
      }
      // Another librarian took the ISBN meanwhile: only the ISBN is asked again.
      await press.editMessageText(t('addbook-isbn-taken-meanwhile'), { parse_mode: 'HTML' });
      isbn = await field(t('addbook-ask-isbn'), answers.isbn, notTaken);
    }
  };
}
