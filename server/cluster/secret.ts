// The secret that signs access tokens, shared by every node: a token one node signed must
// verify on the others. SESSION_SECRET when set (recommended: Redis here keeps no data
// across its own restarts); otherwise the first node to start creates one in Redis
// (SET NX: of nodes starting together exactly one wins, all read the winner's).
// If Redis restarts empty, each running node puts the secret it holds back (SET NX again,
// on every reconnection), so a node starting afterwards reads the same one rather than
// minting a second.
import { randomBytes } from 'node:crypto';
import type { RedisLink } from './redis.ts';

export async function sharedSecret(link: RedisLink, given = process.env.SESSION_SECRET): Promise<string> {
  if (given) return given;
  const key = `${link.prefix}session-secret`;
  await link.commands.set(key, randomBytes(32).toString('base64url'), 'NX');
  const secret = await link.commands.get(key);
  if (!secret) throw new Error('session secret: Redis lost it as it was made; start again');
  link.commands.on('ready', () => void link.commands.set(key, secret, 'NX').catch(() => {}));
  return secret;
}
