// Lending: borrowing, returning and extending loans (docs/rules.md#borrowing,
// docs/rules.md#returning-and-fines, docs/rules.md#renewals).
export { type Borrowing, type BorrowingsService, createBorrowings, type NoticeOptions } from './borrowings.js';
export { moveLoans } from './loan.js';
export type { ExtensionQuote } from './renewals.js';
