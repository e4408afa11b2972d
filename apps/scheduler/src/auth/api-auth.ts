/**
 * Who may call the API. With an admin token configured, every request in the guarded scope needs
 * a bearer token (the admin one, or one made with `POST /v1/tokens`), and each route needs a
 * scope: reading needs `read`, changing needs `submit`, managing tokens `admin`. Without one the
 * API is open — it then listens on loopback only (server.ts) and answers only requests addressed
 * to a loopback name, so a web page cannot reach it by rebinding its own domain to 127.0.0.1.
 */
import { timingSafeEqual } from 'node:crypto';
import bearerAuth from '@fastify/bearer-auth';
import { hashToken, RungError, type Scope, scopeAllows, type TokenRecord } from '@rung/shared';
import type { Store } from '@rung/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The token the request came with (the admin token's record when it was that one). */
    token?: TokenRecord;
  }
  interface FastifyContextConfig {
    /** The scope a route needs. @defaultValue `read` for GET and HEAD, `submit` otherwise */
    scope?: Scope;
  }
}

/** The record the bootstrap admin token (`RUNG_ADMIN_TOKEN`) stands for. */
export const ADMIN_TOKEN_RECORD: Readonly<TokenRecord> = Object.freeze({
  id: 'tk-admin',
  name: 'RUNG_ADMIN_TOKEN',
  scope: 'admin',
  createdAt: 0,
});

/** Host names that reach this machine only. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || host.startsWith('127.');
}

/** The host name of a `Host` header, without its port. */
function hostName(header: string | undefined): string {
  if (!header) return '';
  if (header.startsWith('[')) return header.slice(0, header.indexOf(']') + 1);
  return header.split(':')[0] ?? '';
}

function scopeNeeded(req: FastifyRequest): Scope {
  return (
    req.routeOptions.config.scope ??
    (req.method === 'GET' || req.method === 'HEAD' ? 'read' : 'submit')
  );
}

/** Registers the guard on `scope`: call it before the routes it guards, in the same scope. */
export async function guardApi(
  scope: FastifyInstance,
  opts: { store: Store; adminToken?: string },
): Promise<void> {
  const { store, adminToken } = opts;
  if (adminToken === undefined) {
    scope.addHook('onRequest', async (req) => {
      if (!isLoopbackHost(hostName(req.headers.host))) {
        throw new RungError(
          'forbidden',
          `host '${req.headers.host ?? ''}': this API runs without tokens and answers loopback names only (set RUNG_ADMIN_TOKEN to serve others)`,
        );
      }
    });
    return;
  }
  const adminHash = Buffer.from(hashToken(adminToken), 'hex');
  await scope.register(bearerAuth, {
    // Tokens are looked up by `auth`; `keys` (static ones) would bypass the store.
    keys: new Set<string>(),
    addHook: 'onRequest',
    verifyErrorLogLevel: 'warn',
    // The API's error shape; the plugin's types only know `{ error: string }`, its code sends any.
    errorResponse: ((err: Error) => ({
      error: {
        code: 'unauthorized',
        message: `${err.message}: send 'Authorization: Bearer <token>'`,
      },
    })) as unknown as (err: Error) => { error: string },
    auth: async (secret: string, req: FastifyRequest) => {
      const hash = hashToken(secret);
      if (timingSafeEqual(Buffer.from(hash, 'hex'), adminHash)) {
        req.token = ADMIN_TOKEN_RECORD;
        return true;
      }
      const record = await store.tokenByHash(hash);
      if (record) req.token = record;
      return record !== undefined;
    },
  });
  scope.addHook('onRequest', async (req) => {
    const needed = scopeNeeded(req);
    if (req.token && !scopeAllows(req.token.scope, needed)) {
      throw new RungError(
        'forbidden',
        `token '${req.token.name}' has scope '${req.token.scope}'; ${req.method} ${req.routeOptions.url} needs '${needed}'`,
      );
    }
  });
}
