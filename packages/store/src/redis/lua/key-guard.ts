import { lua } from "./common.js";

/** Commands whose every argument is a key; TIME has none; every other command used has one, first. */
const ALL_KEYS = ["DEL", "UNLINK", "EXISTS", "RENAME"];
const NO_KEYS = ["TIME"];
const FIRST_KEY = [
  "GET",
  "STRLEN",
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
 * Lua put before a script's body (tests; RedisStoreOptions.checkKeys) so that every key it
 * touches is checked as the command runs: the key must be the run's (start with the prefix in
 * ARGV[1], so the run's cluster slot), and declared in KEYS, with no exception: a key found in the
 * data is asked for (need_keys, common.ts) before it is touched. A command the guard does not
 * know fails too, so a new command cannot slip past it. The failure is a script
 * error naming the script and the key; Redis has run the commands before it, so this is for
 * tests, never for production.
 *
 * It shadows the global `redis` with a local, which every function of the prelude then closes over.
 */
export function keyGuard(script: string): string {
  return lua`
local redis = (function(real)
  local P = ARGV[1]
  if KEYS[1] ~= P .. 'run' or not string.find(P, '{' .. ARGV[2] .. '}', 1, true) then
    error({err = 'key_guard ${script}: KEYS[1] is not the run hash of ARGV[1]'})
  end
  local declared = {}
  for _, k in ipairs(KEYS) do declared[k] = true end
  local all, nokeys, first = ${set(ALL_KEYS)}, ${set(NO_KEYS)}, ${set(FIRST_KEY)}
  local function check(cmd, ...)
    local c = string.upper(cmd)
    local keys
    if nokeys[c] then return end
    if all[c] then keys = {...}
    elseif first[c] then keys = {(...)}
    else error({err = 'key_guard ${script}: command ' .. c .. ' unknown to the guard'}) end
    for _, k in ipairs(keys) do
      if string.sub(k, 1, #P) ~= P then
        error({err = 'key_guard ${script}: ' .. c .. ' on ' .. k .. ', a key outside the run'})
      end
      if not declared[k] then
        error({err = 'key_guard ${script}: ' .. c .. ' on ' .. k .. ', not declared in KEYS'})
      end
    end
  end
  return setmetatable({
    call = function(cmd, ...) check(cmd, ...) return real.call(cmd, ...) end,
    pcall = function(cmd, ...) check(cmd, ...) return real.pcall(cmd, ...) end,
  }, {__index = real})
end)(redis)
`;
}
