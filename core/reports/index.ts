// Reports: what staff read — active and overdue loans, a reader's loans, cards, today's numbers.
export {
  createReports, dayBounds, overdueCountsQuery, overdueLinesQuery, stillUnpaidQuery,
  type BookCard, type DayStats, type LoanCard, type LoanLine, type OverdueCounts, type ReaderMatch, type Reports, type UnpaidPayment,
} from './reports.js';
