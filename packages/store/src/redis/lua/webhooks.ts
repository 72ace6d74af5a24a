import { lua } from "./common.js";

// Keys (all in the run's slot): `whs` zset of webhook ids by creation; `wh:<id>` hash (url,
// events, secret, created, cursor); `whd:<id>` zset of its delivery ids by event seq (the log);
// `whq:<id>` list of its pending delivery ids (the head is being attempted); `dl:<id>` hash of a
// delivery; `dla:<id>` list of its attempts as JSON.

/** ARGV: id, url, events (comma-separated), secret, createdAt, max webhooks. Returns the cursor. */
export const WH_CREATE = lua`
need_run()
local list = P .. 'whs'
if redis.call('ZCARD', list) >= tonumber(ARGV[8]) then fail('quota_exceeded') end
local n = redis.call('HINCRBY', RUN, 'whn', 1)
local cursor = redis.call('HGET', RUN, 'seq')
local k = P .. 'wh:' .. ARGV[3]
redis.call('HSET', k, 'url', ARGV[4], 'events', ARGV[5], 'secret', ARGV[6], 'created', ARGV[7], 'cursor', cursor)
touch(k)
redis.call('ZADD', list, n, ARGV[3])
touch(list)
return cursor
`;

/** ARGV: webhook id. Returns 1 when it existed. */
export const WH_DELETE = lua`
need_run()
local id = ARGV[3]
if redis.call('ZSCORE', P .. 'whs', id) == false then return 0 end
local log = redis.call('ZRANGE', P .. 'whd:' .. id, 0, -1)
for _, did in ipairs(log) do
  want(P .. 'dl:' .. did)
  want(P .. 'dla:' .. did)
end
need_keys()
redis.call('ZREM', P .. 'whs', id)
for _, did in ipairs(log) do
  redis.call('UNLINK', P .. 'dl:' .. did, P .. 'dla:' .. did)
end
redis.call('UNLINK', P .. 'wh:' .. id, P .. 'whd:' .. id, P .. 'whq:' .. id)
return 1
`;

/**
 * ARGV: webhook id, through seq, createdAt, keep, then (id, event, event seq, body) per delivery.
 * Returns {1 if the queue was idle else 0, ids added...}.
 */
export const WH_ADD = lua`
need_run()
local wid = ARGV[3]
local k = P .. 'wh:' .. wid
local cursor = redis.call('HGET', k, 'cursor')
if not cursor then fail('webhook_not_found') end
cursor = tonumber(cursor)
local q = P .. 'whq:' .. wid
local log = P .. 'whd:' .. wid
-- The log's oldest finished deliveries go once it is over 'keep' (below): their keys are asked
-- for first, the oldest ones that many at a time until enough of them are finished.
local adding, c = 0, cursor
for i = 7, #ARGV, 4 do
  if tonumber(ARGV[i + 2]) > c then
    adding = adding + 1
    c = tonumber(ARGV[i + 2])
  end
end
local excess = redis.call('ZCARD', log) + adding - tonumber(ARGV[6])
local old = adding > 0 and excess > 0 and redis.call('ZRANGE', log, 0, -1) or {}
local finished, asked = 0, 0
while finished < excess and asked < #old do
  local from = asked + 1
  -- At least 64 at a time, so a run of pending ones costs few rounds.
  asked = math.min(#old, asked + math.max(excess - finished, 64))
  for j = from, asked do
    want(P .. 'dl:' .. old[j])
    want(P .. 'dla:' .. old[j])
  end
  need_keys()
  for j = from, asked do
    if redis.call('HGET', P .. 'dl:' .. old[j], 'status') ~= 'pending' then finished = finished + 1 end
  end
end
local out = {redis.call('LLEN', q) == 0 and 1 or 0}
for i = 7, #ARGV, 4 do
  local eseq = tonumber(ARGV[i + 2])
  if eseq > cursor then
    local dk = P .. 'dl:' .. ARGV[i]
    redis.call('HSET', dk, 'wh', wid, 'event', ARGV[i + 1], 'eseq', ARGV[i + 2], 'body', ARGV[i + 3],
      'created', ARGV[5], 'status', 'pending', 'attempt', 0, 'round', 0, 'next', '')
    touch(dk)
    redis.call('RPUSH', q, ARGV[i])
    redis.call('ZADD', log, eseq, ARGV[i])
    cursor = eseq
    out[#out + 1] = ARGV[i]
  end
end
if tonumber(ARGV[4]) > cursor then cursor = tonumber(ARGV[4]) end
redis.call('HSET', k, 'cursor', cursor)
if #out > 1 then
  touch(q)
  touch(log)
  -- Keep the log bounded: the oldest finished deliveries go; pending ones stay.
  if excess > 0 then
    for j = 1, asked do
      local did = old[j]
      if excess <= 0 then break end
      if redis.call('HGET', P .. 'dl:' .. did, 'status') ~= 'pending' then
        redis.call('UNLINK', P .. 'dl:' .. did, P .. 'dla:' .. did)
        redis.call('ZREM', log, did)
        excess = excess - 1
      end
    end
  end
end
return out
`;

/**
 * ARGV: delivery id, attempt, status, next attempt ms ('' = none), attempt JSON. Records the
 * attempt unless already recorded. Returns the webhook's next delivery id once this one is
 * finished ('' when none; false when the delivery is gone).
 */
export const WH_RECORD = lua`
need_run()
local did = ARGV[3]
local dk = P .. 'dl:' .. did
local d = redis.call('HMGET', dk, 'wh', 'attempt')
if not d[1] then return false end
local q = P .. 'whq:' .. d[1]
want(q)
need_keys()
if tonumber(d[2]) < tonumber(ARGV[4]) then
  redis.call('HSET', dk, 'attempt', ARGV[4], 'status', ARGV[5], 'next', ARGV[6])
  local ak = P .. 'dla:' .. did
  redis.call('RPUSH', ak, ARGV[7])
  touch(ak)
  if ARGV[5] ~= 'pending' then redis.call('LREM', q, 0, did) end
end
if redis.call('HGET', dk, 'status') == 'pending' then return '' end
return redis.call('LINDEX', q, 0) or ''
`;

/** ARGV: delivery id. Returns -1 when gone, 0 when still pending, 1 when queued, 2 when queued at the head. */
export const WH_RETRY = lua`
need_run()
local did = ARGV[3]
local dk = P .. 'dl:' .. did
local d = redis.call('HMGET', dk, 'wh', 'status', 'attempt')
if not d[1] then return -1 end
if d[2] == 'pending' then return 0 end
local q = P .. 'whq:' .. d[1]
want(q)
need_keys()
local idle = redis.call('LLEN', q) == 0
redis.call('HSET', dk, 'status', 'pending', 'round', d[3], 'next', '')
redis.call('RPUSH', q, did)
touch(q)
return idle and 2 or 1
`;

/** Returns rows {id, url, events, secret, created, cursor}, oldest first. */
export const WH_LIST = lua`
need_run()
local ids = redis.call('ZRANGE', P .. 'whs', 0, -1)
for _, id in ipairs(ids) do want(P .. 'wh:' .. id) end
need_keys()
local out = {}
for _, id in ipairs(ids) do
  local h = redis.call('HMGET', P .. 'wh:' .. id, 'url', 'events', 'secret', 'created', 'cursor')
  if h[1] then out[#out + 1] = {id, h[1], h[2], h[3], h[4], h[5]} end
end
return out
`;

/** ARGV: delivery ids; or with ARGV[3] = '' and ARGV[4] a webhook id, that webhook's log. Rows: {id, hash fields..., attempts}. */
export const WH_DELIVERIES = lua`
need_run()
local ids
if ARGV[3] == '' then
  if redis.call('EXISTS', P .. 'wh:' .. ARGV[4]) == 0 then fail('webhook_not_found') end
  ids = redis.call('ZRANGE', P .. 'whd:' .. ARGV[4], 0, -1)
  for _, id in ipairs(ids) do
    want(P .. 'dl:' .. id)
    want(P .. 'dla:' .. id)
  end
  need_keys()
else
  ids = {}
  for i = 3, #ARGV do ids[#ids + 1] = ARGV[i] end
end
local out = {}
for _, id in ipairs(ids) do
  local h = redis.call('HMGET', P .. 'dl:' .. id, 'wh', 'event', 'eseq', 'body', 'created', 'status', 'attempt', 'round', 'next')
  if h[1] then
    out[#out + 1] = {id, h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], redis.call('LRANGE', P .. 'dla:' .. id, 0, -1)}
  else
    out[#out + 1] = false
  end
end
return out
`;
