// The kernel: what every wing and door shares — the Actor and who may do what, errors (one list
// of codes), the clock, money and charges, paging, names, text validation, the read cache.
export * from './access.js';
export * from './charges.js';
export * from './chunks.js';
export * from './clock.js';
export * from './context.js';
export * from './error-details.js';
export * from './errors.js';
export * from './money.js';
export * from './names.js';
export * from './paging.js';
export * from './read-cache.js';
export * from './validation.js';
