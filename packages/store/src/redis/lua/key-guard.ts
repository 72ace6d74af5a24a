import { lua } from "./common.js";

/** Commands whose every argument is a key; TIME has none; every other command used has one, first. */
const ALL_KEYS = ["DEL", "UNLINK", "EXISTS", "RENAME"];
const NO_KEYS = ["TIME"];
const FIRST_KEY = [
  "GET",
  "STRLEN",
  "GETRANGE",
  "SET",
  "PEXPIREAT",
  "SPUBLISH",
  "HGET",
  "HSET",
  "HMGET",
  "HINCRBY",
  "HEXISTS",
  "HDEL",
  "HVALS",
  "HGETALL",
  "HLEN",
  "SADD",
  "SREM",
  "SMEMBERS",
  "SISMEMBER",
  "SCARD",
  "ZADD",
  "ZREM",
  "ZCARD",
  "ZSCORE",
  "ZRANGE",
  "ZRANGEBYSCORE",
  "ZREVRANGEBYSCORE",
  "ZREMRANGEBYRANK",
  "ZPOPMIN",
  "LPUSH",
  "RPUSH",
  "RPOP",
  "LLEN",
  "LRANGE",
  "LREM",
  "LINDEX",
];

const set = (names: readonly string[]) => `{${names.map((n) => `['${n}'] = true`).join(", ")}}`;

/**
 * Lua put at the top of the library (tests; RedisStoreOptions.checkKeys), after its KEYS and ARGV
 * locals and before the prelude, so that every key a function touches is checked as the command
 * runs: the key must be the run's (start with the prefix in ARGV[1], so the run's cluster slot),
 * and declared in KEYS, with no exception: a key found in the data is asked for (need_keys,
 * common.ts) before it is touched. A command the guard does not know fails too, so a new command
 * cannot slip past it. The failure is an error naming the script and the key; Redis has run the
 * commands before it, so this is for tests, never for production.
 *
 * It shadows the library's `redis` (library.ts binds it on the first call) with a local, which
 * every function of the library then closes over. A field of `redis` it does not forward is nil:
 * the library fails its tests. guard(name), called as each function starts, checks the run hash and notes the
 * call, which the extra function `guardCalls` lists (library.ts): a test asks it which scripts
 * the guard saw.
 */
export const KEY_GUARD = lua`
local GUARD = {script = '', prefix = '', declared = {}}
local GUARD_CALLS = {}
local function guard(script)
  local P = ARGV[1]
  if KEYS[1] ~= P .. 'run' or not string.find(P, '{' .. ARGV[2] .. '}', 1, true) then
    error({err = 'key_guard ' .. script .. ': KEYS[1] is not the run hash of ARGV[1]'})
  end
  local declared = {}
  for _, k in ipairs(KEYS) do declared[k] = true end
  GUARD.script, GUARD.prefix, GUARD.declared = script, P, declared
  GUARD_CALLS[script] = true
end
local redis = (function()
  local all, nokeys, first = ${set(ALL_KEYS)}, ${set(NO_KEYS)}, ${set(FIRST_KEY)}
  local function check(cmd, ...)
    local c = string.upper(cmd)
    local keys
    if nokeys[c] then return end
    if all[c] then keys = {...}
    elseif first[c] then keys = {(...)}
    else error({err = 'key_guard ' .. GUARD.script .. ': command ' .. c .. ' unknown to the guard'}) end
    local P = GUARD.prefix
    for _, k in ipairs(keys) do
      if string.sub(k, 1, #P) ~= P then
        error({err = 'key_guard ' .. GUARD.script .. ': ' .. c .. ' on ' .. k .. ', a key outside the run'})
      end
      if not GUARD.declared[k] then
        error({err = 'key_guard ' .. GUARD.script .. ': ' .. c .. ' on ' .. k .. ', not declared in KEYS'})
      end
    end
  end
  -- No metatable (setmetatable is not there while the library loads): what the library calls.
  return {
    call = function(cmd, ...) check(cmd, ...) return redis.call(cmd, ...) end,
    pcall = function(cmd, ...) check(cmd, ...) return redis.pcall(cmd, ...) end,
  }
end)()
local function guard_calls()
  local out = {}
  for name in pairs(GUARD_CALLS) do out[#out + 1] = name end
  table.sort(out)
  return out
end
`;
