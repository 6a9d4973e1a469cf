// Opaque tokens (refresh tokens, display, device and API-key tokens): 256 random bits,
// URL-safe; only their SHA-256 is stored, so a copy of the database grants nothing.
import { createHash, randomBytes } from 'node:crypto';

export const newToken = (): string => randomBytes(32).toString('base64url');
export const newId = (): string => randomBytes(12).toString('base64url');
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('base64url');
