/**
 * A Lua script of the Redis store: its name, the keys it declares (in KEYS order), and its body.
 * Every key a script touches is passed in KEYS — never built from ARGV — and all of them belong
 * to one sweep (one hash tag), so each script runs on one slot under Redis Cluster.
 */
import { PRELUDE } from './scripts/prelude.js';

export interface LuaScript {
  /** The ioredis command name it is registered under. */
  readonly name: string;
  /** What each KEYS entry is, in order. */
  readonly keys: readonly string[];
  /** What follows the fixed keys, when a script takes a variable number (e.g. one per step). */
  readonly variadicKeys?: string;
  /** The full source: the shared prelude, then the body. */
  readonly lua: string;
}

export function defineScript(
  name: string,
  keys: readonly string[],
  body: string,
  options: { variadicKeys?: string } = {},
): LuaScript {
  const script: LuaScript = { name, keys, lua: `${PRELUDE}\n${body}` };
  return options.variadicKeys ? { ...script, variadicKeys: options.variadicKeys } : script;
}

/**
 * A guard for tests: shadows `redis` so that every command refuses a key that is not in KEYS,
 * and checks that all KEYS share one hash tag. Prepended to each script by
 * `RedisStore({ checkDeclaredKeys: true })`, so the conformance suite proves the rule at run time.
 */
export const DECLARED_KEYS_GUARD = `
local real_redis = redis
local function hash_tag(key)
  local open = string.find(key, '{', 1, true)
  if not open then return key end
  local close = string.find(key, '}', open + 1, true)
  if not close or close == open + 1 then return key end
  return string.sub(key, open + 1, close - 1)
end
local declared = {}
for i, key in ipairs(KEYS) do
  declared[key] = true
  if hash_tag(key) ~= hash_tag(KEYS[1]) then
    return real_redis.error_reply('keys of more than one hash tag: ' .. KEYS[1] .. ', ' .. key)
  end
end
local function checked_call(command, key, ...)
  if key == nil or not declared[key] then
    return real_redis.error_reply('undeclared key in ' .. command .. ': ' .. tostring(key))
  end
  return real_redis.call(command, key, ...)
end
local redis = setmetatable({ call = function(...)
  local reply = checked_call(...)
  if type(reply) == 'table' and reply.err then error(reply.err) end
  return reply
end }, { __index = real_redis })
`;
