// The staff chat's longer notices: the daily overdue report and the digest of notices combined
// when more came than the chat may be sent in a minute (jobs/staff-digest.ts). Each is one
// message under Telegram's limit whatever the data, with buttons into the console.
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { OverdueLoan, StaffDigestEntry, StaffEventKind } from '../core/notices/index.js';
import { escapeClipped, t, tPlain } from '../i18n/index.js';
import { consoleCallback } from './callbacks.js';
import { int, kindOf, readerLabel, type Stored, type StoredPayload, str } from './notice-payload.js';
import { TELEGRAM_TEXT_LIMIT, truncate } from './text.js';

interface StaffMessage {
  text: string;
  reply_markup?: InlineKeyboardMarkup;
}

/** The report as stored: rows queued before it became one message list `loans` and no `readers`. */
type StoredReport = StoredPayload<'staff.overdue_report'> & Stored<{ loans: OverdueLoan[] }>;

/** One line of a digest: its number, reader and book, and what else the kind's line says. */
function digestLine(lang: string, f: StaffDigestEntry): string {
  const common = {
    borrowingId: str(f.payload, 'borrowing_id'),
    reader: truncate(readerLabel(f.payload), 60),
    book: truncate(str(f.payload, 'book_title'), 80),
  };
  switch (f.kind) {
    case 'staff.borrowing_created':
      return t(lang, 'notify-staff-digest-line-created', { ...common, dueDate: str(f.payload, 'expected_return_date') });
    case 'staff.borrowing_extended':
      return t(lang, 'notify-staff-digest-line-extended', { ...common, dueDate: str(f.payload, 'expected_return_date') });
    case 'staff.borrowing_returned':
      return t(lang, 'notify-staff-digest-line-returned', common);
    case 'staff.payment_received':
      return t(lang, 'notify-staff-digest-line-paid', { ...common, amount: str(f.payload, 'amount'), type: kindOf(f.payload) });
  }
}

/** A digest's count lines, in the order they are shown (and the kinds whose lines it shows). */
const DIGEST_COUNTS: [kind: StaffEventKind, key: string][] = [
  ['staff.borrowing_created', 'notify-staff-digest-count-created'],
  ['staff.borrowing_extended', 'notify-staff-digest-count-extended'],
  ['staff.borrowing_returned', 'notify-staff-digest-count-returned'],
  ['staff.payment_received', 'notify-staff-digest-count-paid'],
];
const DIGEST_KINDS = new Set<string>(DIGEST_COUNTS.map(([kind]) => kind));

export function createStaffNotices() {
  // Lines are formatted once per (language, days) with markers, then filled with each loan's
  // escaped values: thousands of lines would otherwise each cost a Fluent call.
  const lineTemplates = new Map<string, string>();
  function overdueLine(lang: string, loan: OverdueLoan): string {
    const days = Math.trunc(Number(loan.days)) || 0;
    const key = `${lang}|${days}`;
    let template = lineTemplates.get(key);
    if (template === undefined) {
      template = t(lang, 'notify-staff-overdue-line', {
        borrowingId: '\u0001',
        reader: '\u0002',
        book: '\u0003',
        dueDate: '\u0004',
        days,
      });
      if (lineTemplates.size < 1000) lineTemplates.set(key, template);
    }
    return template
      .replace('\u0001', () => String(Math.trunc(Number(loan.borrowing_id)) || 0))
      .replace('\u0002', () => escapeClipped(String(loan.reader ?? ''), 100).html)
      .replace('\u0003', () => escapeClipped(String(loan.book ?? ''), 120).html)
      .replace('\u0004', () => escapeClipped(String(loan.due ?? ''), 10).html);
  }

  /**
   * The daily staff report: one message under Telegram's limit whatever the data — the counts,
   * the longest overdue loans that fit, and a button onto the paged list. Rows queued before the
   * report became one message (`loans`, no `readers`) render the same way.
   */
  function overdueReport(lang: string, p: StoredReport, limit = TELEGRAM_TEXT_LIMIT): StaffMessage {
    const date = str(p, 'date');
    const total = int(p, 'total');
    const listed: unknown[] = Array.isArray(p.oldest) ? p.oldest : Array.isArray(p.loans) ? p.loans : [];
    const loans = listed.filter((l): l is OverdueLoan => typeof l === 'object' && l !== null);
    if (total === 0) return { text: t(lang, 'notify-staff-overdue-none', { date }) };
    const header =
      p.readers === undefined
        ? t(lang, 'notify-staff-overdue-header', { date, total: String(total) })
        : t(lang, 'notify-staff-overdue-summary', { date, total, readers: int(p, 'readers') });
    const head = `${header}\n${t(lang, 'notify-staff-overdue-oldest')}`;
    const footer = (rest: number) =>
      (rest > 0 ? `${t(lang, 'notify-staff-overdue-more', { rest })}\n` : '') + t(lang, 'notify-staff-overdue-page');
    // Room for the footer at its longest (every loan left unlisted).
    const room = limit - head.length - footer(total).length - 2;
    const lines: string[] = [];
    let size = 0;
    for (const loan of loans) {
      const line = overdueLine(lang, loan);
      if (size + line.length + 1 > room) break;
      lines.push(line);
      size += line.length + 1;
    }
    const text = [head, ...lines, footer(Math.max(0, total - lines.length))].join('\n');
    // The console's paged Overdue list, whose loans open their cards (bot/features/admin/console.ts), under the report.
    return {
      text,
      reply_markup: {
        inline_keyboard: [
          [
            {
              text: tPlain(lang, 'notify-staff-overdue-button'),
              callback_data: consoleCallback.data({ screen: 'open', list: 'overdue' }),
            },
          ],
        ],
      },
    };
  }

  /**
   * Staff notices combined into one message when more came than the chat may be sent in a minute
   * (jobs/staff-digest.ts): the counts by kind, the first few as one line each, and buttons into
   * the console, whose lists hold them all.
   */
  function digest(lang: string, p: StoredPayload<'staff.digest'>): StaffMessage {
    const counts = p.counts && typeof p.counts === 'object' ? p.counts : {};
    const total = int(p, 'total');
    const lines = [t(lang, 'notify-staff-digest-title', { total })];
    for (const [kind, key] of DIGEST_COUNTS) {
      const n = Math.trunc(Number(counts[kind])) || 0;
      if (n > 0) lines.push(t(lang, key, { count: n }));
    }
    const listed: unknown[] = Array.isArray(p.first) ? p.first : [];
    const first = listed
      .filter(
        (f): f is StaffDigestEntry =>
          typeof f === 'object' && f !== null && typeof (f as { payload?: unknown }).payload === 'object',
      )
      // A payload that was JSON null still has its line, with what it can show.
      .map((f) => (f.payload === null ? { ...f, payload: {} } : f));
    if (first.length > 0) lines.push(t(lang, 'notify-staff-digest-first'));
    for (const f of first) if (DIGEST_KINDS.has(f.kind)) lines.push(digestLine(lang, f));
    if (total > first.length) lines.push(t(lang, 'notify-staff-digest-more', { rest: total - first.length }));
    const open = (list: 'active' | 'home', key: string): InlineKeyboardButton => ({
      text: tPlain(lang, key),
      callback_data: consoleCallback.data({ screen: 'open', list }),
    });
    return {
      text: lines.join('\n'),
      reply_markup: {
        inline_keyboard: [
          [open('active', 'notify-staff-digest-active-button'), open('home', 'notify-staff-digest-console-button')],
        ],
      },
    };
  }

  return { overdueReport, digest };
}
