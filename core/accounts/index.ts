// Accounts: readers and staff, passwords, sessions (refresh token families), Telegram links, and
// the sandbox librarian's rights (docs/rules.md#accounts-and-trust).

export {
  COMMON_PASSWORDS_COUNTED,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  passwordIssue,
  passwordProblem,
  passwordString,
} from './passwords.js';
export { createSandboxLibrarian, type SandboxLibrarian } from './sandbox-librarian.js';
export { addressHash, createSessions, KNOWN_ADDRESS_DAYS, type RefreshClaims, type Session } from './sessions.js';
export { createTelegramLinks, LINK_CODE_TTL_MS, type LinkPreview, maskEmail } from './telegram-link.js';
export {
  checkCredentials,
  createStaffIfAbsent,
  createUsers,
  hashPassword,
  LANGUAGES,
  type Language,
  RegisterSchema,
  type TelegramIdentity,
  telegramFirstName,
  toUser,
  type User,
  type UsersService,
  verifyPassword,
} from './users.js';
