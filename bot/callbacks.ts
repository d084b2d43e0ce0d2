// Every callback_data format of the bot's own buttons (menus make theirs in @grammyjs/menu):
// a builder and a parser each, in one place, so that a button and the handler answering it —
// often in another file, or sent days earlier by the outbox — cannot drift apart.
//
//   pay:<payment id>                 Pay on a notice without a live checkout link (bot/notice-renderer.ts)
//   adm:o | adm:a:… | adm:o:… | adm:l:…   staff list pages ("More", the overdue report's button)
//   go:m | go:c | go:y | go:b:<id>   open a screen from a message that carries no menu
//   brw:d:<days> | brw:ok | brw:back | brw:x   the borrow conversation
//   lk:<code> | lk-no                link this Telegram to an account, or not
//   ab:HARD | ab:SOFT                the cover asked for when adding a book
//   ab:ok | ab:x                     add the book shown, or not (the add-book conversation's last step)
//   sc:…                             the staff console (bot/features/admin/console.ts): see consoleCallback;
//                                    sc:n:<h|a|o> opens a console screen under a staff notice
//   hb:<book id>                     Borrow on the "hold ready" notice (bot/notice-renderer.ts): the borrow
//                                    conversation for that book (bot/features/holds.ts)
//   ext:<borrowing id>               Extend on the due-soon reminder (bot/notice-renderer.ts): the extend
//                                    conversation for that loan (bot/features/my-books.ts)
//   xt:d:<YYYY-MM-DD> | xt:ok | xt:back | xt:x   the extend conversation's answers

/** Telegram refuses a button whose callback_data is longer than this (in UTF-8 bytes). */
export const MAX_CALLBACK_DATA_BYTES = 64;

const fits = (data: string) => Buffer.byteLength(data, 'utf8') <= MAX_CALLBACK_DATA_BYTES;

/** A button Telegram would refuse is a bug here, not a message that silently fails later. */
function checked(data: string): string {
  if (!fits(data)) throw new Error(`callback_data over ${MAX_CALLBACK_DATA_BYTES} bytes: ${data}`);
  return data;
}

const ID = '(\\d{1,15})';

export const payCallback = {
  pattern: new RegExp(`^pay:${ID}$`),
  data: (paymentId: number) => checked(`pay:${paymentId}`),
  parse(data: string): number | undefined {
    const m = payCallback.pattern.exec(data);
    return m ? Number(m[1]) : undefined;
  },
};

/** A page of a staff list: `before`/`after` are the keyset cursors core's reports return. */
export type AdminListPage =
  | { list: 'active'; before: number }
  | { list: 'overdue'; after?: [date: string, id: number] }
  | { list: 'loans'; userId: number; before: number };

export const adminListCallback = {
  pattern: new RegExp(`^adm:(?:a:${ID}|o(?::(\\d{4}-\\d{2}-\\d{2}):${ID})?|l:${ID}:${ID})$`),
  /** `{ list: 'overdue' }` is the first page: the daily report's button keeps working on later days. */
  data(page: AdminListPage): string {
    switch (page.list) {
      case 'active':
        return checked(`adm:a:${page.before}`);
      case 'overdue':
        return checked(page.after ? `adm:o:${page.after[0]}:${page.after[1]}` : 'adm:o');
      case 'loans':
        return checked(`adm:l:${page.userId}:${page.before}`);
    }
  },
  parse(data: string): AdminListPage | undefined {
    const m = adminListCallback.pattern.exec(data);
    if (!m) return undefined;
    if (m[1] !== undefined) return { list: 'active', before: Number(m[1]) };
    if (m[4] !== undefined) return { list: 'loans', userId: Number(m[4]), before: Number(m[5]) };
    return m[2] !== undefined ? { list: 'overdue', after: [m[2], Number(m[3])] } : { list: 'overdue' };
  },
};

export type ScreenTarget = { screen: 'm' | 'c' | 'y' } | { screen: 'b'; bookId: number };

export const screenCallback = {
  pattern: new RegExp(`^go:(?:(m|c|y)|b:${ID})$`),
  data: (target: ScreenTarget) => checked(target.screen === 'b' ? `go:b:${target.bookId}` : `go:${target.screen}`),
  parse(data: string): ScreenTarget | undefined {
    const m = screenCallback.pattern.exec(data);
    if (!m) return undefined;
    return m[2] !== undefined ? { screen: 'b', bookId: Number(m[2]) } : { screen: m[1] as 'm' | 'c' | 'y' };
  },
};

export type BorrowAnswer = { days: number } | { answer: 'confirm' | 'back' | 'cancel' };

const BORROW_ANSWERS = { confirm: 'ok', back: 'back', cancel: 'x' } as const;

export const borrowCallback = {
  pattern: /^brw:(?:d:(\d{1,4})|(ok|back|x))$/,
  data: (a: BorrowAnswer) => checked('days' in a ? `brw:d:${a.days}` : `brw:${BORROW_ANSWERS[a.answer]}`),
  parse(data: string): BorrowAnswer | undefined {
    const m = borrowCallback.pattern.exec(data);
    if (!m) return undefined;
    if (m[1] !== undefined) return { days: Number(m[1]) };
    return { answer: m[2] === 'ok' ? 'confirm' : m[2] === 'back' ? 'back' : 'cancel' };
  },
};

export const linkCallback = {
  pattern: /^lk:([A-Za-z0-9_-]{1,61})$/,
  /** Whether a link code can ride on the Link button at all (ours are 32 characters). */
  carries: (code: string) => fits(`lk:${code}`) && linkCallback.pattern.test(`lk:${code}`),
  data: (code: string) => checked(`lk:${code}`),
  parse(data: string): string | undefined {
    return linkCallback.pattern.exec(data)?.[1];
  },
};

/** "Cancel" under the linking question: nothing to carry. */
export const LINK_CANCEL_CALLBACK = 'lk-no';

export type Cover = 'HARD' | 'SOFT';

export const coverCallback = {
  pattern: /^ab:(HARD|SOFT)$/,
  data: (cover: Cover) => checked(`ab:${cover}`),
  parse(data: string | undefined): Cover | undefined {
    return data === undefined ? undefined : (coverCallback.pattern.exec(data)?.[1] as Cover | undefined);
  },
};

export type AddBookAnswer = 'add' | 'cancel';

export const addBookCallback = {
  pattern: /^ab:(ok|x)$/,
  data: (answer: AddBookAnswer) => checked(answer === 'add' ? 'ab:ok' : 'ab:x'),
  parse(data: string | undefined): AddBookAnswer | undefined {
    const m = data === undefined ? null : addBookCallback.pattern.exec(data);
    return m ? (m[1] === 'ok' ? 'add' : 'cancel') : undefined;
  },
};

/**
 * Where a staff console button goes. Stateless: each button carries what its screen needs (ids,
 * keyset cursors), so any librarian in the staff chat can press any button, days later.
 */
export type ConsoleTarget =
  | { screen: 'home' }
  | { screen: 'stats' }
  | { screen: 'findBook' }
  | { screen: 'findReader' }
  | { screen: 'addBook' }
  | { screen: 'active'; before?: number }
  | { screen: 'overdue'; after?: [date: string, id: number] }
  | { screen: 'readerLoans'; userId: number; before?: number }
  /** `fresh`: as a new message (from a staff notification), not in place of this one. */
  | { screen: 'loan'; borrowingId: number; fresh?: boolean }
  | { screen: 'return'; borrowingId: number; confirmed: boolean }
  | { screen: 'refund'; paymentId: number; confirmed: boolean }
  | { screen: 'remind'; borrowingId: number }
  | { screen: 'book'; bookId: number }
  /** Sets the shelf copies to `inventory` (the card's count ± 1): a second press of a stale card changes nothing. */
  | { screen: 'inventory'; bookId: number; inventory: number }
  /** From a staff notice (the overdue report, a digest): a console screen as a new message under it. */
  | { screen: 'open'; list: OpenList };

/** The console screens a staff notice can open. */
export type OpenList = 'home' | 'active' | 'overdue';
const OPEN_LISTS = { home: 'h', active: 'a', overdue: 'o' } as const;

const SIMPLE = { home: 'h', stats: 's', findBook: 'fb', findReader: 'fr', addBook: 'ab' } as const;
const DATE = '(\\d{4}-\\d{2}-\\d{2})';

export const consoleCallback = {
  pattern: new RegExp(
    `^sc:(?:(h|s|fb|fr|ab)|a(?::${ID})?|o(?::${DATE}:${ID})?|u:${ID}(?::${ID})?|([lLmb]):${ID}|([rRfF]):${ID}|i:${ID}:(\\d{1,7})|n:(h|a|o))$`,
  ),
  data(target: ConsoleTarget): string {
    switch (target.screen) {
      case 'home':
      case 'stats':
      case 'findBook':
      case 'findReader':
      case 'addBook':
        return checked(`sc:${SIMPLE[target.screen]}`);
      case 'active':
        return checked(target.before === undefined ? 'sc:a' : `sc:a:${target.before}`);
      case 'overdue':
        return checked(target.after ? `sc:o:${target.after[0]}:${target.after[1]}` : 'sc:o');
      case 'readerLoans':
        return checked(target.before === undefined ? `sc:u:${target.userId}` : `sc:u:${target.userId}:${target.before}`);
      case 'loan':
        return checked(`sc:${target.fresh ? 'L' : 'l'}:${target.borrowingId}`);
      case 'remind':
        return checked(`sc:m:${target.borrowingId}`);
      case 'book':
        return checked(`sc:b:${target.bookId}`);
      case 'return':
        return checked(`sc:${target.confirmed ? 'R' : 'r'}:${target.borrowingId}`);
      case 'refund':
        return checked(`sc:${target.confirmed ? 'F' : 'f'}:${target.paymentId}`);
      case 'inventory':
        return checked(`sc:i:${target.bookId}:${target.inventory}`);
      case 'open':
        return checked(`sc:n:${OPEN_LISTS[target.list]}`);
    }
  },
  parse(data: string): ConsoleTarget | undefined {
    const m = consoleCallback.pattern.exec(data);
    if (!m) return undefined;
    const [, simple, before, date, afterId, userId, userBefore, idKind, id, actKind, actId, bookId, inventory, open] = m;
    if (open !== undefined)
      return { screen: 'open', list: (Object.keys(OPEN_LISTS) as OpenList[]).find((k) => OPEN_LISTS[k] === open)! };
    if (simple !== undefined)
      return { screen: (Object.keys(SIMPLE) as (keyof typeof SIMPLE)[]).find((k) => SIMPLE[k] === simple)! };
    if (userId !== undefined)
      return userBefore !== undefined
        ? { screen: 'readerLoans', userId: Number(userId), before: Number(userBefore) }
        : { screen: 'readerLoans', userId: Number(userId) };
    if (idKind !== undefined) {
      const n = Number(id);
      if (idKind === 'l' || idKind === 'L')
        return idKind === 'L' ? { screen: 'loan', borrowingId: n, fresh: true } : { screen: 'loan', borrowingId: n };
      return idKind === 'm' ? { screen: 'remind', borrowingId: n } : { screen: 'book', bookId: n };
    }
    if (actKind !== undefined) {
      const n = Number(actId);
      return actKind === 'r' || actKind === 'R'
        ? { screen: 'return', borrowingId: n, confirmed: actKind === 'R' }
        : { screen: 'refund', paymentId: n, confirmed: actKind === 'F' };
    }
    if (bookId !== undefined) return { screen: 'inventory', bookId: Number(bookId), inventory: Number(inventory) };
    if (date !== undefined) return { screen: 'overdue', after: [date, Number(afterId)] };
    if (data.startsWith('sc:o')) return { screen: 'overdue' };
    return before !== undefined ? { screen: 'active', before: Number(before) } : { screen: 'active' };
  },
};

/** Borrow, on the notice that a copy is set aside for the reader (SPEC §11). */
export const holdBorrowCallback = {
  pattern: new RegExp(`^hb:${ID}$`),
  data: (bookId: number) => checked(`hb:${bookId}`),
  parse(data: string): number | undefined {
    const m = holdBorrowCallback.pattern.exec(data);
    return m ? Number(m[1]) : undefined;
  },
};

/** Extend, on the due-soon reminder (SPEC §11): the extend conversation for that loan. */
export const extendCallback = {
  pattern: new RegExp(`^ext:${ID}$`),
  data: (borrowingId: number) => checked(`ext:${borrowingId}`),
  parse(data: string): number | undefined {
    const m = extendCallback.pattern.exec(data);
    return m ? Number(m[1]) : undefined;
  },
};

/** An answer inside the extend conversation: a new due date, or confirm / change / cancel. */
export type ExtendAnswer = { date: string } | { answer: 'confirm' | 'back' | 'cancel' };

const EXTEND_ANSWERS = { confirm: 'ok', back: 'back', cancel: 'x' } as const;

export const extendAnswerCallback = {
  pattern: /^xt:(?:d:(\d{4}-\d{2}-\d{2})|(ok|back|x))$/,
  data: (a: ExtendAnswer) => checked('date' in a ? `xt:d:${a.date}` : `xt:${EXTEND_ANSWERS[a.answer]}`),
  parse(data: string): ExtendAnswer | undefined {
    const m = extendAnswerCallback.pattern.exec(data);
    if (!m) return undefined;
    if (m[1] !== undefined) return { date: m[1] };
    return { answer: m[2] === 'ok' ? 'confirm' : m[2] === 'back' ? 'back' : 'cancel' };
  },
};
