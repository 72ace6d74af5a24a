/**
 * Lua of the prelude (common.ts, which puts it after touch and before the helpers that write
 * through it): the writes of a group of deliveries (messages.ts APPEND_DELIVERY) to the keys its
 * messages share, one command per key at the group's end instead of one per message. Every
 * redis.call costs redis-server a few thousand instructions besides its work (the Lua arguments
 * made into a command, the lookup, the reply made into Lua), and a group's messages mostly go to
 * one address and mailbox: its ix, fl, seq, aseq, rcpt and ev keys take all of them in one
 * command each. Nothing of a group reads these keys before its end, and a delivery that fails
 * queues nothing (its checks come before its first write), so what the group leaves is what one
 * call per delivery would have left. Outside a group (GROUP nil, common.ts begin) each write runs
 * at once.
 *
 * The tables live from call to call, their lengths kept apart (n): Lua rehashes a table each time
 * it grows past a power of two, and tables made afresh every call (tried first) grew again every
 * call, which cost a group of one delivery more than the commands saved.
 */
export const GROUP_WRITES = `
-- Per key written ({cmd, args, n, made, rcpt, gen}), kept while keys repeat; the keys a group
-- writes, GW_N of them in the order first written; its events as seq and JSON pairs, GE_N values.
local GW_MAP, GW_NEW, GW_KEYS, GW_N, GEN = {}, 0, {}, 0, 0
local GE, GE_N, GE_TRIM = {}, 0, false

-- A member of a shared key, with its score or value. made: the key is new (it has no members,
-- so its expiry is due once it has one); for a recipient key (rcpt: its name in rcpts) the
-- group's end finds out itself.
local function group_add(cmd, k, a, b, made, rcpt)
  if not GROUP then
    redis.call(cmd, k, a, b)
    if made then touch(k) end
    return
  end
  local w = GW_MAP[k]
  if not w then
    w = {cmd = cmd, args = {a, b}, n = 0, made = false, rcpt = rcpt, gen = 0}
    GW_MAP[k] = w
    GW_NEW = GW_NEW + 1
  end
  if w.gen ~= GEN then
    w.gen, w.n, w.made, w.cmd, w.rcpt = GEN, 0, false, cmd, rcpt
    GW_N = GW_N + 1
    GW_KEYS[GW_N] = k
  end
  local n, args = w.n, w.args
  args[n + 1] = a
  args[n + 2] = b
  w.n = n + 2
  if made then w.made = true end
end

-- An event in a group: written with the others at its end.
local function group_event(j, seq, s)
  GE[GE_N + 1] = s
  GE[GE_N + 2] = j
  GE_N = GE_N + 2
  if seq % EVENTS_TRIM == 0 then GE_TRIM = true end
end

-- One command of n arguments, in slices that stay under Lua's limit of values unpacked at once
-- (a group of 32 deliveries of many copies each).
local UNPACK_MAX = 2000
local function call_pairs(cmd, k, args, n)
  for i = 1, n, UNPACK_MAX do
    redis.call(cmd, k, unpack(args, i, math.min(i + UNPACK_MAX - 1, n)))
  end
end

local function group_begin()
  -- Keys of other runs and mailboxes pile up: the entries go once many were made.
  if GW_NEW > 64 then GW_MAP, GW_NEW = {}, 0 end
  GEN, GW_N, GE_N, GE_TRIM, GROUP = GEN + 1, 0, 0, false, true
end

-- ev keeps its newest EVENTS_KEPT (common.ts): a group whose seqs passed a multiple of
-- EVENTS_TRIM trims it once, after its events are in.
local function flush_events()
  if GE_N == 0 then return end
  local k = fixed('ev')
  call_pairs('ZADD', k, GE, GE_N)
  touch_once(k, ' ev ')
  if GE_TRIM then redis.call('ZREMRANGEBYRANK', k, 0, -(EVENTS_KEPT + 1)) end
  local events = fixed('events')
  for i = 2, GE_N, 2 do redis.call('SPUBLISH', events, GE[i]) end
end

local function group_flush()
  GROUP = nil
  local rcpts = 0
  for i = 1, GW_N do
    local k = GW_KEYS[i]
    local w = GW_MAP[k]
    -- A recipient key that exists has its expiry and is in rcpts (common.ts rcpt_add).
    local made = w.made
    if w.rcpt then made = redis.call('EXISTS', k) == 0 end
    call_pairs(w.cmd, k, w.args, w.n)
    if made then
      touch(k)
      if w.rcpt then rcpts = rcpts + redis.call('SADD', fixed('rcpts'), w.rcpt) end
    end
  end
  -- Nothing empties rcpts: it is made by an SADD that adds.
  if rcpts > 0 then touch(fixed('rcpts')) end
  flush_events()
end
`;
