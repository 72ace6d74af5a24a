import { lua } from "./common.js";

/**
 * ARGV: address, mailbox name, raw, meta JSON, envelope JSON ('' = none), flags, internalDate.
 * Returns {id, seq, uid, mailboxId}.
 */
export const APPEND = lua`
need_run()
local addr, name, raw, flags = ARGV[3], ARGV[4], ARGV[5], ARGV[8]
ensure_inbox(addr)
local mbid = redis.call('HGET', P .. 'names:' .. addr, name)
if not mbid then fail('mailbox_not_found') end
local size = #raw
check_quota(1, size)
local seq = next_seq()
local id = b36(seq)
local mk = P .. 'mb:' .. mbid
local uid = redis.call('HINCRBY', mk, 'uidnext', 1) - 1
local k = P .. 'm:' .. id
redis.call('HSET', k, 'seq', seq, 'mb', mbid, 'uid', uid, 'flags', flags, 'modseq', seq, 'idate', ARGV[9],
  'size', size, 'env', ARGV[7], 'meta', ARGV[6], 'raw', raw)
touch(k)
index_add(mbid, addr, id, uid, seq, flags)
redis.call('HSET', mk, 'hms', seq)
redis.call('HINCRBY', RUN, 'msgs', 1)
redis.call('HINCRBY', RUN, 'bytes', size)
emit({type = 'message.added', runId = RUNID, seq = seq, messageId = id, mailboxId = mbid, address = addr,
  uid = uid, flags = flags, modSeq = seq})
return {id, seq, uid, mbid}
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
  emit({type = 'message.expunged', runId = RUNID, seq = seq, messageId = id, mailboxId = m[1], address = addr,
    uid = tonumber(m[2]), modSeq = seq})
end
return #ids
`;
