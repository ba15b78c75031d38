import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/** Tokens are random; only their sha-256 is stored, so the database never holds a usable one. */
export function newToken(prefix: 'hs' | 'hk' | 'hd'): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
export function randomPassword(): string {
  return randomBytes(15).toString('base64url');
}

// argon2id, memory-hard (OWASP's 19 MiB, t=2 baseline).
const ARGON = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON);
}
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  // Verify against a fixed hash when there is none, so an unknown email costs the same time.
  try {
    return await verify(stored ?? DUMMY_HASH, password) && stored !== null;
  } catch {
    return false;
  }
}
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$Ic7PL/HDvaXsls74NSvxYg$PVP84ZkIQZgBsF9JKrXyLcpFu80dywAph0SguwQyNB8';
