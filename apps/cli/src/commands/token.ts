/** `rung token create|list|revoke`: the API's tokens. */
import { isScope, SCOPES } from '@rung/shared';
import { apiClientFor } from '../api-client.js';
import { stringOption, UsageError } from '../args.js';
import type { Io } from '../io.js';
import type { CommandValues } from './types.js';

export async function tokenCommand(
  values: CommandValues,
  positionals: readonly string[],
  io: Io,
): Promise<number> {
  const [action, id] = positionals;
  const client = apiClientFor(stringOption(values, 'api'), io.env);
  const json = values['json'] === true;
  switch (action) {
    case 'create': {
      const name = stringOption(values, 'name');
      if (!name) throw new UsageError('create: --name is required', 'token');
      const scope = stringOption(values, 'scope') ?? 'submit';
      if (!isScope(scope)) {
        throw new UsageError(`--scope ${scope}: one of ${SCOPES.join(', ')}`, 'token');
      }
      const made = await client.createToken(name, scope);
      io.out.write(
        json
          ? `${JSON.stringify(made, null, 2)}\n`
          : `${made.token}\n` +
              `(token ${made.id} '${made.name}', scope ${made.scope}: shown once, only its hash is kept)\n`,
      );
      return 0;
    }
    case 'list': {
      const tokens = await client.listTokens();
      if (json) io.out.write(`${JSON.stringify(tokens, null, 2)}\n`);
      else if (tokens.length === 0) io.out.write('No tokens.\n');
      else {
        for (const t of tokens) {
          io.out.write(
            `${t.id}  ${t.scope.padEnd(6)}  ${t.name}  ${new Date(t.createdAt).toISOString()}\n`,
          );
        }
      }
      return 0;
    }
    case 'revoke': {
      if (!id) throw new UsageError('revoke: missing <id>', 'token');
      await client.revokeToken(id);
      io.out.write(`Revoked ${id}\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown action '${action}' (create, list or revoke)`, 'token');
  }
}
