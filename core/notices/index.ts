// Notices: the outbox writer (every notice is a row written in its event's transaction) and who is
// told what, when — due-soon, overdue, holds (docs/rules.md#notices).
export {
  activeLoanNoticesInsert, enqueue, payButtonEdits, readerNote, staffNote,
  type ActiveLoanNotices, type Notification, type NotificationKind, type OverdueLoan, type Recipient,
} from './outbox.js';
export { holdNotices } from './hold-notices.js';
export {
  createNotices, dueSoonInsert, readerOverdueNoticesInsert, REPORT_OLDEST,
  type DueSoonSummary, type OverdueLine, type OverdueSource, type OverdueSummary,
} from './reminders.js';
