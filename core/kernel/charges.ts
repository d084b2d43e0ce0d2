// What a loan costs: rent and the fine for a late return (docs/rules.md#borrowing,
// docs/rules.md#returning-and-fines). Used by lending when it charges, and by notices and
// reports when they estimate a fine; the SQL forms let jobs compute it set-based.
import { type Expression, sql } from 'kysely';
import type { DB } from '../../db/connection.js';
import { double, roundToInteger } from '../../db/dialect-sql.js';
import { daysBetween } from './clock.js';
import { chargeableCents, STRIPE_MIN_CHARGE_CENTS } from './money.js';

/** Rent: daily fee × days from borrow to expected return (at least one day). */
export const rentCents = (dailyFeeCents: number, borrowDate: string, expectedReturnDate: string) =>
  dailyFeeCents * Math.max(1, daysBetween(borrowDate, expectedReturnDate));

/** Fine: overdue days × daily fee × multiplier, rounded to the cent. */
export const fineCents = (dailyFeeCents: number, overdueDays: number, multiplier: number) =>
  Math.round(overdueDays * dailyFeeCents * multiplier);

/** What a late return is charged: the fine, but never less than Stripe's minimum (docs/rules.md#money-and-dates). */
export const fineChargeCents = (dailyFeeCents: number, overdueDays: number, multiplier: number) =>
  chargeableCents(fineCents(dailyFeeCents, overdueDays, multiplier));

/**
 * fineCents as SQL over columns, for jobs that compute it set-based (the overdue notices over
 * millions of loans): the same formula in the same order of operations, so the same double
 * arithmetic. tests/core/fine-estimate.test.ts shows both agree across fees, days and multipliers.
 */
export const fineCentsSql = (
  db: DB,
  dailyFeeCents: Expression<number>,
  overdueDays: Expression<number> | number,
  multiplier: number,
) => roundToInteger(db, sql<number>`CAST(${overdueDays} AS DOUBLE PRECISION) * ${dailyFeeCents} * ${double(db, multiplier)}`);

/** fineChargeCents as SQL: the fine raised to the same minimum charge. */
export function fineChargeCentsSql(
  db: DB,
  dailyFeeCents: Expression<number>,
  overdueDays: Expression<number>,
  multiplier: number,
) {
  const fine = fineCentsSql(db, dailyFeeCents, overdueDays, multiplier);
  return sql<number>`CASE WHEN ${fine} < ${STRIPE_MIN_CHARGE_CENTS} THEN ${STRIPE_MIN_CHARGE_CENTS} ELSE ${fine} END`;
}
