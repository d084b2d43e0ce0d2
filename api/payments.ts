import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError, isDomainError } from '../core/kernel/index.js';
import { cancelPage, errorPage, prefersJson, successPage } from './pages.js';
import {
  bearer,
  E,
  IdParams,
  json,
  PaymentListQuery,
  PaymentPage,
  PaymentPaused,
  PaymentReceiptSchema,
  PaymentSchema,
  SessionQuery,
  WebhookAck,
} from './schemas.js';
import type { ApiDeps, App } from './types.js';

const tags = ['payments'];
const SESSION_ID = /^[A-Za-z0-9_]{1,255}$/;
const isSessionId = (s: string | undefined): s is string => !!s && SESSION_ID.test(s);

const htmlOrJson = (schema: z.ZodType, description: string) => ({
  description,
  content: { 'text/html': { schema: z.string() }, 'application/json': { schema } },
});

/**
 * The pages a payer's browser lands on (and their JSON): the payment's state right now, so never
 * cached; never sniffed into another type; never inside another site's frame, where a Pay button
 * could be clicked for the reader.
 */
function pageHeaders(c: Context): void {
  c.header('Cache-Control', 'no-store');
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Content-Security-Policy', "frame-ancestors 'none'");
}

export function registerPaymentRoutes(app: App, deps: ApiDeps): void {
  const { core, auth } = deps;
  const user = auth.requireUser;

  // The three Stripe-facing routes come before /{id} so "success" is never read as an id.

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/payments/success',
      tags,
      operationId: 'confirmPaymentSession',
      summary: 'Stripe success redirect: asks Stripe whether the session is paid and marks the payment PAID (idempotent)',
      description:
        'No login: anyone holding the session id can open it, so it names no reader or borrowing. Answers a small HTML page, or with ' +
        '`Accept: application/json` a receipt (id, type, status, money_to_pay, paid_at). Stripe is asked at most once every few seconds ' +
        'per session; in between the page shows what the service knows (the webhook keeps that current).',
      request: { query: SessionQuery },
      responses: {
        200: htmlOrJson(PaymentReceiptSchema, 'Paid, or not paid yet (see status)'),
        400: E[400],
        404: E[404],
        503: E[503],
      },
    }),
    async (c) => {
      const wantsJson = prefersJson(c.req.header('accept'));
      const sessionId = c.req.valid('query').session_id;
      pageHeaders(c);
      try {
        if (!isSessionId(sessionId)) {
          throw new DomainError('VALIDATION', 'session_id is missing or malformed', [
            { field: 'session_id', message: 'session_id is missing or malformed' },
          ]);
        }
        const page = await core.payments.confirmSession(sessionId);
        if (wantsJson) return c.json(page.receipt, 200);
        return c.html(successPage(page, deps.chatLink()), 200);
      } catch (e) {
        if (wantsJson || !isDomainError(e)) throw e;
        return c.html(errorPage(e.status, e.message), e.status as ContentfulStatusCode);
      }
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/payments/cancel',
      tags,
      operationId: 'pausePaymentSession',
      summary: 'Stripe cancel redirect: "payment paused — you can pay within 24 hours"',
      description:
        'No login, no Stripe call. HTML page with the amount when the session is known; JSON `{status, message, payment}` with ' +
        "`Accept: application/json`, where payment is the same receipt as the success page's (or null for an unknown session).",
      request: { query: SessionQuery },
      responses: { 200: htmlOrJson(PaymentPaused, 'The payment stays open for 24 hours') },
    }),
    async (c) => {
      const sessionId = c.req.valid('query').session_id;
      pageHeaders(c);
      const page = isSessionId(sessionId) ? await core.payments.sessionPage(sessionId) : null;
      if (prefersJson(c.req.header('accept'))) {
        return c.json(
          { status: 'paused' as const, message: 'Payment paused — you can pay within 24 hours', payment: page?.receipt ?? null },
          200,
        );
      }
      return c.html(cancelPage(page), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/payments/webhook',
      tags,
      operationId: 'receiveStripeWebhook',
      summary: 'Stripe webhook (signed with STRIPE_WEBHOOK_SECRET)',
      description:
        'Applies checkout.session.completed / checkout.session.expired once per event id; other event types are acknowledged and ignored. A bad signature answers 400.',
      request: {
        headers: z.object({ 'stripe-signature': z.string().optional().openapi({ description: 'Stripe-Signature header' }) }),
      },
      responses: { 200: json(WebhookAck, 'Received'), 400: E[400], 413: E[413] },
    }),
    async (c) => {
      const raw = await c.req.text();
      await core.payments.handleWebhook(raw, c.req.header('stripe-signature'));
      return c.json({ received: true as const }, 200);
    },
  );

  // Every Pay button in the bot opens this (core/payments/pay-links.ts); its path has its own first segment,
  // so it never meets /{id}.
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/payments/checkout/{token}',
      tags,
      operationId: 'openPayLink',
      summary: "A pay link: redirects to the payment's live checkout page, renewing the session first when it expired",
      description:
        'No login: the signed token in the link is the authority, as a checkout session URL is (whoever holds it can pay, nothing more). ' +
        'Answers 303 to the live Stripe Checkout page — a new session when the old one expired or was never made — or a small HTML page ' +
        'when the payment is already paid (or refunded), unknown, or Stripe cannot be reached.',
      request: {
        params: z.object({
          token: z.string().max(64).openapi({ description: "`<payment id>.<signature>`, as the bot's Pay buttons carry it" }),
        }),
      },
      responses: {
        303: {
          description: 'To the live checkout page',
          headers: { Location: { schema: { type: 'string' }, description: 'The checkout URL' } },
        },
        200: { description: 'Already paid (or refunded)', content: { 'text/html': { schema: z.string() } } },
        404: { description: 'No payment has this link', content: { 'text/html': { schema: z.string() } } },
        503: {
          description: 'Stripe could not be reached; the link works again later',
          content: { 'text/html': { schema: z.string() } },
        },
      },
    }),
    async (c) => {
      pageHeaders(c);
      c.header('Referrer-Policy', 'no-referrer');
      try {
        const opened = await core.payments.checkoutByLink(c.req.valid('param').token);
        if ('url' in opened) return c.redirect(opened.url, 303);
        return c.html(successPage(opened.paid, deps.chatLink()), 200);
      } catch (e) {
        if (!isDomainError(e)) throw e;
        const status = e.status === 503 ? 503 : 404;
        return c.html(errorPage(status, status === 404 ? 'This payment link is not valid.' : e.message), status);
      }
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/payments',
      tags,
      operationId: 'listPayments',
      security: bearer,
      middleware: [user] as const,
      summary: "Your payments, newest first (staff: everyone's; filter with user_id)",
      request: { query: PaymentListQuery },
      responses: { 200: json(PaymentPage, 'A page of payments'), 400: E[400], 401: E[401], 403: E[403] },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(
        await core.payments.list(c.get('actor'), { userId: q.user_id, status: q.status, cursor: q.cursor, limit: q.limit }),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/payments/{id}',
      tags,
      operationId: 'getPayment',
      security: bearer,
      middleware: [user] as const,
      summary: 'A payment (yours, or any for staff)',
      request: { params: IdParams },
      responses: { 200: json(PaymentSchema, 'The payment'), 400: E[400], 401: E[401], 404: E[404] },
    }),
    async (c) => c.json(await core.payments.get(c.get('actor'), c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/payments/{id}/renew',
      tags,
      operationId: 'renewPayment',
      security: bearer,
      middleware: [user] as const,
      summary:
        'A new checkout session for your EXPIRED payment (or a PENDING one with no session, or one another provider opened)',
      description:
        "A PENDING payment whose session was opened by another provider than the one this service uses now (the sandbox's stand-in before " +
        'a Stripe key was set, or the other way round) counts as expired. 503 PAYMENT_PROVIDER_UNAVAILABLE, with the reason, when no session ' +
        "could be opened (the same code and message as a borrowing's session_error); the payment stays renewable.",
      request: { params: IdParams },
      responses: {
        200: json(PaymentSchema, 'The payment with its new session_url'),
        400: E[400],
        401: E[401],
        404: E[404],
        409: E[409],
        503: E[503],
      },
    }),
    async (c) => c.json(await core.payments.renew(c.get('actor'), c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/payments/{id}/refund',
      tags,
      operationId: 'refundPayment',
      security: bearer,
      middleware: [user, auth.requireStaff],
      summary: 'Refund a PAID payment through Stripe (staff)',
      request: { params: IdParams },
      responses: {
        200: json(PaymentSchema, 'The refunded payment'),
        400: E[400],
        401: E[401],
        403: E[403],
        404: E[404],
        409: E[409],
        503: E[503],
      },
    }),
    async (c) => c.json(await core.payments.refund(c.get('actor'), c.req.valid('param').id), 200),
  );
}
