import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { z } from 'zod';
import { type DB, immediateTransaction } from '../../db/connection.js';
import type { UserRow } from '../../db/schema.js';
import { LANGUAGES, type Language, languageOf } from '../../i18n/languages.js';
import {
  type Actor,
  type CoreDeps,
  DomainError,
  invalidField,
  isoNow,
  isUniqueViolation,
  mayAccess,
  notFound,
  parseInput,
  requirePerson,
  requireStaff,
  textField,
  type UserActor,
  withoutRefusedChars,
} from '../kernel/index.js';
import { passwordIssue, passwordProblem, passwordString } from './passwords.js';

const scrypt = promisify(crypto.scrypt) as (pw: string, salt: Buffer, len: number, opts: crypto.ScryptOptions) => Promise<Buffer>;
const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await scrypt(password.normalize('NFKC'), salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password.normalize('NFKC'), Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return crypto.timingSafeEqual(key, expected);
}

// A fixed hash to spend the same time on unknown emails as on wrong passwords.
let dummyHash: Promise<string> | undefined;

// The one list of languages is the catalogues' (i18n/languages.ts): a user's language is one they have.
export { LANGUAGES, type Language } from '../../i18n/languages.js';

export interface User {
  id: number;
  email: string | null;
  first_name: string;
  last_name: string;
  is_staff: boolean;
  language: Language;
  telegram_linked: boolean;
  /** Which Telegram is linked (as Telegram names it), so its owner can tell one they do not know. */
  telegram: { username: string | null; first_name: string | null } | null;
}

export const toUser = (r: UserRow): User => ({
  id: r.id,
  email: r.email,
  first_name: r.first_name,
  last_name: r.last_name,
  is_staff: r.is_staff === 1,
  language: languageOf(r.language),
  telegram_linked: r.telegram_user_id !== null,
  telegram: r.telegram_user_id === null ? null : { username: r.telegram_username, first_name: r.telegram_first_name },
});

/** The Telegram name as stored: what Telegram gives, within the column's limit. */
export const telegramFirstName = (tg: { first_name?: string }) =>
  tg.first_name ? withoutRefusedChars(tg.first_name).slice(0, 255) || null : null;

const name = (field: string) => textField(field);
const email = z
  .string({ error: 'email is required' })
  .trim()
  .toLowerCase()
  .pipe(z.email('email must be a valid address').max(254));
const password = passwordString;
const language = z.enum(LANGUAGES, { error: `language must be one of ${LANGUAGES.join(', ')}` });
const currentPassword = z
  .string({ error: 'current_password must be a string' })
  .max(256, 'current_password must be at most 256 characters')
  .optional();

export const RegisterSchema = z
  .object({ email, password, first_name: name('first_name'), last_name: name('last_name') })
  .strict()
  .superRefine((d, ctx) => passwordIssue(ctx, d.password, d.email));
// is_staff is not a field here at all: a reader can never grant it to themselves.
const ProfileSchema = z.object({
  email,
  password,
  first_name: name('first_name'),
  last_name: name('last_name'),
  language,
  current_password: currentPassword,
});
const ProfilePutSchema = ProfileSchema.partial({ password: true, language: true });
const ProfilePatchSchema = ProfileSchema.partial();

export interface TelegramIdentity {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

/**
 * Email + password → the account's row, read once: what a login issues its tokens from (the
 * token epoch with them), so a password change committing meanwhile cannot lend the login its
 * new epoch. INVALID_CREDENTIALS alike for an unknown email and a wrong password, in about the
 * same time.
 */
export async function checkCredentials(db: DB, emailInput: unknown, passwordInput: unknown): Promise<UserRow> {
  if (typeof emailInput !== 'string' || typeof passwordInput !== 'string' || !emailInput || !passwordInput) {
    throw new DomainError('VALIDATION', 'email and password are required');
  }
  const row = await db.selectFrom('users').selectAll().where('email', '=', emailInput.trim().toLowerCase()).executeTakeFirst();
  if (!row?.password_hash) {
    dummyHash ??= hashPassword('not-a-real-password');
    await verifyPassword(passwordInput, await dummyHash);
    throw new DomainError('INVALID_CREDENTIALS', 'Email or password is wrong');
  }
  if (!(await verifyPassword(passwordInput, row.password_hash))) {
    throw new DomainError('INVALID_CREDENTIALS', 'Email or password is wrong');
  }
  return row;
}

export function createUsers({ db, clock }: CoreDeps) {
  async function getRow(id: number): Promise<UserRow> {
    const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('User');
    return row;
  }

  /** One's own profile, or anyone's for staff; another reader's answers 404. */
  async function get(actor: Actor, id?: number): Promise<User> {
    const userId = id ?? requirePerson(actor).userId;
    if (!mayAccess(actor, userId)) throw notFound('User');
    return toUser(await getRow(userId));
  }

  async function register(input: unknown): Promise<User> {
    const data = parseInput(RegisterSchema, input);
    const password_hash = await hashPassword(data.password);
    try {
      const row = await db
        .insertInto('users')
        .values({
          email: data.email,
          password_hash,
          first_name: data.first_name,
          last_name: data.last_name,
          created_at: isoNow(clock),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toUser(row);
    } catch (e) {
      if (isUniqueViolation(e))
        throw new DomainError('EMAIL_TAKEN', 'An account with this email already exists', { field: 'email' });
      throw e;
    }
  }

  /**
   * Changing the email or the password needs the current password in the same request, so a
   * stolen access token alone cannot take an account over; an account without a password (a
   * Telegram-only reader adding them) has none to give. Sending the email unchanged is no change.
   * A password change moves token_epoch on, which ends every session opened before it.
   */
  async function updateProfile(actor: Actor, input: unknown, partial: boolean): Promise<User> {
    const id = requirePerson(actor).userId;
    if (input && typeof input === 'object' && 'is_staff' in input) {
      throw new DomainError('FORBIDDEN', 'is_staff cannot be changed through your profile');
    }
    const data = parseInput(partial ? ProfilePatchSchema : ProfilePutSchema, input);
    const row = await getRow(id);
    const emailChanges = data.email !== undefined && data.email !== row.email?.toLowerCase();
    const passwordChanges = data.password !== undefined;
    if ((emailChanges || passwordChanges) && row.password_hash !== null) {
      if (!data.current_password) {
        throw invalidField('current_password', 'current_password is required to change the email or the password');
      }
      if (!(await verifyPassword(data.current_password, row.password_hash))) {
        throw new DomainError('WRONG_PASSWORD', 'current_password is not your current password');
      }
    }
    if (passwordChanges && !emailChanges && row.email === null) {
      throw invalidField('email', 'Set an email together with the password: you log in with both');
    }
    const weak = passwordChanges ? passwordProblem(data.password!, emailChanges ? data.email : row.email) : undefined;
    if (weak) throw invalidField('password', weak);
    const set: Record<string, unknown> = {};
    if (emailChanges) set.email = data.email;
    if (data.first_name !== undefined) set.first_name = data.first_name;
    if (data.last_name !== undefined) set.last_name = data.last_name;
    if (data.language !== undefined) set.language = data.language;
    if (passwordChanges) {
      set.password_hash = await hashPassword(data.password!);
      set.token_epoch = sql<number>`token_epoch + 1`;
    }
    if (Object.keys(set).length === 0) return toUser(row);
    try {
      // The password checked above must still be the one stored: two changes racing each other
      // with the same old password cannot both win.
      const updated = await db
        .updateTable('users')
        .set(set)
        .where('id', '=', id)
        .where((eb) =>
          row.password_hash === null ? eb('password_hash', 'is', null) : eb('password_hash', '=', row.password_hash),
        )
        .returningAll()
        .executeTakeFirst();
      if (!updated) throw new DomainError('CONFLICT', 'Your password was changed meanwhile; log in again');
      // The epoch refuses their tokens already; the rows of the ended sessions go too.
      if (passwordChanges) await db.deleteFrom('refresh_sessions').where('user_id', '=', id).execute();
      return toUser(updated);
    } catch (e) {
      if (isUniqueViolation(e))
        throw new DomainError('EMAIL_TAKEN', 'An account with this email already exists', { field: 'email' });
      throw e;
    }
  }

  /** The actor of a token issued at `epoch`; UNAUTHORIZED once the account is gone or its password changed since. */
  async function sessionActor(userId: number, epoch: number): Promise<UserActor> {
    const row = await db
      .selectFrom('users')
      .select(['id', 'is_staff', 'token_epoch'])
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!row) throw new DomainError('UNAUTHORIZED', 'The account for this token no longer exists');
    if (row.token_epoch !== epoch)
      throw new DomainError('UNAUTHORIZED', 'This session ended when the password was changed; log in again');
    return { userId: row.id, isStaff: row.is_staff === 1 };
  }

  async function setLanguage(actor: Actor, lang: string): Promise<User> {
    return updateProfile(actor, { language: lang }, true);
  }

  /**
   * Creates a staff account, or with `promote` takes over an existing one (the `npm run staff`
   * CLI), staff only. Staff rights are given, never taken by squatting an email: an account that
   * exists already — a reader who registered the address first, with a password of their own and
   * tokens in hand — is refused (ACCOUNT_EXISTS, naming it) unless `promote` is given; then it
   * gets a new password (the one given, or a generated one returned once) and every earlier
   * session ends. Read and write are one write-locked transaction: two runs for one email cannot
   * both create it.
   */
  async function createOrPromoteStaff(
    actor: Actor,
    emailInput: string,
    passwordInput?: string,
    opts: { promote?: boolean } = {},
  ): Promise<{ user: User; created: boolean; promoted?: { name: string; created_at: string }; generatedPassword?: string }> {
    requireStaff(actor);
    const addr = parseInput(email, emailInput);
    const given = passwordInput ? parseInput(password, passwordInput) : undefined;
    const weak = given === undefined ? undefined : passwordProblem(given, addr);
    if (weak) throw invalidField('password', weak);
    const generated = given === undefined ? crypto.randomBytes(12).toString('base64url') : undefined;
    const shown = generated === undefined ? {} : { generatedPassword: generated };
    // Hashing takes tens of ms: done before the write lock, even when the answer is a refusal.
    const hash = await hashPassword(given ?? generated!);
    return immediateTransaction(db, async (trx) => {
      const existing = await trx
        .selectFrom('users')
        .select(['id', 'first_name', 'last_name', 'is_staff', 'created_at'])
        .where('email', '=', addr)
        .executeTakeFirst();
      if (existing) {
        const name = `${existing.first_name} ${existing.last_name}`.trim();
        if (!opts.promote) {
          throw new DomainError(
            'ACCOUNT_EXISTS',
            `${addr} already has ${existing.is_staff === 1 ? 'a staff' : 'a reader'} account (${name}, id ${existing.id}, created ${existing.created_at.slice(0, 10)}); nothing changed`,
            { id: existing.id, name, created_at: existing.created_at, is_staff: existing.is_staff === 1 },
          );
        }
        // Whoever made the account may know its password and hold its tokens: both end here.
        const row = await trx
          .updateTable('users')
          .set({ is_staff: 1, password_hash: hash, token_epoch: sql<number>`token_epoch + 1` })
          .where('id', '=', existing.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await trx.deleteFrom('refresh_sessions').where('user_id', '=', existing.id).execute();
        return { user: toUser(row), created: false, promoted: { name, created_at: existing.created_at }, ...shown };
      }
      const row = await trx
        .insertInto('users')
        .values({ email: addr, password_hash: hash, first_name: 'Staff', last_name: '', is_staff: 1, created_at: isoNow(clock) })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { user: toUser(row), created: true, ...shown };
    });
  }

  async function findByTelegramId(telegramUserId: number): Promise<UserRow | undefined> {
    return db.selectFrom('users').selectAll().where('telegram_user_id', '=', telegramUserId).executeTakeFirst();
  }

  /** The reader behind a Telegram user, created from their Telegram identity on first contact. */
  async function ensureTelegramUser(tg: TelegramIdentity): Promise<{ user: UserRow; created: boolean }> {
    const found = await findByTelegramId(tg.id);
    if (found) {
      // Keep the @username current so staff can find the reader by it, and the name /me shows.
      const username = tg.username ?? null;
      const firstName = telegramFirstName(tg);
      if (username !== found.telegram_username || firstName !== found.telegram_first_name) {
        await db
          .updateTable('users')
          .set({ telegram_username: username, telegram_first_name: firstName })
          .where('id', '=', found.id)
          .execute();
        found.telegram_username = username;
        found.telegram_first_name = firstName;
      }
      return { user: found, created: false };
    }
    const lang = languageOf(tg.language_code);
    const row = await db
      .insertInto('users')
      .values({
        telegram_user_id: tg.id,
        telegram_username: tg.username ?? null,
        telegram_first_name: telegramFirstName(tg),
        // Telegram's names are taken as they are, less what every text field refuses.
        first_name: (withoutRefusedChars(tg.first_name) || 'Reader').slice(0, 255),
        last_name: withoutRefusedChars(tg.last_name ?? '').slice(0, 255),
        language: lang,
        created_at: isoNow(clock),
      })
      .onConflict((oc) => oc.column('telegram_user_id').where('telegram_user_id', 'is not', null).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row) return { user: row, created: true };
    // Another update from the same person created it a moment ago.
    return { user: (await findByTelegramId(tg.id))!, created: false };
  }

  // What a door gets: the public user, never the row (password hash, token epoch).
  async function userByTelegramId(telegramUserId: number): Promise<User | undefined> {
    const row = await findByTelegramId(telegramUserId);
    return row && toUser(row);
  }

  async function ensureTelegramReader(tg: TelegramIdentity): Promise<User> {
    return toUser((await ensureTelegramUser(tg)).user);
  }

  return {
    get,
    register,
    updateProfile,
    setLanguage,
    createOrPromoteStaff,
    sessionActor,
    findByTelegramId,
    ensureTelegramUser,
    userByTelegramId,
    ensureTelegramReader,
  };
}

export type UsersService = ReturnType<typeof createUsers>;

/**
 * A staff account for this email unless one (of any kind) has it: the demo library's librarian
 * (`npm run seed`, the sandbox). True when it was made now.
 */
export async function createStaffIfAbsent(
  db: DB,
  account: { email: string; passwordHash: string; firstName: string; at: string },
): Promise<boolean> {
  return immediateTransaction(db, async (trx) => {
    const existing = await trx.selectFrom('users').select('id').where('email', '=', account.email).executeTakeFirst();
    if (existing) return false;
    await trx
      .insertInto('users')
      .values({
        email: account.email,
        password_hash: account.passwordHash,
        first_name: account.firstName,
        last_name: '',
        is_staff: 1,
        created_at: account.at,
      })
      .execute();
    return true;
  });
}
