// Conditions on a hold's status, written for the partial indexes over the holds table
// (migration 009): SQLite uses a partial index only for a query whose WHERE repeats the index's
// condition, so the status is a literal here, never a parameter.
import { type SqlBool, sql } from 'kysely';
import type { HoldStatus } from './schema.js';

export const holdIs = (status: HoldStatus, column = 'holds.status') => sql<SqlBool>`${sql.ref(column)} = ${sql.lit(status)}`;

/** WAITING or READY: a hold that keeps its place (one per reader and book). */
export const holdIsActive = (column = 'holds.status') => sql<SqlBool>`${sql.ref(column)} IN ('WAITING', 'READY')`;
