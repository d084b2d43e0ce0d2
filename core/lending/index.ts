// Lending: borrowing, returning and extending loans (docs/rules.md#borrowing,
// docs/rules.md#returning-and-fines, docs/rules.md#renewals).
export { createBorrowings, type Borrowing, type BorrowingsService, type NoticeOptions } from './borrowings.js';
export type { ExtensionQuote } from './renewals.js';
