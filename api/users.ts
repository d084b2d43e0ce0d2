import { createRoute } from '@hono/zod-openapi';
import { ApiError } from './errors.js';
import {
  bearer,
  E,
  json,
  jsonBody,
  MyBooks,
  ProfilePatchBody,
  ProfilePutBody,
  RefreshBody,
  RegisterBody,
  TelegramLink,
  TelegramLinkBody,
  TokenBody,
  TokenPair,
  UserSchema,
} from './schemas.js';
import type { ApiDeps, App } from './types.js';

const tags = ['users'];

export function registerUserRoutes(app: App, deps: ApiDeps): void {
  const { core, auth, throttle } = deps;
  const user = auth.requireUser;

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/users',
      tags,
      operationId: 'registerUser',
      summary: 'Register',
      middleware: [throttle.registration] as const,
      request: { body: jsonBody(RegisterBody) },
      responses: { 201: json(UserSchema, 'The new account'), 400: E[400], 409: E[409], 413: E[413], 429: E[429] },
    }),
    async (c) => c.json(await core.users.register(c.req.valid('json')), 201),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/users/token',
      tags,
      operationId: 'createToken',
      summary: 'Log in: email + password → access and refresh tokens',
      description:
        'Each login starts a session: its refresh token rotates (POST /api/users/token/refresh/) and POST /api/users/token/logout/ ends it.',
      request: { body: jsonBody(TokenBody) },
      responses: { 200: json(TokenPair, 'Tokens'), 400: E[400], 401: E[401], 429: E[429] },
    }),
    async (c) => {
      const { email, password } = c.req.valid('json');
      const address = throttle.clientAddress(c);
      const { session } = await throttle.login(c, email, () => core.users.login(email, password, address));
      return c.json(await auth.tokensFor(session), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/users/token/refresh',
      tags,
      operationId: 'refreshToken',
      summary: 'A refresh token → a new access token and a new refresh token',
      description:
        'Refresh tokens rotate: use the new one next time. Presenting a refresh token that was already used ends its whole session ' +
        '(every refresh token of that login answers 401 from then on; its access tokens run out within their lifetime). ' +
        'Two refreshes sent at once with the same token count as such a reuse.',
      request: { body: jsonBody(RefreshBody) },
      responses: { 200: json(TokenPair, 'A new access token and the next refresh token'), 400: E[400], 401: E[401] },
    }),
    async (c) => c.json(await auth.refresh(c.req.valid('json').refresh), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/users/token/logout',
      tags,
      operationId: 'logout',
      summary: 'Log out: end the session of a refresh token',
      description:
        'Every refresh token of that login answers 401 afterwards; its access tokens run out within their lifetime. A session that has ended already answers 204 as well.',
      request: { body: jsonBody(RefreshBody) },
      responses: { 204: { description: 'The session has ended' }, 400: E[400], 401: E[401] },
    }),
    async (c) => {
      await auth.logout(c.req.valid('json').refresh);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/users/me',
      tags,
      operationId: 'getMe',
      summary: 'Your profile',
      security: bearer,
      middleware: [user] as const,
      responses: { 200: json(UserSchema, 'Your profile'), 401: E[401] },
    }),
    async (c) => c.json(await core.users.get(c.get('actor')), 200),
  );

  for (const method of ['put', 'patch'] as const) {
    app.openapi(
      createRoute({
        method,
        path: '/api/users/me',
        tags,
        operationId: method === 'put' ? 'replaceMe' : 'updateMe',
        security: bearer,
        middleware: [user] as const,
        summary: method === 'put' ? 'Replace your profile (email, first_name, last_name required)' : 'Change some profile fields',
        description:
          'Changing email or password needs `current_password` (400 without it, 403 WRONG_PASSWORD when wrong; ' +
          'repeated wrong guesses answer 429 like failed logins). A password change ends every session opened before it, ' +
          'this one included: log in again with the new password. is_staff cannot be set here: a body that contains it ' +
          'answers 403 FORBIDDEN and nothing changes.',
        request: { body: jsonBody(method === 'put' ? ProfilePutBody : ProfilePatchBody) },
        responses: {
          200: json(UserSchema, 'The updated profile'),
          400: E[400],
          401: E[401],
          403: E[403],
          409: E[409],
          413: E[413],
          429: E[429],
        },
      }),
      async (c) => {
        const body = c.req.valid('json');
        const actor = c.get('actor');
        const update = () => core.users.updateProfile(actor, body, method === 'patch');
        // With a stolen token, guessing current_password must be as slow as guessing at login.
        return c.json(
          body.current_password === undefined ? await update() : await throttle.passwordCheck(actor.userId, update),
          200,
        );
      },
    );
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/users/me/books',
      tags,
      operationId: 'listMyBooks',
      summary: 'Books you hold now',
      security: bearer,
      middleware: [user] as const,
      responses: { 200: json(MyBooks, 'Active loans, soonest due first'), 401: E[401] },
    }),
    async (c) => {
      const active = await core.borrowings.activeFor(c.get('actor'));
      return c.json(
        { results: active.map((b) => ({ borrowing_id: b.id, expected_return_date: b.expected_return_date, book: b.book })) },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/users/me/telegram-link',
      tags,
      operationId: 'createTelegramLink',
      security: bearer,
      middleware: [user, throttle.linkCode] as const,
      summary: 'A one-time t.me deep link (10 minutes) that links this account to the Telegram user who opens it',
      description:
        'Needs `current_password` (400 without it, 403 WRONG_PASSWORD when wrong; wrong guesses answer 429 like failed logins), so a ' +
        "stolen access token alone cannot bind a stranger's Telegram. An account without a password (Telegram-only) cannot create " +
        'codes (400). When the link replaces an earlier Telegram, that chat is told.',
      request: { body: jsonBody(TelegramLinkBody) },
      responses: { 201: json(TelegramLink, 'The link'), 400: E[400], 401: E[401], 403: E[403], 429: E[429], 503: E[503] },
    }),
    async (c) => {
      const bot = deps.botUsername()?.replace(/^@/, '');
      if (!bot) {
        throw new ApiError(
          503,
          'TELEGRAM_UNAVAILABLE',
          'The Telegram bot is not connected yet, so no link can be made; try again in a minute',
        );
      }
      const actor = c.get('actor');
      const body = c.req.valid('json');
      const { code, expiresAt } = await throttle.passwordCheck(actor.userId, () => core.users.createLinkCode(actor, body));
      return c.json({ url: deps.telegramLink(bot, code), expires_at: expiresAt }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/users/me/telegram-link',
      tags,
      operationId: 'unlinkTelegram',
      security: bearer,
      middleware: [user] as const,
      summary: "Unlink this account's Telegram",
      description:
        'The unlinked chat is told. Nothing linked: 204 all the same. An account with no email and password to log in with answers 409: ' +
        'its Telegram is its only way in.',
      responses: { 204: { description: 'No Telegram is linked now' }, 401: E[401], 409: E[409] },
    }),
    async (c) => {
      await core.users.unlinkTelegram(c.get('actor'));
      return c.body(null, 204);
    },
  );
}
