import { lua } from "./common.js";

/**
 * ARGV: address, mailbox name, raw, meta JSON, envelope JSON ('' = none), flags, internalDate.
 * Returns {id, seq, uid, mailboxId}.
 */
export const APPEND = lua`
need_run()
local addr, name, raw = ARGV[3], ARGV[4], ARGV[5]
ensure_inbox(addr)
local mbid = redis.call('HGET', P .. 'names:' .. addr, name)
if not mbid then fail('mailbox_not_found') end
check_quota(1, #raw)
return put_message(addr, mbid, raw, ARGV[6], ARGV[7], ARGV[8], ARGV[9])
`;

/**
 * One message to several inboxes, all copies or none. ARGV: delivery id, not-after (epoch ms),
 * body, uploaded ('1': the body is not in ARGV but in the key up:<delivery id>, sent ahead in
 * slices), then per copy: address, mailbox name, head, meta JSON, envelope JSON, flags, internalDate.
 * Returns {{id, seq, uid, mailboxId}...}. A delivery id seen before returns that call's answer
 * and stores nothing; past not-after (by Redis's clock) it stores nothing, so a caller that gave
 * up waiting knows a late execution cannot store what it answered 451 for. An uploaded body is
 * deleted whatever follows; one that is gone (expired) stores nothing either.
 */
export const APPEND_DELIVERY = lua`
need_run()
local did, body = ARGV[3], ARGV[5]
local dz, dh = P .. 'dlv', P .. 'dlvr'
local done = redis.call('HGET', dh, did)
if done then return cjson.decode(done) end
if ARGV[6] == '1' then
  local up = P .. 'up:' .. did
  body = redis.call('GET', up)
  if not body then fail('delivery_expired') end
  redis.call('DEL', up)
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if now >= tonumber(ARGV[4]) then fail('delivery_expired') end
local F, FIRST = 7, 7
local n = (#ARGV - FIRST + 1) / F
local bytes = 0
for i = 0, n - 1 do
  local b = FIRST + i * F
  local addr, name = ARGV[b], ARGV[b + 1]
  local found
  if redis.call('SISMEMBER', P .. 'addrs', addr) == 1 then
    found = redis.call('HEXISTS', P .. 'names:' .. addr, name) == 1
  else
    for _, d in ipairs(DEFAULTS) do if d[1] == name then found = true end end
  end
  if not found then fail('mailbox_not_found') end
  bytes = bytes + #ARGV[b + 2] + #body
end
check_quota(n, bytes)
local out = {}
for i = 0, n - 1 do
  local b = FIRST + i * F
  local addr = ARGV[b]
  ensure_inbox(addr)
  local mbid = redis.call('HGET', P .. 'names:' .. addr, ARGV[b + 1])
  out[#out + 1] = put_message(addr, mbid, ARGV[b + 2] .. body, ARGV[b + 3], ARGV[b + 4], ARGV[b + 5], ARGV[b + 6])
end
-- Only a retry after an unknown outcome needs the answer: forget deliveries after an hour.
redis.call('HSET', dh, did, cjson.encode(out))
redis.call('ZADD', dz, now, did)
touch(dh)
touch(dz)
local old = redis.call('ZRANGEBYSCORE', dz, '-inf', now - 3600000, 'LIMIT', 0, 100)
if #old > 0 then
  redis.call('HDEL', dh, unpack(old))
  redis.call('ZREM', dz, unpack(old))
end
return out
`;

/**
 * ARGV: op (add|remove|set), flags (space-separated, normalized), unchangedSince ('' = none), ids...
 * Returns {{id, uid, flags, modSeq}...}, {conflicting ids...}.
 */
export const UPDATE_FLAGS = lua`
need_run()
local op, want, since = ARGV[3], ARGV[4], tonumber(ARGV[5])

local function split(s)
  local t = {}
  for f in string.gmatch(s, '%S+') do t[#t + 1] = f end
  return t
end

-- The new flag string, or nil when nothing changes (flags compare case-insensitively).
local function apply(cur)
  local c, w = split(cur), split(want)
  local have = {}
  for _, f in ipairs(c) do have[string.lower(f)] = true end
  local out = {}
  if op == 'set' then
    local same = #c == #w
    for _, f in ipairs(w) do
      out[#out + 1] = f
      if not have[string.lower(f)] then same = false end
    end
    if same then return nil end
  elseif op == 'add' then
    for _, f in ipairs(c) do out[#out + 1] = f end
    for _, f in ipairs(w) do
      if not have[string.lower(f)] then
        out[#out + 1] = f
        have[string.lower(f)] = true
      end
    end
    if #out == #c then return nil end
  else
    local drop = {}
    for _, f in ipairs(w) do drop[string.lower(f)] = true end
    for _, f in ipairs(c) do
      if not drop[string.lower(f)] then out[#out + 1] = f end
    end
    if #out == #c then return nil end
  end
  return table.concat(out, ' ')
end

local updated, conflicts = {}, {}
for _, id in ipairs(existing(6)) do
  local k = P .. 'm:' .. id
  local m = redis.call('HMGET', k, 'flags', 'modseq', 'mb', 'uid')
  if since and tonumber(m[2]) > since then
    conflicts[#conflicts + 1] = id
  else
    local nf = apply(m[1])
    if nf then
      local mk = P .. 'mb:' .. m[3]
      local was, now = has_seen(m[1]), has_seen(nf)
      if was and not now then redis.call('HINCRBY', mk, 'unseen', 1) end
      if now and not was then redis.call('HINCRBY', mk, 'unseen', -1) end
      local seq = next_seq()
      redis.call('HSET', k, 'flags', nf, 'modseq', seq)
      fl_set(m[3], id, m[4], seq, nf)
      redis.call('HSET', mk, 'hms', seq)
      local uid = tonumber(m[4])
      updated[#updated + 1] = {id, uid, nf, seq}
      emit({type = 'message.flags', runId = RUNID, seq = seq, messageId = id, mailboxId = m[3],
        address = redis.call('HGET', mk, 'address'), uid = uid, flags = nf, modSeq = seq})
    end
  end
end
return {updated, conflicts}
`;

/** ARGV: destination mailbox id, ids... Returns {uidValidity, {{id, uid, newId, newUid}...}}. */
export const COPY = lua`
need_run()
local dest = ARGV[3]
local dk = P .. 'mb:' .. dest
local d = redis.call('HMGET', dk, 'address', 'uidv')
if not d[1] then fail('mailbox_not_found') end
local ids = existing(4)
local bytes = 0
for _, id in ipairs(ids) do bytes = bytes + tonumber(redis.call('HGET', P .. 'm:' .. id, 'size')) end
check_quota(#ids, bytes)
local mapping = {}
for _, id in ipairs(ids) do
  local m = redis.call('HMGET', P .. 'm:' .. id, 'uid', 'flags', 'idate', 'size', 'env', 'meta', 'raw')
  local seq = next_seq()
  local nid = b36(seq)
  local uid = redis.call('HINCRBY', dk, 'uidnext', 1) - 1
  local k = P .. 'm:' .. nid
  redis.call('HSET', k, 'seq', seq, 'mb', dest, 'uid', uid, 'flags', m[2], 'modseq', seq, 'idate', m[3],
    'size', m[4], 'env', m[5], 'meta', m[6], 'raw', m[7])
  touch(k)
  index_add(dest, d[1], nid, uid, seq, m[2])
  fl_set(dest, nid, uid, seq, m[2])
  redis.call('HSET', dk, 'hms', seq)
  redis.call('HINCRBY', RUN, 'msgs', 1)
  redis.call('HINCRBY', RUN, 'bytes', tonumber(m[4]))
  mapping[#mapping + 1] = {id, tonumber(m[1]), nid, uid}
  emit({type = 'message.added', runId = RUNID, seq = seq, messageId = nid, mailboxId = dest, address = d[1],
    uid = uid, flags = m[2], modSeq = seq})
end
return {tonumber(d[2]), mapping}
`;

/** ARGV: destination mailbox id, ids... Returns {uidValidity, {{id, uid, id, newUid}...}}. */
export const MOVE = lua`
need_run()
local dest = ARGV[3]
local dk = P .. 'mb:' .. dest
local d = redis.call('HMGET', dk, 'address', 'uidv')
if not d[1] then fail('mailbox_not_found') end
local dix = P .. 'ix:' .. dest
local mapping = {}
for _, id in ipairs(existing(4)) do
  local k = P .. 'm:' .. id
  local m = redis.call('HMGET', k, 'uid', 'flags', 'mb', 'seq')
  local from, fromUid, seqOfMsg = m[3], tonumber(m[1]), tonumber(m[4])
  local fk = P .. 'mb:' .. from
  local faddr = redis.call('HGET', fk, 'address')
  local sameAddr = faddr == d[1]
  index_remove(from, faddr, id, m[2], sameAddr)
  local uid = redis.call('HINCRBY', dk, 'uidnext', 1) - 1
  local seq = next_seq()
  redis.call('HSET', k, 'mb', dest, 'uid', uid, 'modseq', seq)
  fl_set(dest, id, uid, seq, m[2])
  if sameAddr then
    local ix = P .. 'ix:' .. dest
    redis.call('ZADD', ix, uid, id)
    touch(ix)
    redis.call('HINCRBY', dk, 'n', 1)
    if not has_seen(m[2]) then redis.call('HINCRBY', dk, 'unseen', 1) end
  else
    index_add(dest, d[1], id, uid, seqOfMsg, m[2])
  end
  redis.call('HSET', fk, 'hms', seq)
  redis.call('HSET', dk, 'hms', seq)
  note_gone(from, fromUid, seq)
  mapping[#mapping + 1] = {id, fromUid, id, uid}
  emit({type = 'message.moved', runId = RUNID, seq = seq, messageId = id, address = d[1],
    fromMailboxId = from, fromUid = fromUid, mailboxId = dest, uid = uid, flags = m[2], modSeq = seq})
end
return {tonumber(d[2]), mapping}
`;

/** ARGV: ids... Returns how many were deleted. */
export const DELETE_MESSAGES = lua`
need_run()
local ids = existing(3)
for _, id in ipairs(ids) do
  local k = P .. 'm:' .. id
  local m = redis.call('HMGET', k, 'mb', 'uid', 'flags', 'size')
  local mk = P .. 'mb:' .. m[1]
  local addr = redis.call('HGET', mk, 'address')
  index_remove(m[1], addr, id, m[3], false)
  redis.call('UNLINK', k)
  redis.call('HINCRBY', RUN, 'msgs', -1)
  redis.call('HINCRBY', RUN, 'bytes', 0 - tonumber(m[4]))
  local seq = next_seq()
  redis.call('HSET', mk, 'hms', seq)
  note_gone(m[1], tonumber(m[2]), seq)
  emit({type = 'message.expunged', runId = RUNID, seq = seq, messageId = id, mailboxId = m[1], address = addr,
    uid = tonumber(m[2]), modSeq = seq})
end
return #ids
`;
