// Notices: the outbox writer (every notice is a row written in its event's transaction) and who is
// told what, when — due-soon, overdue, holds (docs/rules.md#notices).

export { holdNotices } from './hold-notices.js';
export {
  type ActiveLoanNotices,
  activeLoanNoticesInsert,
  enqueue,
  type Notification,
  type NotificationOf,
  type PayloadSql,
  payButtonEdits,
  type Recipient,
  readerNote,
  staffNote,
} from './outbox.js';
export type * from './payloads.js';
export {
  createNotices,
  type DueSoonSummary,
  dueSoonInsert,
  type OverdueLine,
  type OverdueSource,
  type OverdueSummary,
  REPORT_OLDEST,
  readerOverdueNoticesInsert,
} from './reminders.js';
