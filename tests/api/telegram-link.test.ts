// Linking Telegram, as an attacker tried it: a stolen access token alone cannot bind a stranger's
// Telegram (creating a link code needs current_password); when a link replaces an earlier
// Telegram the earlier chat is told; DELETE /api/users/me/telegram-link/ unlinks (that chat is
// told too); GET /api/users/me/ shows which Telegram is linked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRenderer } from '../../bot/notice-renderer.js';
import { type ApiWorld, createApiWorld, PASSWORD, type TestUser } from '../helpers/api.js';

let w: ApiWorld;
beforeAll(async () => {
  w = await createApiWorld();
});
afterAll(async () => {
  await w?.close();
});

const codeIn = (url: string) => /start=([A-Za-z0-9_-]{1,64})$/.exec(url)![1]!;
const createLink = (u: TestUser, body?: unknown) => w.req('POST', '/api/users/me/telegram-link/', { token: u.access, body });
const me = async (u: TestUser) => (await w.req('GET', '/api/users/me/', { token: u.access })).body;
const notesTo = (chatId: number) =>
  w.db.selectFrom('outbox').select(['kind', 'payload', 'language']).where('chat_id', '=', chatId).orderBy('id').execute();
const { render } = createRenderer();

async function linkTo(u: TestUser, tg: { id: number; first_name: string; username?: string }) {
  const r = await createLink(u, { current_password: PASSWORD });
  expect(r.status).toBe(201);
  return w.core.users.redeemLinkCode(codeIn(r.body.url), tg);
}

describe('Creating a link code needs current_password', () => {
  it('answers 400 naming current_password without it, and makes no code', async () => {
    const u = await w.user();
    for (const body of [undefined, {}]) {
      const r = await createLink(u, body);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION');
      expect(r.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'current_password' })]));
    }
    expect(await w.db.selectFrom('telegram_link_codes').select('code').where('user_id', '=', u.id).execute()).toEqual([]);
  });

  it('answers 403 WRONG_PASSWORD when it is wrong, and makes no code', async () => {
    const u = await w.user();
    const r = await createLink(u, { current_password: 'a stolen token is not enough' });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('WRONG_PASSWORD');
    expect(await w.db.selectFrom('telegram_link_codes').select('code').where('user_id', '=', u.id).execute()).toEqual([]);
  });

  it('answers 201 with the right one, for staff too', async () => {
    expect((await createLink(await w.user(), { current_password: PASSWORD })).status).toBe(201);
    expect((await createLink(await w.user({ staff: true }), { current_password: PASSWORD })).status).toBe(201);
  });

  it('an account without a password (Telegram-only) cannot create codes: 400, it has nothing to prove itself with', async () => {
    const { user } = await w.core.users.ensureTelegramUser({ id: 888_001, first_name: 'Tg' });
    const tokens = await w.auth.issueTokens(user.id);
    const r = await w.req('POST', '/api/users/me/telegram-link/', {
      token: tokens.access,
      body: { current_password: 'anything at all' },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/password/);
  });

  it('wrong guesses are throttled like failed logins (429 after 10)', async () => {
    const limited = await createApiWorld({ api: { rateLimit: { linkCodesPerUser: 100 } } });
    try {
      const u = await limited.user();
      for (let i = 0; i < 10; i++) {
        expect(
          (
            await limited.req('POST', '/api/users/me/telegram-link/', {
              token: u.access,
              body: { current_password: `guess ${i}` },
            })
          ).status,
        ).toBe(403);
      }
      expect(
        (await limited.req('POST', '/api/users/me/telegram-link/', { token: u.access, body: { current_password: PASSWORD } }))
          .status,
      ).toBe(429);
    } finally {
      await limited.close();
    }
  });
});

describe('GET /api/users/me/ shows which Telegram is linked', () => {
  it('null before, then its username and first name', async () => {
    const u = await w.user();
    expect((await me(u)).telegram).toBeNull();
    await linkTo(u, { id: 888_101, first_name: 'Olena', username: 'olena_k' });
    expect(await me(u)).toMatchObject({ telegram_linked: true, telegram: { username: 'olena_k', first_name: 'Olena' } });
  });

  it('a Telegram without a username shows its first name', async () => {
    const u = await w.user();
    await linkTo(u, { id: 888_102, first_name: 'Taras' });
    expect((await me(u)).telegram).toEqual({ username: null, first_name: 'Taras' });
  });
});

describe('When a link replaces an earlier Telegram, the earlier chat is told', () => {
  it("queues a notice to the earlier chat, in the account's language, naming the new Telegram; the new chat gets none", async () => {
    const u = await w.user();
    await w.req('PATCH', '/api/users/me/', { token: u.access, body: { language: 'uk' } });
    await linkTo(u, { id: 888_201, first_name: 'Owner', username: 'the_owner' });
    expect(await notesTo(888_201)).toEqual([]);
    await linkTo(u, { id: 888_202, first_name: 'Mallory', username: 'mallory' });
    const notes = await notesTo(888_201);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ kind: 'reader.telegram_replaced', language: 'uk' });
    expect(await notesTo(888_202)).toEqual([]);
    expect((await me(u)).telegram).toEqual({ username: 'mallory', first_name: 'Mallory' });

    const text = render({ ...notes[0]!, language: 'en' }).text;
    expect(text).toContain('@mallory');
    expect(text).toMatch(/linked to another Telegram/);
    expect(text).toContain(`${u.email[0]}•••@example.test`);
    expect(render(notes[0]!).text).toContain('@mallory');
    expect(render(notes[0]!).text).toMatch(/інш/);
  });

  it('relinking the same Telegram tells nobody', async () => {
    const u = await w.user();
    await linkTo(u, { id: 888_301, first_name: 'Same' });
    await linkTo(u, { id: 888_301, first_name: 'Same' });
    expect(await notesTo(888_301)).toEqual([]);
  });
});

describe('DELETE /api/users/me/telegram-link/ unlinks', () => {
  it('answers 204, /me shows no Telegram, and the unlinked chat is told', async () => {
    const u = await w.user();
    await linkTo(u, { id: 888_401, first_name: 'Gone', username: 'gone_now' });
    const r = await w.req('DELETE', '/api/users/me/telegram-link/', { token: u.access });
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    expect(await me(u)).toMatchObject({ telegram_linked: false, telegram: null });
    expect(await w.core.users.findByTelegramId(888_401)).toBeUndefined();
    const notes = await notesTo(888_401);
    expect(notes.map((n) => n.kind)).toEqual(['reader.telegram_unlinked']);
    expect(render(notes[0]!).text).toMatch(/unlinked/);
    expect(render({ ...notes[0]!, language: 'uk' }).text).toMatch(/від'єднано|відв'язано/);
  });

  it('answers 204 and tells nobody when no Telegram is linked', async () => {
    const u = await w.user();
    const before = await w.db.selectFrom('outbox').select('id').execute();
    expect((await w.req('DELETE', '/api/users/me/telegram-link/', { token: u.access })).status).toBe(204);
    expect(await w.db.selectFrom('outbox').select('id').execute()).toEqual(before);
  });

  it('refuses (409) for an account that has only Telegram to log in with, and keeps it linked', async () => {
    const { user } = await w.core.users.ensureTelegramUser({ id: 888_501, first_name: 'Only' });
    const tokens = await w.auth.issueTokens(user.id);
    const r = await w.req('DELETE', '/api/users/me/telegram-link/', { token: tokens.access });
    expect(r.status).toBe(409);
    expect((await w.core.users.findByTelegramId(888_501))?.id).toBe(user.id);
  });

  it('needs a login (401)', async () => {
    expect((await w.req('DELETE', '/api/users/me/telegram-link/')).status).toBe(401);
  });
});
