import { pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/** mosquitto's salt length (src/password_mosq.h SALT_LEN). */
export const SALT_BYTES = 12;
/** mosquitto's PBKDF2 iteration count for new passwords (PW_DEFAULT_ITERATIONS). */
export const DEFAULT_ITERATIONS = 101;
const HASH_BYTES = 64;

/** A stored password: base64 hash and salt as the dynamic-security file keeps them. */
export interface PasswordHash {
  password: string;
  salt: string;
  iterations: number;
}

/** Hashes `password` as mosquitto's dynamic-security plugin does: PBKDF2-HMAC-SHA512, 12-byte salt, 101 iterations. */
export function hashPassword(password: string, salt: Buffer = randomBytes(SALT_BYTES), iterations = DEFAULT_ITERATIONS): PasswordHash {
  const hash = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, HASH_BYTES, 'sha512');
  return { password: hash.toString('base64'), salt: salt.toString('base64'), iterations };
}

/** True when `password` matches the stored hash (constant-time compare). */
export function verifyPassword(password: string, stored: PasswordHash): boolean {
  const salt = Buffer.from(stored.salt, 'base64');
  const expected = Buffer.from(stored.password, 'base64');
  if (salt.length !== SALT_BYTES || expected.length !== HASH_BYTES || stored.iterations < 1) return false;
  const actual = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, stored.iterations, HASH_BYTES, 'sha512');
  return timingSafeEqual(actual, expected);
}
