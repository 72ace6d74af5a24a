import { lua } from "./common.js";

/**
 * ARGV: address, ids for its default folders (space-separated), '1' to make a new address too
 * ('': only complete one that exists). Returns 1 when the address exists, 0 otherwise.
 */
export const ENSURE_INBOX = lua`
need_run()
return make_defaults(ARGV[3], id_pool(ARGV[4]), ARGV[5] == '1') and 1 or 0
`;

/**
 * ARGV: address, name, new mailbox ids (space-separated: the address's defaults, then one per
 * mailbox created), missing parents (outermost first)... Returns the new mailbox id.
 */
export const CREATE_MAILBOX = lua`
need_run()
local addr, name = ARGV[3], ARGV[4]
local pool = id_pool(ARGV[5])
ensure_inbox(addr, pool)
if redis.call('HEXISTS', P .. 'names:' .. addr, name) == 1 then fail('mailbox_exists') end
local parents = missing_names(addr, ARGV, 6)
pool_has(pool, #parents + 1)
create_missing(addr, parents, pool)
return new_mailbox(addr, name, '', take(pool))
`;

/**
 * ARGV: address, name (never INBOX: the client refuses that first), ids for the address's default
 * folders should they not be made yet ('' at first: need_ids asks).
 */
export const DELETE_MAILBOX = lua`
need_run()
local addr, name = ARGV[3], ARGV[4]
make_defaults(addr, id_pool(ARGV[5]), false)
local nk = P .. 'names:' .. addr
local id = redis.call('HGET', nk, name)
if not id then fail('mailbox_not_found') end
want_mailbox(id)
need_keys()
local ix = P .. 'ix:' .. id
local ids = redis.call('ZRANGE', ix, 0, -1)
for _, mid in ipairs(ids) do want(P .. 'm:' .. mid) end
need_keys()
local rows = {}
for i, mid in ipairs(ids) do
  rows[i] = redis.call('HMGET', P .. 'm:' .. mid, 'size', 'rk')
  want_rcpts(rows[i][2])
end
need_keys()
local bytes = 0
for i, mid in ipairs(ids) do
  local mk = P .. 'm:' .. mid
  local m = rows[i]
  bytes = bytes + tonumber(m[1])
  rcpt_remove(m[2], mid)
  redis.call('UNLINK', mk)
  redis.call('ZREM', P .. 'seq', mid)
  redis.call('ZREM', P .. 'aseq:' .. addr, mid)
end
redis.call('HINCRBY', RUN, 'msgs', 0 - #ids)
redis.call('HINCRBY', RUN, 'bytes', 0 - bytes)
redis.call('UNLINK', ix, P .. 'mb:' .. id, P .. 'fl:' .. id, P .. 'gone:' .. id)
redis.call('HDEL', nk, name)
emit({type = 'mailbox.deleted', runId = RUNID, seq = next_seq(), mailboxId = id, address = addr, name = name})
return 1
`;

/**
 * ARGV: address, from, to, new mailbox ids (space-separated: the address's default folders should
 * they not be made yet, then one per mailbox created), missing parents of 'to'... Returns the id of the mailbox now named 'to'. Renaming INBOX moves its
 * messages into a new mailbox (RFC 3501 §6.3.5).
 */
export const RENAME_MAILBOX = lua`
need_run()
local addr, from, to = ARGV[3], ARGV[4], ARGV[5]
local pool = id_pool(ARGV[6])
make_defaults(addr, pool, false)
local nk = P .. 'names:' .. addr
local src = redis.call('HGET', nk, from)
if not src then fail('mailbox_not_found') end
if to == 'INBOX' or redis.call('HEXISTS', nk, to) == 1 then fail('mailbox_exists') end

if from == 'INBOX' then
  want_mailbox(src)
  need_keys()
  local ids = redis.call('ZRANGE', P .. 'ix:' .. src, 0, -1, 'WITHSCORES')
  for i = 1, #ids, 2 do want(P .. 'm:' .. ids[i]) end
  need_keys()
  local parents = missing_names(addr, ARGV, 7)
  pool_has(pool, #parents + 1)
  create_missing(addr, parents, pool)
  local dest = new_mailbox(addr, to, '', take(pool))
  local sk, dk = P .. 'mb:' .. src, P .. 'mb:' .. dest
  local dix = P .. 'ix:' .. dest
  local unseen = redis.call('HGET', sk, 'unseen')
  redis.call('HSET', dk, 'uidnext', redis.call('HGET', sk, 'uidnext'), 'n', #ids / 2, 'unseen', unseen)
  for i = 1, #ids, 2 do
    local id, uid = ids[i], tonumber(ids[i + 1])
    local seq = next_seq()
    local mk = P .. 'm:' .. id
    redis.call('HSET', mk, 'mb', dest, 'modseq', seq)
    redis.call('ZADD', dix, uid, id)
    fl_set(dest, id, uid, seq, redis.call('HGET', mk, 'flags'))
    redis.call('HSET', sk, 'hms', seq)
    redis.call('HSET', dk, 'hms', seq)
    note_gone(src, uid, seq)
    emit({type = 'message.moved', runId = RUNID, seq = seq, messageId = id, address = addr,
      fromMailboxId = src, fromUid = uid, mailboxId = dest, uid = uid,
      flags = redis.call('HGET', mk, 'flags'), modSeq = seq})
  end
  if #ids > 0 then touch(dix) end
  redis.call('DEL', P .. 'ix:' .. src, P .. 'fl:' .. src)
  redis.call('HSET', sk, 'n', 0, 'unseen', 0)
  return dest
end

local moving = {}
local all = redis.call('HGETALL', nk)
for i = 1, #all, 2 do
  local name = all[i]
  if name == from or string.sub(name, 1, #from + 1) == from .. '/' then
    local new = to .. string.sub(name, #from + 1)
    if redis.call('HEXISTS', nk, new) == 1 then fail('mailbox_exists') end
    moving[#moving + 1] = {all[i + 1], name, new}
  end
end
for _, m in ipairs(moving) do want(P .. 'mb:' .. m[1]) end
need_keys()
local parents = missing_names(addr, ARGV, 7)
pool_has(pool, #parents)
local subs = P .. 'subs:' .. addr
for _, m in ipairs(moving) do redis.call('HDEL', nk, m[2]) end
for _, m in ipairs(moving) do
  redis.call('HSET', nk, m[3], m[1])
  redis.call('HSET', P .. 'mb:' .. m[1], 'name', m[3])
  if redis.call('SREM', subs, m[2]) == 1 then redis.call('SADD', subs, m[3]) end
  emit({type = 'mailbox.renamed', runId = RUNID, seq = next_seq(), mailboxId = m[1], address = addr,
    name = m[3], oldName = m[2]})
end
create_missing(addr, missing_names(addr, ARGV, 7), pool)
return src
`;

/** ARGV: address, name, '1' to subscribe or '0', ids for the address's default folders. */
export const SET_SUBSCRIBED = lua`
need_run()
local addr = ARGV[3]
ensure_inbox(addr, id_pool(ARGV[6]))
local k = P .. 'subs:' .. addr
if ARGV[5] == '1' then redis.call('SADD', k, ARGV[4]) else redis.call('SREM', k, ARGV[4]) end
touch(k)
return 1
`;

/** ARGV: mailbox id. Returns the highest UID claimed before, and claims up to uidnext-1. */
export const CLAIM_RECENT = lua`
need_run()
local mk = P .. 'mb:' .. ARGV[3]
local r = redis.call('HMGET', mk, 'recent', 'uidnext')
if not r[2] then fail('mailbox_not_found') end
local before, upto = tonumber(r[1]), tonumber(r[2]) - 1
if ARGV[4] and ARGV[4] ~= '' then upto = math.min(upto, tonumber(ARGV[4])) end
if upto > before then redis.call('HSET', mk, 'recent', upto) end
return before
`;
