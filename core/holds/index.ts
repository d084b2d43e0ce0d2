// Holds: a reader's place in the queue for a book that is out (docs/rules.md#holds).

export { fulfilHold } from './fulfil.js';
export {
  createHolds,
  EXPIRE_BATCH,
  type ExpireHoldsSummary,
  HOLD_STATUSES,
  type Hold,
  type HoldsService,
  type QueueLine,
} from './holds.js';
export { mergeReaderHolds, planHoldMerge } from './merge.js';
