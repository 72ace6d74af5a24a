/** Tag for Lua sources: raw, so a Lua escape such as `'\\Seen'` reaches Redis unchanged. */
export const lua = String.raw;

/**
 * Lua shared by every write script. Calling convention: KEYS[1] is the run hash; ARGV[1] the
 * run's key prefix (`sm:{runId}:`, so every key built from it shares the run's hash tag and
 * cluster slot); ARGV[2] the run id; the script's own arguments start at ARGV[3].
 *
 * Redis does not roll back a script that fails half-way, so every check runs before the first
 * write of a script.
 */
export const PRELUDE = lua`
local P = ARGV[1]
local RUNID = ARGV[2]
local RUN = KEYS[1]
local EXP
local EVENTS_KEPT = 10000

local function fail(code) error({err = code}) end

-- Redis Cluster's rule: every key a script touches is declared in KEYS. A key the script finds
-- in the data (a message's mailbox, an address's folders) or that the caller did not name is
-- noted by want(); need_keys() then fails the call before anything is read from those keys or
-- written anywhere, naming them all (scripts.ts), and the caller runs it again with them
-- declared. A script calls want() for one level of keys, then need_keys(), then reads them.
local DECLARED, MISSING, ASKED = {}, {}, {}
for _, k in ipairs(KEYS) do DECLARED[k] = true end
local function want(k)
  if not DECLARED[k] and not ASKED[k] then
    ASKED[k] = true
    MISSING[#MISSING + 1] = k
  end
end
local function need_keys()
  if #MISSING > 0 then error({err = 'need_keys ' .. cjson.encode(MISSING)}) end
end

local function need_run()
  EXP = redis.call('HGET', RUN, 'expiresAt')
  if not EXP then fail('run_not_found') end
end

-- Every key a run owns expires with the run.
local function touch(k) redis.call('PEXPIREAT', k, EXP) end

local function next_seq() return redis.call('HINCRBY', RUN, 'seq', 1) end

local function has_seen(flags) return string.find(' ' .. flags .. ' ', ' \\Seen ', 1, true) ~= nil end

-- Events travel as JSON with flags as one space-separated string (cjson cannot tell an empty
-- array from an empty object); the client splits them back.
local function emit(ev)
  local j = cjson.encode(ev)
  local k = P .. 'ev'
  redis.call('ZADD', k, ev.seq, j)
  redis.call('ZREMRANGEBYRANK', k, 0, -(EVENTS_KEPT + 1))
  touch(k)
  redis.call('SPUBLISH', P .. 'events', j)
end

local DEFAULTS = {
  {'INBOX', ''}, {'Sent', '\\Sent'}, {'Drafts', '\\Drafts'},
  {'Trash', '\\Trash'}, {'Junk', '\\Junk'}, {'Archive', '\\Archive'},
}

-- Ids of new mailboxes and messages are the caller's (new-ids.ts), so it can declare their keys:
-- a pool of them from one argument, taken in order. A script counts what it will take before its
-- first write and fails need_ids when the caller gave too few (it gives none where it believes
-- the address exists already).
local function id_pool(s)
  local pool = {n = 0}
  for id in string.gmatch(s or '', '%S+') do pool[#pool + 1] = id end
  return pool
end
local function pool_has(pool, count)
  if #pool - pool.n < count then fail('need_ids') end
end
local function take(pool)
  pool.n = pool.n + 1
  return pool[pool.n]
end

-- The keys of a mailbox a message is stored in, moved out of or read from.
local function want_mailbox(mbid)
  for _, kind in ipairs({'mb:', 'ix:', 'fl:', 'gone:'}) do want(P .. kind .. mbid) end
end

local function new_mailbox(addr, name, su, id)
  local seq = next_seq()
  local uidv = redis.call('HINCRBY', RUN, 'uidv', 1)
  local k = P .. 'mb:' .. id
  redis.call('HSET', k, 'address', addr, 'name', name, 'su', su, 'uidv', uidv, 'uidnext', 1,
    'hms', seq, 'n', 0, 'unseen', 0, 'recent', 0)
  touch(k)
  local nk = P .. 'names:' .. addr
  redis.call('HSET', nk, name, id)
  touch(nk)
  emit({type = 'mailbox.created', runId = RUNID, seq = seq, mailboxId = id, address = addr, name = name})
  return id
end

local function known_address(addr) return redis.call('SISMEMBER', P .. 'addrs', addr) == 1 end

-- 'full' holds the addresses whose default folders were made: a delivery makes only the folder
-- it stores into (INBOX for a new address), the rest wait for the first time anything asks for
-- the address's folders, and a default the user deleted after that never comes back.
local function defaults_made(addr) return redis.call('SISMEMBER', P .. 'full', addr) == 1 end

local function new_default(addr, i, id)
  local d = DEFAULTS[i]
  new_mailbox(addr, d[1], d[2], id)
  local sk = P .. 'subs:' .. addr
  redis.call('SADD', sk, d[1])
  touch(sk)
end

local function add_address(addr)
  local ak = P .. 'addrs'
  redis.call('SADD', ak, addr)
  touch(ak)
end

-- Makes what an address lacks of its default folders, with ids from the pool (default i takes
-- the pool's i-th id), and remembers they were made. Only an address that exists unless
-- 'create' (a new one gets them all). Returns whether the address exists (now). A script calls it
-- first, as the memory store does, and it stands on its own: a call that goes on to fail or to
-- ask for keys (need_keys) has made them, once; the call run again finds them made.
local function make_defaults(addr, pool, create)
  local known = known_address(addr)
  if known and defaults_made(addr) then return true end
  if not known and not create then return false end
  local nk, todo = P .. 'names:' .. addr, {}
  for i, d in ipairs(DEFAULTS) do
    if not known or redis.call('HEXISTS', nk, d[1]) == 0 then todo[#todo + 1] = i end
  end
  local base = pool.n
  if #todo > 0 then
    pool_has(pool, #DEFAULTS)
    pool.n = base + #DEFAULTS
  end
  if not known then add_address(addr) end
  for _, i in ipairs(todo) do new_default(addr, i, pool[base + i]) end
  local fk = P .. 'full'
  redis.call('SADD', fk, addr)
  touch(fk)
  return true
end

-- An address's default folders, the address made if new.
local function ensure_inbox(addr, pool) make_defaults(addr, pool, true) end

-- The names (names[from]..) an address lacks; create_missing makes them.
local function missing_names(addr, names, from)
  local nk, out = P .. 'names:' .. addr, {}
  for i = from, #names do
    if redis.call('HEXISTS', nk, names[i]) == 0 then out[#out + 1] = names[i] end
  end
  return out
end

local function create_missing(addr, names, pool)
  for _, name in ipairs(names) do new_mailbox(addr, name, '', take(pool)) end
end

local function index_add(mbid, addr, id, uid, seq, flags)
  local ix = P .. 'ix:' .. mbid
  redis.call('ZADD', ix, uid, id)
  touch(ix)
  local sk = P .. 'seq'
  redis.call('ZADD', sk, seq, id)
  touch(sk)
  local ak = P .. 'aseq:' .. addr
  redis.call('ZADD', ak, seq, id)
  touch(ak)
  local mk = P .. 'mb:' .. mbid
  redis.call('HINCRBY', mk, 'n', 1)
  if not has_seen(flags) then redis.call('HINCRBY', mk, 'unseen', 1) end
end

-- fl:<mailbox> holds every message's 'uid modseq flags' in one hash: SELECT reads it whole.
local function fl_set(mbid, id, uid, modseq, flags)
  local k = P .. 'fl:' .. mbid
  redis.call('HSET', k, id, uid .. ' ' .. modseq .. ' ' .. flags)
  touch(k)
end

-- gone:<mailbox> remembers the UIDs that left it, scored by modseq (QRESYNC), the newest
-- EXPUNGED_KEPT of them (set by scripts.ts); 'gfloor' in the mailbox hash is the highest modseq
-- forgotten.
local function note_gone(mbid, uid, modseq)
  local k = P .. 'gone:' .. mbid
  redis.call('ZADD', k, modseq, uid)
  touch(k)
  if redis.call('ZCARD', k) > EXPUNGED_KEPT then
    local oldest = redis.call('ZPOPMIN', k)
    redis.call('HSET', P .. 'mb:' .. mbid, 'gfloor', oldest[2])
  end
end

local function index_remove(mbid, addr, id, flags, keep_seq)
  redis.call('ZREM', P .. 'ix:' .. mbid, id)
  redis.call('HDEL', P .. 'fl:' .. mbid, id)
  local mk = P .. 'mb:' .. mbid
  redis.call('HINCRBY', mk, 'n', -1)
  if not has_seen(flags) then redis.call('HINCRBY', mk, 'unseen', -1) end
  if not keep_seq then
    redis.call('ZREM', P .. 'seq', id)
    redis.call('ZREM', P .. 'aseq:' .. addr, id)
  end
end

-- The mailbox COPY or MOVE writes to: its key and {address, uidValidity}. Its address's seq
-- index, which the messages join, is wanted (need_keys).
local function target_mailbox(mbid)
  local k = P .. 'mb:' .. mbid
  local d = redis.call('HMGET', k, 'address', 'uidv')
  if not d[1] then fail('mailbox_not_found') end
  want(P .. 'aseq:' .. d[1])
  return k, d
end

-- Distinct ids of existing messages, in the order given (ARGV[from]..).
local function existing(from)
  local out, seen = {}, {}
  for i = from, #ARGV do
    local id = ARGV[i]
    if not seen[id] and redis.call('EXISTS', P .. 'm:' .. id) == 1 then
      seen[id] = true
      out[#out + 1] = id
    end
  end
  return out
end

-- Stores one message in an existing mailbox; the caller has checked quota and mailbox.
-- rcpt:<key> holds the messages a recipient key (shared/recipients.ts) finds, scored by seq; the
-- message hash keeps its keys in 'rk' (a JSON array, made by the client, which lowercases them
-- as JavaScript does), so they can be taken out when it leaves; 'rcpts' names every such key
-- the run has used, for DELETE_RUN. Adding: the keys come from the caller, declared. Removing:
-- they come from the message, so want_rcpts() asks for them before need_keys().
local function rcpt_list(rk)
  if not rk or rk == '' or rk == '[]' then return {} end
  return cjson.decode(rk)
end

local function rcpt_add(rk, id, seq)
  local keys = rcpt_list(rk)
  if #keys == 0 then return end
  local rs = P .. 'rcpts'
  for _, key in ipairs(keys) do
    local k = P .. 'rcpt:' .. key
    redis.call('ZADD', k, seq, id)
    touch(k)
    redis.call('SADD', rs, key)
  end
  touch(rs)
end

local function want_rcpts(rk)
  for _, key in ipairs(rcpt_list(rk)) do want(P .. 'rcpt:' .. key) end
end

local function rcpt_remove(rk, id)
  for _, key in ipairs(rcpt_list(rk)) do redis.call('ZREM', P .. 'rcpt:' .. key, id) end
end

local function put_message(addr, mbid, id, raw, meta, env, flags, idate, rk)
  local seq = next_seq()
  local mk = P .. 'mb:' .. mbid
  local uid = redis.call('HINCRBY', mk, 'uidnext', 1) - 1
  local k = P .. 'm:' .. id
  local size = #raw
  redis.call('HSET', k, 'seq', seq, 'mb', mbid, 'uid', uid, 'flags', flags, 'modseq', seq, 'idate', idate,
    'size', size, 'env', env, 'meta', meta, 'raw', raw, 'rk', rk)
  touch(k)
  index_add(mbid, addr, id, uid, seq, flags)
  rcpt_add(rk, id, seq)
  fl_set(mbid, id, uid, seq, flags)
  redis.call('HSET', mk, 'hms', seq)
  redis.call('HINCRBY', RUN, 'msgs', 1)
  redis.call('HINCRBY', RUN, 'bytes', size)
  emit({type = 'message.added', runId = RUNID, seq = seq, messageId = id, mailboxId = mbid, address = addr,
    uid = uid, flags = flags, modSeq = seq})
  return {id, seq, uid, mbid}
end

local function check_quota(messages, bytes)
  local r = redis.call('HMGET', RUN, 'msgs', 'bytes', 'maxMessages', 'maxBytes')
  if tonumber(r[1]) + messages > tonumber(r[3]) or tonumber(r[2]) + bytes > tonumber(r[4]) then
    fail('quota_exceeded')
  end
end
`;
