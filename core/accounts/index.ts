// Accounts: readers and staff, passwords, sessions (refresh token families), Telegram links, and
// the sandbox librarian's rights (docs/rules.md#accounts-and-trust).
export {
  checkCredentials, createUsers, hashPassword, LANGUAGES, RegisterSchema, telegramFirstName, toUser, verifyPassword,
  type Language, type TelegramIdentity, type User, type UsersService,
} from './users.js';
export { COMMON_PASSWORDS_COUNTED, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, passwordIssue, passwordProblem, passwordString } from './passwords.js';
export { addressHash, createSessions, KNOWN_ADDRESS_DAYS, type RefreshClaims, type Session } from './sessions.js';
export { createTelegramLinks, LINK_CODE_TTL_MS, maskEmail, type LinkPreview } from './telegram-link.js';
export { createSandboxLibrarian, type SandboxLibrarian } from './sandbox-librarian.js';
