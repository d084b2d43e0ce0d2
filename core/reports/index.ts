// Reports: what staff read — active and overdue loans, a reader's loans, cards, today's numbers.
export {
  type BookCard,
  createReports,
  type DayStats,
  dayBounds,
  type LoanCard,
  type LoanLine,
  type OverdueCounts,
  overdueCountsQuery,
  overdueLinesQuery,
  type ReaderMatch,
  type Reports,
  type UnpaidPayment,
} from './reports.js';
