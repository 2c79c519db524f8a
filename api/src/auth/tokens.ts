import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { hash, verify } from '@node-rs/argon2';
import { checkPasswordPolicy, type PasswordPolicy } from './rules.ts';

// As in Lucia's current guide: 24 characters from a 32-letter alphabet = 120 bits each for id and secret.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

export function generateSecureRandomString(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) out += ALPHABET[b >> 3];
  return out;
}

export function hashSecret(secret: string): Uint8Array {
  return sha256(new TextEncoder().encode(secret));
}

export function secretMatches(secret: string, storedHash: Uint8Array): boolean {
  return constantTimeEqual(hashSecret(secret), new Uint8Array(storedHash));
}

/** Token format `<id>.<secret>`. */
export function parseToken(token: string): { id: string; secret: string } | null {
  // Only what generateSecureRandomString makes: anything else (a NUL byte, say) never reaches SQL.
  if (token.length > 100 || !/^[a-z2-9]+\.[a-z2-9]+$/.test(token)) return null;
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return null;
  return { id: parts[0], secret: parts[1] };
}

// OWASP's argon2id minimum: m=19 MiB, t=2, p=1.
const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
export const hashPassword = (password: string) => hash(password, ARGON2);
export const verifyPassword = (passwordHash: string, password: string) => verify(passwordHash, password).catch(() => false);

/** A readable random password (at least `length` characters, all four character classes). */
export function generatePassword(length = 14): string {
  const pick = (set: string, n: number) => {
    const bytes = new Uint8Array(n);
    crypto.getRandomValues(bytes);
    return [...bytes].map((b) => set[b % set.length]).join('');
  };
  const lower = Math.max(5, length - 9);
  return `${pick('ABCDEFGHJKLMNPQRSTUVWXYZ', 3)}${pick('abcdefghijkmnpqrstuvwxyz', lower)}${pick('23456789', 4)}-${pick('!@#%+=', 1)}`;
}

/**
 * A generated password the current policy accepts for this user: long enough even when an admin
 * raised the minimum length, and never containing the username.
 */
export function generatePasswordFor(policy: PasswordPolicy, username: string): string {
  for (let i = 0; i < 100; i++) {
    const password = generatePassword(Math.max(14, policy.minLength));
    if (!checkPasswordPolicy(password, policy, username)) return password;
  }
  throw new Error('could not generate a password that satisfies the policy');
}
