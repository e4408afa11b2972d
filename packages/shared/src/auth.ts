/**
 * API tokens: what a token may do (scopes, each implying the ones before it) and how tokens are
 * made and kept. Only a token's SHA-256 is stored, so a copy of Redis lets nobody in.
 */
import { createHash, randomBytes } from 'node:crypto';

/** `read` sees everything; `submit` also creates and steers sweeps; `admin` also manages tokens. */
export const SCOPES = ['read', 'submit', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** A token as stored and listed: never the token itself. */
export interface TokenRecord {
  /** `tk-` + 10 base-36 characters: what `rung token revoke` names. */
  id: string;
  name: string;
  scope: Scope;
  createdAt: number;
}

/** Whether a token of scope `held` may do what needs `needed`. */
export function scopeAllows(held: Scope, needed: Scope): boolean {
  return SCOPES.indexOf(held) >= SCOPES.indexOf(needed);
}

export function isScope(value: unknown): value is Scope {
  return (SCOPES as readonly unknown[]).includes(value);
}

/** A new secret: `rung_` + 43 base64url characters (256 random bits). */
export function newTokenSecret(): string {
  return `rung_${randomBytes(32).toString('base64url')}`;
}

export function newTokenId(): string {
  const n = randomBytes(8).readBigUInt64BE() % 36n ** 10n;
  return `tk-${n.toString(36).padStart(10, '0')}`;
}

/** The key a token is stored and looked up under (hex SHA-256). */
export function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
