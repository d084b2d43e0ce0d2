// The password rule, one place for registration, password changes and staff accounts: at least
// 8 characters, not blank, not the account's email nor its local part, not one of the 10,000
// most common passwords (README, "Security settings"). Comparisons ignore case (and Unicode
// compatibility forms, as hashing does): "PassWord1" is as guessable as "password1".
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { z } from 'zod';

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 256;
export const COMMON_PASSWORDS_COUNTED = 10_000;

// @zxcvbn-ts/language-common (MIT) ships the most common passwords ranked by frequency, most
// common first, lower case (about 49,000; derived from the same leaked-password corpora as
// SecLists' "10-million-password-list-top-10000"). The first 10,000 are the list.
let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  if (!common) {
    const file = createRequire(import.meta.url).resolve('@zxcvbn-ts/language-common/src/passwords.json');
    const ranked = JSON.parse(fs.readFileSync(file, 'utf8')) as string[];
    common = new Set(ranked.slice(0, COMMON_PASSWORDS_COUNTED));
  }
  return common;
}

const fold = (s: string) => s.normalize('NFKC').toLowerCase();

/** Why this password is refused for an account with this email, or undefined when it is fine. */
export function passwordProblem(password: string, email?: string | null): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `password must be at most ${MAX_PASSWORD_LENGTH} characters`;
  if (password.trim() === '') return 'password must not be blank (only spaces)';
  const pw = fold(password);
  if (email) {
    const address = fold(email.trim());
    const local = address.slice(0, address.lastIndexOf('@'));
    if (pw === address || (local && pw === local)) return 'password must not be your email or the part of it before @';
  }
  if (commonPasswords().has(pw)) return 'password is too common: it is among the 10,000 passwords guessed first; choose another';
  return undefined;
}

/** The length limits as a zod string (the rest needs the email: see passwordIssue). */
export const passwordString = z
  .string({ error: 'password is required' })
  .min(MIN_PASSWORD_LENGTH, `password must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `password must be at most ${MAX_PASSWORD_LENGTH} characters`);

/** Adds the rule's complaint about `password` (beside `email`) to a zod refinement, at path `password`. */
export function passwordIssue(ctx: z.RefinementCtx, password: string | undefined, email: string | null | undefined): void {
  if (password === undefined) return;
  const problem = passwordProblem(password, email);
  if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
}
