// The demo library a newcomer finds: a catalogue and a staff account (`npm run seed`, the sandbox).
export { createDemo, DEMO_BOOKS, DEMO_STAFF_EMAIL } from './demo.js';
