import { lua } from "./common.js";

/*
 * A run's fault rules live in one hash, `<prefix>faults`: `gen` (the generation, from the run
 * hash's `fgen` counter, so it never repeats for the run), `rules` (JSON), and per rule i
 * `rem:i` (what remains of its count; absent without one), `p:i` (probability; absent without
 * one), `rng:i` (generator state) and `fired:i`. Greylisting remembers first attempts in
 * `<prefix>grey`. Both expire with the run.
 */

/** ARGV: rules JSON ('' = none), then per rule: remaining ('' = no count), probability ('' = none), generator start. */
export const SET_FAULTS = lua`
need_run()
local K = P .. 'faults'
redis.call('DEL', K, P .. 'grey')
local gen = redis.call('HINCRBY', RUN, 'fgen', 1)
if ARGV[3] ~= '' then
  redis.call('HSET', K, 'gen', gen, 'rules', ARGV[3])
  local i = 0
  local a = 4
  while ARGV[a] do
    if ARGV[a] ~= '' then redis.call('HSET', K, 'rem:' .. i, ARGV[a]) end
    if ARGV[a + 1] ~= '' then redis.call('HSET', K, 'p:' .. i, ARGV[a + 1]) end
    redis.call('HSET', K, 'rng:' .. i, ARGV[a + 2], 'fired:' .. i, 0)
    i = i + 1
    a = a + 3
  end
  touch(K)
end
-- Not a StoreEvent: tells every process's run cache (run-cache.ts) to forget the rules.
redis.call('SPUBLISH', P .. 'cache', cjson.encode({type = 'cache.faults', runId = RUNID}))
return gen
`;

/**
 * ARGV: generation, rule index. Returns 1 when the rule fires. The generator step is exact in
 * Lua's doubles (see FAULT_RNG_MODULUS in @sandmail/core), so it draws what the memory store draws.
 */
export const FIRE_FAULT = lua`
need_run()
local K = P .. 'faults'
if redis.call('HGET', K, 'gen') ~= ARGV[3] then return 0 end
local i = ARGV[4]
local p = redis.call('HGET', K, 'p:' .. i)
if p then
  local x = (tonumber(redis.call('HGET', K, 'rng:' .. i)) * 16807) % 2147483647
  redis.call('HSET', K, 'rng:' .. i, string.format('%d', x))
  if x / 2147483647 >= tonumber(p) then return 0 end
end
local rem = redis.call('HGET', K, 'rem:' .. i)
if rem then
  if tonumber(rem) <= 0 then return 0 end
  redis.call('HINCRBY', K, 'rem:' .. i, -1)
end
redis.call('HINCRBY', K, 'fired:' .. i, 1)
return 1
`;

/** ARGV: generation, rule index, key, most pairs kept. Returns ms since the first attempt, or -1 for a first one. */
export const GREYLIST_ATTEMPT = lua`
need_run()
if redis.call('HGET', P .. 'faults', 'gen') ~= ARGV[3] then return -1 end
local G = P .. 'grey'
local field = ARGV[4] .. '|' .. ARGV[5]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local first = redis.call('HGET', G, field)
if first then return math.max(0, now - tonumber(first)) end
if redis.call('HLEN', G) >= tonumber(ARGV[6]) then redis.call('DEL', G) end
redis.call('HSET', G, field, string.format('%d', now))
touch(G)
return -1
`;

/** The whole hash as a flat list (empty without rules). */
export const GET_FAULTS = lua`
need_run()
return redis.call('HGETALL', P .. 'faults')
`;
