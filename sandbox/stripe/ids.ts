// Stripe-looking object ids (`cs_test_…`, `pi_…`, `evt_…`), and copies of stored objects so
// that nothing handed out can change what the fake holds.
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export function newId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let s = '';
  for (const b of bytes) s += ALPHABET[b % ALPHABET.length];
  return `${prefix}_${s}`;
}

export const clone = <T>(v: T): T => structuredClone(v);
