/** `/v1/tokens`: make, list and revoke API tokens (scope `admin`). */
import {
  hashToken,
  isScope,
  newTokenId,
  newTokenSecret,
  RungError,
  SCOPES,
  type TokenRecord,
} from '@rung/shared';
import type { Store } from '@rung/store';
import type { FastifyInstance } from 'fastify';

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

function parseTokenRequest(body: unknown): { name: string; scope: TokenRecord['scope'] } {
  const raw = (typeof body === 'string' ? JSON.parse(body || '{}') : body) as unknown;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new RungError('invalid_request', 'body: a JSON object {"name": …, "scope": …}');
  }
  const { name, scope } = raw as Record<string, unknown>;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new RungError(
      'invalid_request',
      'name: 1 to 64 letters, digits and . _ @ -, starting with a letter or digit',
    );
  }
  if (!isScope(scope)) {
    throw new RungError('invalid_request', `scope: one of ${SCOPES.join(', ')}`);
  }
  return { name, scope };
}

export async function tokenRoutes(
  app: FastifyInstance,
  ctx: { store: Store; now(): number },
): Promise<void> {
  const { store } = ctx;
  app.post(
    '/v1/tokens',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: 'Make an API token',
        description:
          'Body: `{"name": "ci", "scope": "read" | "submit" | "admin"}`. The token is in the answer once and never again: only its hash is stored.',
      },
    },
    async (req, reply) => {
      let request: ReturnType<typeof parseTokenRequest>;
      try {
        request = parseTokenRequest(req.body);
      } catch (err) {
        if (err instanceof SyntaxError) {
          throw new RungError('invalid_request', `body: not JSON (${err.message})`);
        }
        throw err;
      }
      const secret = newTokenSecret();
      const record: TokenRecord = { id: newTokenId(), ...request, createdAt: ctx.now() };
      await store.putToken(hashToken(secret), record);
      req.log.info({ tokenId: record.id, scope: record.scope }, 'token created');
      return reply.code(201).send({ token: secret, ...record });
    },
  );

  // What the caller may do, so a client (the dashboard) offers only the actions it is allowed.
  app.get(
    '/v1/tokens/current',
    {
      schema: {
        tags: ['tokens'],
        summary: "The caller's token: its name and scope (`open` when the API runs without tokens)",
      },
    },
    async (req) =>
      req.token
        ? { open: false, id: req.token.id, name: req.token.name, scope: req.token.scope }
        : { open: true, scope: 'admin' },
  );

  app.get(
    '/v1/tokens',
    {
      config: { scope: 'admin' },
      schema: { tags: ['tokens'], summary: 'The API tokens (never the tokens themselves)' },
    },
    async () => ({ tokens: await store.listTokens() }),
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/tokens/:id',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: 'Revoke a token: its next request is refused',
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      },
    },
    async (req) => {
      if (!(await store.revokeToken(req.params.id))) {
        throw new RungError('not_found', `no token ${req.params.id}`);
      }
      req.log.info({ tokenId: req.params.id }, 'token revoked');
      return { revoked: req.params.id };
    },
  );
}
