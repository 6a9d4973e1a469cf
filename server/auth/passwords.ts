// Passwords: argon2id (@node-rs/argon2, OWASP's recommended parameters are its defaults:
// m=19 MiB, t=2, p=1), hashed off the event loop.
import { hash, verify } from '@node-rs/argon2';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export const hashPassword = (password: string): Promise<string> => hash(password);

/** A hash to verify against when the account does not exist, so an unknown username costs
 * the same time as a wrong password. */
let dummy: Promise<string> | undefined;

export async function checkPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (passwordHash === null) {
    await verify(await (dummy ??= hash('not a password of anyone')), password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}
