import { invalidField } from './errors.js';

/** Stripe's smallest USD charge; a smaller rent or fine is charged as this (SPEC §10). */
export const STRIPE_MIN_CHARGE_CENTS = 50;
export const MAX_DAILY_FEE_CENTS = 100_000_000;

/**
 * Parses a fee given as "1.50", "1.5", "2" or the JSON numbers 1.5 / 2 into integer cents.
 * More than two decimals, zero, negatives, exponents and anything non-numeric are refused.
 */
export function parseMoney(input: unknown, field = 'daily_fee'): number {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw bad(field);
    text = String(input);
  } else if (typeof input === 'string') {
    text = input.trim();
  } else {
    throw bad(field);
  }
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) {
    if (/^\d+\.\d{3,}$/.test(text)) {
      throw invalidField(field, `${field} must have at most 2 decimal places`);
    }
    throw bad(field);
  }
  const cents = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  if (cents <= 0) throw invalidField(field, `${field} must be greater than 0`);
  if (cents > MAX_DAILY_FEE_CENTS) throw invalidField(field, `${field} is too large`);
  return cents;
}

const bad = (field: string) =>
  invalidField(field, `${field} must be a positive amount in USD with at most 2 decimals, e.g. "1.50"`);

/** 150 → "1.50" */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** What Stripe is actually asked to charge. */
export const chargeableCents = (cents: number) => Math.max(cents, STRIPE_MIN_CHARGE_CENTS);
