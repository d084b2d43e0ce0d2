/**
 * Named leases (table `leases`, migration 004): at most one holder per name until its expiry,
 * taken and renewed by one atomic statement, so any number of processes — CLI commands beside
 * the service, or several instances on one PostgreSQL database — agree on who may do a thing.
 * The outbox dispatcher holds `dispatcher`; a scheduled job can hold `job:<name>` for a run.
 *
 * Portable SQL only: INSERT … ON CONFLICT (name) DO UPDATE … WHERE … RETURNING is the same
 * statement on SQLite (≥ 3.35) and PostgreSQL, and is atomic on both (PostgreSQL re-checks the
 * WHERE against the row as locked). Times are epoch milliseconds from the caller's clock; holders on several
 * machines need clocks in step to well within a lease's TTL.
 */
import type { DB } from './connection.js';

export interface Lease {
  name: string;
  holder: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/**
 * Takes the lease when it is free or lapsed, or renews it when `holder` has it; true when
 * `holder` holds it until `nowMs + ttlMs` afterwards, false when another live holder has it.
 */
export async function acquireLease(db: DB, name: string, holder: string, ttlMs: number, nowMs: number): Promise<boolean> {
  const expiresAt = nowMs + ttlMs;
  const result = await db
    .insertInto('leases')
    .values({ name, holder, expires_at: expiresAt })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ holder, expires_at: expiresAt })
        .where((eb) => eb.or([eb('leases.holder', '=', holder), eb('leases.expires_at', '<=', nowMs)])),
    )
    // A row comes back only when it was written: RETURNING rather than a driver's row count.
    .returning('holder')
    .executeTakeFirst();
  return result?.holder === holder;
}

/**
 * Takes the lease from `from`, only while `from` still has it (a holder known to be dead): true
 * when `holder` holds it until `nowMs + ttlMs` afterwards.
 */
export async function takeOverLease(
  db: DB,
  name: string,
  from: string,
  holder: string,
  ttlMs: number,
  nowMs: number,
): Promise<boolean> {
  const result = await db
    .updateTable('leases')
    .set({ holder, expires_at: nowMs + ttlMs })
    .where('name', '=', name)
    .where('holder', '=', from)
    .returning('holder')
    .executeTakeFirst();
  return result?.holder === holder;
}

/** Gives the lease up, if `holder` still has it, so the next one need not wait for its expiry. */
export async function releaseLease(db: DB, name: string, holder: string): Promise<void> {
  await db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute();
}

/** The lease's current holder, while it is live at `nowMs`. */
export async function liveLease(db: DB, name: string, nowMs: number): Promise<Lease | undefined> {
  const row = await db
    .selectFrom('leases')
    .select(['name', 'holder', 'expires_at'])
    .where('name', '=', name)
    .where('expires_at', '>', nowMs)
    .executeTakeFirst();
  return row ? { name: row.name, holder: row.holder, expiresAt: Number(row.expires_at) } : undefined;
}

/**
 * The lease row while `holder` holds it live at `nowMs`, as a subquery: a write guarded by
 * `where((eb) => eb.exists(leaseHeld(…)))` does nothing once the lease has passed to another.
 */
export function leaseHeld(db: DB, name: string, holder: string, nowMs: number) {
  return db
    .selectFrom('leases')
    .select('leases.name')
    .where('leases.name', '=', name)
    .where('leases.holder', '=', holder)
    .where('leases.expires_at', '>', nowMs);
}

/**
 * Takes the lease only when nobody holds it live — not even `holder` itself (acquireLease would
 * renew it): a claim of something to be done once, such as one scheduled run of a job.
 */
export async function claimLease(db: DB, name: string, holder: string, ttlMs: number, nowMs: number): Promise<boolean> {
  const expiresAt = nowMs + ttlMs;
  const result = await db
    .insertInto('leases')
    .values({ name, holder, expires_at: expiresAt })
    .onConflict((oc) => oc.column('name').doUpdateSet({ holder, expires_at: expiresAt }).where('leases.expires_at', '<=', nowMs))
    .returning('holder')
    .executeTakeFirst();
  return result !== undefined;
}
