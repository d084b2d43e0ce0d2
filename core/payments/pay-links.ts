// Pay links: the one thing every Pay button opens (the bot's menus, My books, notices sent days
// ago). `$PUBLIC_URL/api/payments/checkout/<id>.<signature>/` answers with the payment's live
// Checkout page — renewing the session first when it expired or was never made — or says the
// payment is already paid. A Stripe session URL dies after 24 hours; a pay link never does.
//
// The link is a capability, like the session URL it stands for: whoever holds it can open the
// checkout (and so pay), nothing more. The signature is an HMAC over the payment id with a
// secret kept in the database, so ids cannot be guessed into links.
import crypto from 'node:crypto';
import { getOrCreateSetting, randomSecret } from '../../db/connection.js';
import type { CoreDeps } from '../kernel/index.js';

const TOKEN = /^(\d{1,15})\.([A-Za-z0-9_-]{22})$/;

/** The payment a pay link (as urlFor makes it) is for, read from the URL alone; null for any other URL. */
export function payLinkPaymentId(url: string): number | null {
  const m = /\/api\/payments\/checkout\/(\d{1,15})\.[A-Za-z0-9_-]{22}\/?$/.exec(url);
  return m ? Number(m[1]) : null;
}

export function createPayLinks({ db, config }: Pick<CoreDeps, 'db' | 'config'>) {
  let secret: Promise<Buffer> | undefined;
  const key = () => (secret ??= getOrCreateSetting(db, 'pay_link_secret', randomSecret).then((s) => Buffer.from(s, 'utf8')));
  const sign = (k: Buffer, id: number) =>
    crypto.createHmac('sha256', k).update(`pay-link:${id}`).digest('base64url').slice(0, 22);

  /**
   * Whether a person's browser can open links on the public URL from a Telegram button: a
   * configured PUBLIC_URL, or the sandbox's web chat (which opens them on its own origin). Real
   * Telegram refuses buttons that point at localhost, so without PUBLIC_URL there are no pay
   * links, and the bot's Pay buttons ask the bot for the live checkout link instead.
   */
  const enabled = config.publicUrlConfigured || config.sandbox.telegram;

  /** The token part of a payment's link (`<id>.<signature>`). */
  async function token(paymentId: number): Promise<string> {
    return `${paymentId}.${sign(await key(), paymentId)}`;
  }

  /** The pay link of a payment, or null when links cannot be used here (see `enabled`). */
  async function urlFor(paymentId: number): Promise<string | null> {
    if (!enabled) return null;
    return `${config.publicUrl}/api/payments/checkout/${await token(paymentId)}/`;
  }

  /** Links for many payments at once (the notices of a dispatcher batch). */
  async function urlsFor(paymentIds: readonly number[]): Promise<Map<number, string>> {
    const links = new Map<number, string>();
    if (!enabled || paymentIds.length === 0) return links;
    const k = await key();
    for (const id of paymentIds) links.set(id, `${config.publicUrl}/api/payments/checkout/${id}.${sign(k, id)}/`);
    return links;
  }

  /** The payment a token is for, or null when it is malformed or its signature is wrong. */
  async function verify(tokenText: string): Promise<number | null> {
    const m = TOKEN.exec(tokenText);
    if (!m) return null;
    const id = Number(m[1]);
    if (!Number.isSafeInteger(id) || id < 1) return null;
    const expected = Buffer.from(sign(await key(), id));
    const given = Buffer.from(m[2]!);
    return given.length === expected.length && crypto.timingSafeEqual(given, expected) ? id : null;
  }

  return { enabled, token, urlFor, urlsFor, verify };
}

export type PayLinks = ReturnType<typeof createPayLinks>;
