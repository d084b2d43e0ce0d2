// Stock: a book's copies and counters (inventory, held, waiting) — the one writer of them — and
// the hold queue's copy arithmetic (docs/rules.md#stock, docs/rules.md#holds).
export {
  clearQueue,
  joinQueue,
  leaveQueue,
  MAX_INVENTORY,
  returnCopy,
  setInventory,
  stockNewBook,
  takeCopy,
} from './counters.js';
export { passCopiesOn, passReleasedCopiesOn, pickupDeadline, type QueueClock, syncBookCounters } from './hold-queue.js';
