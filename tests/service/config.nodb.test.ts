import fs from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, ENV_VARIABLES, loadConfig, malformedEnvLines } from '../../config.js';

describe('configuration is parsed once, with clear messages', () => {
  it('works with no environment at all: sandbox for both Telegram and Stripe, SPEC defaults', () => {
    const c = loadConfig({});
    expect(c.databasePath).toBe('./data/library.db');
    expect(c.port).toBe(3000);
    expect(c.sandbox).toEqual({ telegram: true, stripe: true });
    expect(c.rules).toEqual({
      timeZone: 'UTC',
      maxLoanDays: 30,
      maxActiveLoans: 3,
      fineMultiplier: 2,
      dueSoonDays: 2,
      maxHolds: 5,
      holdPickupHours: 48,
      maxRenewals: 2,
    });
    expect(c.cron).toEqual({ overdueReport: '0 9 * * *', dueSoon: '0 9 * * *' });
    expect(c.telegram.apiRoot).toBe('https://api.telegram.org');
  });

  it('names every malformed variable', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        MAX_LOAN_DAYS: '0',
        LIBRARY_TIMEZONE: 'Mars/Base',
        OVERDUE_REPORT_CRON: 'every day',
        TELEGRAM_BOT_TOKEN: 'nope',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['PORT', 'MAX_LOAN_DAYS', 'LIBRARY_TIMEZONE', 'OVERDUE_REPORT_CRON', 'TELEGRAM_BOT_TOKEN'])
      expect(message).toContain(name);
  });

  it('says what a port must be: a whole number from 1 to 65535', () => {
    for (const port of ['eighty', '3000.5', '-1', '65536', '0x50', '1e3', '80 80']) {
      expect(() => loadConfig({ PORT: port }), port).toThrow(
        /^Invalid configuration:\n {2}- PORT must be a whole number from 1 to 65535$/,
      );
    }
    expect(loadConfig({ PORT: '8080' }).port).toBe(8080);
    expect(loadConfig({ PORT: ' 65535 ' }).port).toBe(65535);
    expect(loadConfig({}).port).toBe(3000);
  });

  it('reads the holds and renewals settings (SPEC §11) and names a malformed one', () => {
    expect(loadConfig({ MAX_HOLDS: '7', HOLD_PICKUP_HOURS: '24', MAX_RENEWALS: '0' }).rules).toMatchObject({
      maxHolds: 7,
      holdPickupHours: 24,
      maxRenewals: 0,
    });
    expect(() => loadConfig({ MAX_HOLDS: '0', HOLD_PICKUP_HOURS: 'two days', MAX_RENEWALS: '-1' })).toThrow(
      /MAX_HOLDS[\s\S]*HOLD_PICKUP_HOURS[\s\S]*MAX_RENEWALS/,
    );
  });

  it('reads CATALOGUE_CACHE_SECONDS: 30 by default, 0 for no cache, and names a malformed one', () => {
    expect(loadConfig({}).catalogueCacheSeconds).toBe(30);
    expect(loadConfig({ CATALOGUE_CACHE_SECONDS: '0' }).catalogueCacheSeconds).toBe(0);
    expect(loadConfig({ CATALOGUE_CACHE_SECONDS: '300' }).catalogueCacheSeconds).toBe(300);
    for (const bad of ['-1', 'half a minute', '1.5'])
      expect(() => loadConfig({ CATALOGUE_CACHE_SECONDS: bad }), bad).toThrow(/CATALOGUE_CACHE_SECONDS/);
  });

  it('requires the webhook secret with a Stripe key, and PUBLIC_URL for Telegram webhook mode', () => {
    expect(() => loadConfig({ STRIPE_SECRET_KEY: 'sk_test_x' })).toThrow(/STRIPE_WEBHOOK_SECRET/);
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_WEBHOOK_SECRET: 's3cret' })).toThrow(/PUBLIC_URL/);
  });
});

const TOKEN = { TELEGRAM_BOT_TOKEN: '123:abc' };
const STRIPE = { STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_WEBHOOK_SECRET: 'whsec_x' };

describe('SANDBOX=auto (the default): on only while no Telegram token and no Stripe key is set', () => {
  it('with neither, both stand-ins are on', () => {
    expect(loadConfig({}).sandbox).toEqual({ telegram: true, stripe: true });
    expect(loadConfig({ SANDBOX: 'auto' }).sandbox).toEqual({ telegram: true, stripe: true });
  });

  it('a Telegram token alone switches the whole sandbox off (no Stripe stand-in beside a real bot)', () => {
    expect(loadConfig(TOKEN).sandbox).toEqual({ telegram: false, stripe: false });
  });

  it('a Stripe key alone switches the whole sandbox off (no sandbox chat beside real payments)', () => {
    const c = loadConfig(STRIPE);
    expect(c.sandbox).toEqual({ telegram: false, stripe: false });
    // The sandbox's staff chat is not invented when there is no sandbox.
    expect(c.telegram.staffChatId).toBeUndefined();
  });

  it('only the token and the key count as credentials', () => {
    expect(
      loadConfig({ STRIPE_WEBHOOK_SECRET: 'whsec_x', TELEGRAM_STAFF_CHAT_ID: '-100', PUBLIC_URL: 'https://x.test' }).sandbox,
    ).toEqual({ telegram: true, stripe: true });
  });
});

describe('SANDBOX=on: a stand-in for each part without a real credential; off: never', () => {
  it('on keeps the stand-in for the part without a credential', () => {
    expect(loadConfig({ SANDBOX: 'on' }).sandbox).toEqual({ telegram: true, stripe: true });
    expect(loadConfig({ SANDBOX: 'on', ...TOKEN }).sandbox).toEqual({ telegram: false, stripe: true });
    expect(loadConfig({ SANDBOX: 'on', ...STRIPE }).sandbox).toEqual({ telegram: true, stripe: false });
    expect(loadConfig({ SANDBOX: 'on', ...TOKEN, ...STRIPE }).sandbox).toEqual({ telegram: false, stripe: false });
  });

  it('off never stands in', () => {
    expect(loadConfig({ SANDBOX: 'off' }).sandbox).toEqual({ telegram: false, stripe: false });
  });

  it('names SANDBOX when its value is unknown', () => {
    expect(() => loadConfig({ SANDBOX: 'yes' })).toThrow(/SANDBOX/);
  });
});

describe('HOST: 127.0.0.1 while the sandbox is on and HOST is unset, else 0.0.0.0', () => {
  it('the sandbox alone listens on this machine only', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ SANDBOX: 'on', ...TOKEN }).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '' }).host).toBe('127.0.0.1');
  });

  it('without the sandbox every interface, as before', () => {
    expect(loadConfig(TOKEN).host).toBe('0.0.0.0');
    expect(loadConfig(STRIPE).host).toBe('0.0.0.0');
    expect(loadConfig({ SANDBOX: 'off' }).host).toBe('0.0.0.0');
  });

  it('an explicit HOST always wins', () => {
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '10.1.2.3', ...TOKEN }).host).toBe('10.1.2.3');
  });
});

describe('.env.sample', () => {
  const sample = fs.readFileSync(new URL('../../.env.sample', import.meta.url), 'utf8');

  it('lists every variable the service reads, and nothing else', () => {
    const listed = [...sample.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    expect([...listed].sort()).toEqual([...ENV_VARIABLES].sort());
  });

  it('copied to .env unchanged, changes nothing', () => {
    expect(malformedEnvLines(sample)).toEqual([]);
    expect(loadConfig(parseEnv(sample))).toEqual(loadConfig({}));
  });

  it('documents the three values of SANDBOX', () => {
    for (const value of ['auto', 'on', 'off']) expect(sample).toMatch(new RegExp(`^# ${value}( \\(default\\))?:`, 'm'));
  });
});
