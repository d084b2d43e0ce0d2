import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';

describe('configuration is parsed once, with clear messages', () => {
  it('works with no environment at all: sandbox for both Telegram and Stripe, SPEC defaults', () => {
    const c = loadConfig({});
    expect(c.databasePath).toBe('./data/library.db');
    expect(c.port).toBe(3000);
    expect(c.sandbox).toEqual({ telegram: true, stripe: true });
    expect(c.rules).toEqual({ timeZone: 'UTC', maxLoanDays: 30, maxActiveLoans: 3, fineMultiplier: 2, dueSoonDays: 2 });
    expect(c.cron).toEqual({ overdueReport: '0 9 * * *', dueSoon: '0 9 * * *' });
    expect(c.telegram.apiRoot).toBe('https://api.telegram.org');
  });

  it('names every malformed variable', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', MAX_LOAN_DAYS: '0', LIBRARY_TIMEZONE: 'Mars/Base', OVERDUE_REPORT_CRON: 'every day', TELEGRAM_BOT_TOKEN: 'nope' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['PORT', 'MAX_LOAN_DAYS', 'LIBRARY_TIMEZONE', 'OVERDUE_REPORT_CRON', 'TELEGRAM_BOT_TOKEN']) expect(message).toContain(name);
  });

  it('requires the webhook secret with a Stripe key, and PUBLIC_URL for Telegram webhook mode', () => {
    expect(() => loadConfig({ STRIPE_SECRET_KEY: 'sk_test_x' })).toThrow(/STRIPE_WEBHOOK_SECRET/);
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_WEBHOOK_SECRET: 's3cret' })).toThrow(/PUBLIC_URL/);
  });

  it('real credentials switch each stand-in off independently', () => {
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: '123:abc' }).sandbox).toEqual({ telegram: false, stripe: true });
    expect(loadConfig({ STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_WEBHOOK_SECRET: 'whsec_x' }).sandbox).toEqual({ telegram: true, stripe: false });
    expect(loadConfig({ SANDBOX: 'off' }).sandbox).toEqual({ telegram: false, stripe: false });
  });
});
