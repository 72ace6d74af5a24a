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

local function need_run()
  EXP = redis.call('HGET', RUN, 'expiresAt')
  if not EXP then fail('run_not_found') end
end

-- Every key a run owns expires with the run.
local function touch(k) redis.call('PEXPIREAT', k, EXP) end

local DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz'
local function b36(n)
  local s = ''
  repeat
    local r = n % 36
    s = string.sub(DIGITS, r + 1, r + 1) .. s
    n = math.floor(n / 36)
  until n == 0
  return s
end

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

local function new_mailbox(addr, name, su)
  local seq = next_seq()
  local n = redis.call('HINCRBY', RUN, 'mbn', 1)
  local uidv = redis.call('HINCRBY', RUN, 'uidv', 1)
  local id = 'mb' .. b36(n)
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

local function ensure_inbox(addr)
  local ak = P .. 'addrs'
  if redis.call('SADD', ak, addr) == 0 then return end
  touch(ak)
  local sk = P .. 'subs:' .. addr
  for _, d in ipairs(DEFAULTS) do
    new_mailbox(addr, d[1], d[2])
    redis.call('SADD', sk, d[1])
  end
  touch(sk)
end

local function create_missing(addr, names, from)
  local nk = P .. 'names:' .. addr
  for i = from, #names do
    if redis.call('HEXISTS', nk, names[i]) == 0 then new_mailbox(addr, names[i], '') end
  end
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

-- rcpt:<key> holds the messages a recipient key (shared/recipients.ts) finds, scored by seq; the
-- message hash keeps its keys in 'rk' (a JSON array, made by the client, which lowercases them
-- as JavaScript does), so they can be taken out when it leaves; 'rcpts' names every such key
-- the run has used, for DELETE_RUN.
local function rcpt_add(rk, id, seq)
  if not rk or rk == '' or rk == '[]' then return end
  local rs = P .. 'rcpts'
  for _, key in ipairs(cjson.decode(rk)) do
    local k = P .. 'rcpt:' .. key
    redis.call('ZADD', k, seq, id)
    touch(k)
    redis.call('SADD', rs, key)
  end
  touch(rs)
end

local function rcpt_remove(rk, id)
  if not rk or rk == '' or rk == '[]' then return end
  for _, key in ipairs(cjson.decode(rk)) do redis.call('ZREM', P .. 'rcpt:' .. key, id) end
end

-- Stores one message in an existing mailbox; the caller has checked quota and mailbox.
local function put_message(addr, mbid, raw, meta, env, flags, idate, rk)
  local seq = next_seq()
  local id = b36(seq)
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
