// Holds: a reader's place in the queue for a book that is out (docs/rules.md#holds).
export { createHolds, EXPIRE_BATCH, HOLD_STATUSES, type ExpireHoldsSummary, type Hold, type HoldsService, type QueueLine } from './holds.js';
