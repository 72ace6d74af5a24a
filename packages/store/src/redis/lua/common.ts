import { RAW_SLICE, RAW_SPLIT_ABOVE } from "../raw-fields.js";
import { GROUP_WRITES } from "./group-writes.js";

/** Tag for Lua sources: raw, so a Lua escape such as `'\\Seen'` reaches Redis unchanged. */
export const lua = String.raw;

/**
 * Lua shared by every script, at the top of the library (library.ts), so built once when Redis
 * loads it rather than on every call. Calling convention: KEYS[1] is the run hash; ARGV[1] the
 * run's key prefix (`sm:{runId}:`, so every key built from it shares the run's hash tag and
 * cluster slot); ARGV[2] the run id; the script's own arguments start at ARGV[3]. KEYS and ARGV
 * are the library's locals, set as each function is called, and begin() then resets the state
 * below, which the helpers share for the length of one call (Redis runs one at a time).
 *
 * Redis does not roll back a script that fails half-way, so every check runs before the first
 * write of a script.
 */
export const PRELUDE = lua`
local P, RUNID, RUN
local EXP
-- The tags of the run's keys that have their expiry once for all (touch_once): the run hash's 'kx',
-- each tag after a space (' ev dlvr'). KXS is KX with a space after it, made by the call's first
-- touch_once, so that a tag is looked for as ' tag ' without making a string per look.
local KX, KXS
-- ev keeps the newest EVENTS_KEPT events: an event whose seq is a multiple of EVENTS_TRIM trims it
-- back to them (every seq but DELETE_RUN's is an event's), so it never holds more than
-- EVENTS_KEPT + EVENTS_TRIM - 1.
local EVENTS_KEPT, EVENTS_TRIM = 10000, 100
-- A message's bytes above RAW_SPLIT_ABOVE are kept in fields of RAW_SLICE (put_raw).
local RAW_SPLIT_ABOVE, RAW_SLICE = ${RAW_SPLIT_ABOVE}, ${RAW_SLICE}

-- The run's counters, when the script read them with load_run: next_seq and put_message count
-- here, and save_run writes them back in one command at the end (a script is atomic).
local RC
-- A group of deliveries (messages.ts APPEND_DELIVERY) keeps the counters of the mailboxes it
-- stores into here, by id, read once and written back once at its end (mb_flush), instead of
-- once per message: nothing else in the group reads them.
local MBQ
-- True while a group of deliveries runs: its writes to the keys its messages share wait for its
-- end (group-writes.ts).
local GROUP
-- The folder id last found this call, by address and name (messages.ts folder_id): a group's
-- deliveries mostly name the same one.
local NAME_ADDR, NAME, NAME_ID

-- An integer as Redis gets it. A Lua number passed to redis.call or joined to a string is
-- formatted as a double ('%.17g'/'%.14g'), several times the cost of '%d': numbers written in a
-- hot path go through str, once each.
local function str(n)
  if type(n) == 'string' then return n end
  return string.format('%d', n)
end

local function save_run() redis.call('HSET', RUN, 'seq', str(RC.seq), 'msgs', str(RC.msgs), 'bytes', str(RC.bytes)) end

local function fail(code)
  -- Checks come before the first write (above), but should a failure or a need_keys come after
  -- one that took seqs, those seqs stay taken.
  if RC and RC.seq ~= RC.seq0 then save_run() end
  error({err = code})
end

-- Redis Cluster's rule: every key a script touches is declared in KEYS. A key the script finds
-- in the data (a message's mailbox, an address's folders) or that the caller did not name is
-- noted by want(); need_keys() then fails the call before anything is read from those keys or
-- written anywhere, naming them all (scripts.ts), and the caller runs it again with them
-- declared. A script calls want() for one level of keys, then need_keys(), then reads them.
-- The call's KEYS are stamped into DECL by its first want() (most calls never want a key): the
-- table and its stamp live from call to call, as a table made afresh grew again every call
-- (group-writes.ts), and it goes once keys of other calls (new messages') piled up in it.
-- MISSING and ASKED are made by the first key found missing, which most calls never find.
local DECLARED, MISSING, ASKED
local DECL, DECL_N, DGEN = {}, 0, 0
-- The mailbox whose keys the call found all declared (want_mailbox): a group's copies mostly go
-- to one.
local WANTED_MB

-- Addresses the script found known: one stays known (nothing but a run's delete, DRAIN_RUN,
-- removes one). Made by the first address looked up.
local KNOWN

-- A new call: nothing of the one before it is kept.
local function begin()
  P, RUNID, RUN = ARGV[1], ARGV[2], KEYS[1]
  EXP, KX, KXS, RC, DECLARED, MBQ, GROUP = nil, nil, nil, nil, nil, nil, nil
  NAME_ADDR, NAME, NAME_ID = nil, nil, nil
  MISSING, ASKED, KNOWN, WANTED_MB = nil, nil, nil, nil
end

-- Whether k is declared; a key that is not is noted for need_keys.
local function want(k)
  if not DECLARED then
    DECLARED, DGEN = true, DGEN + 1
    if DECL_N > 512 then DECL, DECL_N = {}, 0 end
    for i = 1, #KEYS do
      local d = KEYS[i]
      if not DECL[d] then DECL_N = DECL_N + 1 end
      DECL[d] = DGEN
    end
  end
  if DECL[k] == DGEN then return true end
  if not MISSING then MISSING, ASKED = {}, {} end
  if not ASKED[k] then
    ASKED[k] = true
    MISSING[#MISSING + 1] = k
  end
  return false
end
local function need_keys()
  if MISSING then fail('need_keys ' .. cjson.encode(MISSING)) end
end

local function need_run()
  local r = redis.call('HMGET', RUN, 'expiresAt', 'kx')
  EXP, KX = r[1], r[2] or ''
  if not EXP then fail('run_not_found') end
end

-- need_run, with the run's counters (RC) in the same read.
local function load_run()
  local r = redis.call('HMGET', RUN, 'expiresAt', 'kx', 'seq', 'msgs', 'bytes', 'maxMessages', 'maxBytes')
  EXP, KX = r[1], r[2] or ''
  if not EXP then fail('run_not_found') end
  RC = {seq = tonumber(r[3]), msgs = tonumber(r[4]), bytes = tonumber(r[5]), maxm = tonumber(r[6]),
    maxb = tonumber(r[7])}
  RC.seq0 = RC.seq
end

-- Every key a run owns expires with the run. A key gets its expiry when it is made: a key that
-- can be emptied (Redis then deletes it) and made again needs it again each time.
local function touch(k) redis.call('PEXPIREAT', k, EXP) end

-- For a key nothing empties while the run lives (ev, dlv, dlvr): its expiry once, noted under
-- its tag in the run hash's 'kx'. Called once the key exists, with the tag between spaces
-- (' dlv '): a literal, so no string is made unless the key is touched.
local KX_LAST, KXS_LAST
local function touch_once(k, tag)
  if not KXS then
    -- Made once per value of kx (calls mostly find the same), not once per call.
    if KX ~= KX_LAST then KX_LAST, KXS_LAST = KX, KX .. ' ' end
    KXS = KXS_LAST
  end
  if string.find(KXS, tag, 1, true) then return end
  if redis.call('PEXPIREAT', k, EXP) == 1 then
    KXS = KXS .. string.sub(tag, 2)
    KX = string.sub(KXS, 1, -2)
    redis.call('HSET', RUN, 'kx', KX)
  end
end

-- Key names a delivery would otherwise make again on every call (every string Lua makes is hashed
-- and interned, and later collected): the run's fixed keys, and those of the last mailbox and
-- address named, kept while calls come for the same run (P; strings compare by identity).
local FIXED_P, FIXED = nil, {}
local function fixed(name)
  if P ~= FIXED_P then FIXED_P, FIXED = P, {} end
  local k = FIXED[name]
  if not k then
    k = P .. name
    FIXED[name] = k
  end
  return k
end
-- A table of one name's keys (kind -> prefix .. kind_tag .. name), remade only when the name or
-- the run changes.
local function last_keys(tags)
  local run, name, keys
  return function(x)
    if x ~= name or P ~= run then
      run, name, keys = P, x, {}
      for kind, tag in pairs(tags) do keys[kind] = P .. tag .. x end
    end
    return keys
  end
end
local mailbox_keys = last_keys({mb = 'mb:', ix = 'ix:', fl = 'fl:', gone = 'gone:'})
local address_keys = last_keys({names = 'names:', aseq = 'aseq:'})
${GROUP_WRITES}

local function next_seq()
  if not RC then return redis.call('HINCRBY', RUN, 'seq', 1) end
  RC.seq = RC.seq + 1
  return RC.seq
end

local function has_seen(flags) return flags ~= '' and string.find(' ' .. flags .. ' ', ' \\Seen ', 1, true) ~= nil end

-- Events travel as JSON with flags as one space-separated string (cjson cannot tell an empty
-- array from an empty object); the client splits them back.
-- j: the event's JSON, s: its seq as a string. In a group, written at its end (group-writes.ts).
local function emit_json(j, seq, s)
  if GROUP then
    group_event(j, seq, s)
    return
  end
  local k = fixed('ev')
  redis.call('ZADD', k, s, j)
  touch_once(k, ' ev ')
  if seq % EVENTS_TRIM == 0 then redis.call('ZREMRANGEBYRANK', k, 0, -(EVENTS_KEPT + 1)) end
  redis.call('SPUBLISH', fixed('events'), j)
end
local function emit(ev, s) emit_json(cjson.encode(ev), ev.seq, s or str(ev.seq)) end

-- Strings that JSON writes as they are, looked for once per run (a pattern costs a few thousand
-- instructions on an address), a run's first 1,000 kept.
local PLAIN_P, PLAIN, PLAIN_N = nil, {}, 0
local function plain(s)
  if s == '' then return true end
  if P ~= PLAIN_P or PLAIN_N >= 1000 then PLAIN_P, PLAIN, PLAIN_N = P, {}, 0 end
  local v = PLAIN[s]
  if v == nil then
    v = not string.find(s, '[%c"\\]')
    PLAIN[s], PLAIN_N = v, PLAIN_N + 1
  end
  return v
end
-- The event of a message stored, joined as a string: cjson walks the table, and formats each
-- number through snprintf (several thousand instructions an event), where the seq and uid are
-- strings already. What JSON would escape goes through cjson. Ids are letters and digits
-- (new-ids.ts).
local function added_event(seq, s, id, mbid, addr, uid, u, flags)
  if not (plain(addr) and (flags == '' or plain(flags)) and plain(RUNID)) then
    emit({type = 'message.added', runId = RUNID, seq = seq, messageId = id, mailboxId = mbid, address = addr,
      uid = uid, flags = flags, modSeq = seq}, s)
    return
  end
  emit_json('{"type":"message.added","runId":"' .. RUNID .. '","seq":' .. s .. ',"messageId":"' .. id ..
    '","mailboxId":"' .. mbid .. '","address":"' .. addr .. '","uid":' .. u .. ',"flags":"' .. flags ..
    '","modSeq":' .. s .. '}', seq, s)
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
  -- Most calls give none: no iterator made to find none.
  if not s or s == '' then return {n = 0} end
  local pool = {n = 0}
  for id in string.gmatch(s, '%S+') do pool[#pool + 1] = id end
  return pool
end
local function pool_has(pool, count)
  if #pool - pool.n < count then fail('need_ids') end
end
local function take(pool)
  pool.n = pool.n + 1
  return pool[pool.n]
end

-- The keys of a mailbox a message is stored in, moved out of or read from. Only a mailbox whose
-- keys are all declared is skipped the next time: need_keys names what each delivery of a group
-- wants (messages.ts APPEND_DELIVERY).
local function want_mailbox(mbid)
  if mbid == WANTED_MB then return end
  local m = mailbox_keys(mbid)
  local all = want(m.mb)
  all = want(m.ix) and all
  all = want(m.fl) and all
  if want(m.gone) and all then WANTED_MB = mbid end
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

local function known_address(addr)
  if not KNOWN then KNOWN = {} end
  if KNOWN[addr] then return true end
  KNOWN[addr] = redis.call('SISMEMBER', P .. 'addrs', addr) == 1 or nil
  return KNOWN[addr] == true
end

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
  if not KNOWN then KNOWN = {} end
  KNOWN[addr] = true
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

-- A mailbox's counters, read once for a message stored in it (mb_load), counted here, and
-- written back with its highest modseq (mb_save). ix:<mailbox> and fl:<mailbox> hold an entry per
-- message in the mailbox, 'n' of them: each is gone, with its expiry, exactly when n is 0.
local function mb_load(mbid)
  local keys = mailbox_keys(mbid)
  local k = keys.mb
  local r = redis.call('HMGET', k, 'uidnext', 'n', 'unseen')
  return {id = mbid, k = k, keys = keys, uidnext = tonumber(r[1]), n = tonumber(r[2]), unseen = tonumber(r[3])}
end
local function take_uid(c)
  c.uidnext = c.uidnext + 1
  return c.uidnext - 1
end
local function mb_save(c, hms)
  redis.call('HSET', c.k, 'uidnext', str(c.uidnext), 'n', str(c.n), 'unseen', str(c.unseen), 'hms', str(hms))
end
local function mb_flush()
  for _, c in pairs(MBQ) do mb_save(c, c.hms) end
  MBQ = nil
end

local function ix_add(c, id, uid, flags)
  group_add('ZADD', c.keys.ix, uid, id, c.n == 0)
  c.n = c.n + 1
  if flags == '' or not has_seen(flags) then c.unseen = c.unseen + 1 end
end

-- seq holds an entry per message of the run: seq_made says it was empty (no messages, or a MOVE
-- took the message out of it). aseq:<address> holds every message in the address's mailboxes, so
-- it exists, with its expiry, when the mailbox c (of that address) has messages already.
local function index_add(c, addr, id, uid, seq, flags, seq_made)
  local aseq_made = c.n == 0
  ix_add(c, id, uid, flags)
  group_add('ZADD', fixed('seq'), seq, id, seq_made)
  group_add('ZADD', address_keys(addr).aseq, seq, id, aseq_made)
end

-- fl:<mailbox> holds every message's 'uid modseq flags' in one hash: SELECT reads it whole.
-- 'kept': the hash exists (the mailbox has messages, counting this one's old entry).
local function fl_set(mbid, id, uid, modseq, flags, kept)
  group_add('HSET', mailbox_keys(mbid).fl, id, str(uid) .. ' ' .. str(modseq) .. ' ' .. flags, not kept)
end

-- gone:<mailbox> remembers the UIDs that left it, scored by modseq (QRESYNC), the newest
-- EXPUNGED_KEPT of them (set by library.ts); 'gfloor' in the mailbox hash is the highest modseq
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

-- The mailbox COPY or MOVE writes to: its {address, uidValidity}. Its address's seq index, which
-- the messages join, is wanted (need_keys).
local function target_mailbox(mbid)
  local d = redis.call('HMGET', P .. 'mb:' .. mbid, 'address', 'uidv')
  if not d[1] then fail('mailbox_not_found') end
  want(P .. 'aseq:' .. d[1])
  return d
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
-- the run has used, for the run's delete (drain.ts). Adding: the keys come from the caller, declared. Removing:
-- they come from the message, so want_rcpts() asks for them before need_keys().
local function rcpt_list(rk)
  if not rk or rk == '' or rk == '[]' then return {} end
  return cjson.decode(rk)
end

-- A rcpt key that exists has its expiry and is in rcpts (nothing but the run's delete takes a key
-- out of rcpts): only one this makes needs them, which costs one EXISTS on every add instead of
-- an SADD and a PEXPIREAT. In a group, one EXISTS and one ZADD per key for all its messages
-- (group-writes.ts). RCPT_*: the keys of the last list added to, kept while calls come for the
-- same run (a run's messages mostly go to the same recipients): decoding and joining them cost
-- about what a command does.
local RCPT_P, RCPT_RK, RCPT_KEYS
local function rcpt_add(rk, id, seq)
  if rk ~= RCPT_RK or P ~= RCPT_P then
    RCPT_P, RCPT_RK, RCPT_KEYS = P, rk, {}
    for i, key in ipairs(rcpt_list(rk)) do RCPT_KEYS[i] = {P .. 'rcpt:' .. key, key} end
  end
  local added = 0
  for i = 1, #RCPT_KEYS do
    local k, key = RCPT_KEYS[i][1], RCPT_KEYS[i][2]
    if GROUP then
      group_add('ZADD', k, seq, id, false, key)
    else
      local made = redis.call('EXISTS', k) == 0
      redis.call('ZADD', k, seq, id)
      if made then
        touch(k)
        added = added + redis.call('SADD', fixed('rcpts'), key)
      end
    end
  end
  -- Nothing empties rcpts: it is made by an SADD that adds.
  if added > 0 then touch(fixed('rcpts')) end
end

local function want_rcpts(rk)
  for _, key in ipairs(rcpt_list(rk)) do want(P .. 'rcpt:' .. key) end
end

local function rcpt_remove(rk, id)
  for _, key in ipairs(rcpt_list(rk)) do redis.call('ZREM', P .. 'rcpt:' .. key, id) end
end

-- A message's bytes: in its field raw, or above RAW_SPLIT_ABOVE in fields raw:1..raw:<rawn> of
-- about RAW_SLICE bytes (redis/raw-fields.ts says why). raw is the bytes, or for a body uploaded
-- ahead of its delivery {head, up = the upload's key, size = its length}: its slices go from the
-- upload to the fields (GETRANGE), never whole through Lua, which copies every string it holds.
local function put_raw(k, raw)
  local size = type(raw) == 'table' and #raw.head + raw.size or #raw
  if size <= RAW_SPLIT_ABOVE then
    redis.call('HSET', k, 'raw', type(raw) == 'table' and raw.head .. redis.call('GET', raw.up) or raw)
    return
  end
  local n = 0
  if type(raw) == 'table' then
    -- The head rides with the first slice.
    for at = 0, raw.size - 1, RAW_SLICE do
      n = n + 1
      local slice = redis.call('GETRANGE', raw.up, at, at + RAW_SLICE - 1)
      redis.call('HSET', k, 'raw:' .. n, n == 1 and raw.head .. slice or slice)
    end
  else
    for at = 1, size, RAW_SLICE do
      n = n + 1
      redis.call('HSET', k, 'raw:' .. n, string.sub(raw, at, at + RAW_SLICE - 1))
    end
  end
  redis.call('HSET', k, 'rawn', n)
end

-- A message's bytes to another message's hash, as put_raw stored them.
local function copy_raw(from, to)
  local r = redis.call('HMGET', from, 'raw', 'rawn')
  if not r[2] then
    redis.call('HSET', to, 'raw', r[1])
    return
  end
  for i = 1, tonumber(r[2]) do redis.call('HSET', to, 'raw:' .. i, redis.call('HGET', from, 'raw:' .. i)) end
  redis.call('HSET', to, 'rawn', r[2])
end

-- After load_run. Every message a group stores comes through here: next_seq, take_uid, str and
-- fl_set are written out (a Lua function call costs redis-server a few hundred instructions).
local function put_message(addr, mbid, id, raw, meta, env, flags, idate, rk)
  local seq = RC.seq + 1
  RC.seq = seq
  local c = MBQ and MBQ[mbid] or mb_load(mbid)
  local uid = c.uidnext
  c.uidnext = uid + 1
  local s, u = string.format('%d', seq), string.format('%d', uid)
  local k = P .. 'm:' .. id
  local whole = type(raw) == 'string'
  local size = whole and #raw or #raw.head + raw.size
  local sz = string.format('%d', size)
  -- A message's bytes in one field go with its other fields, one command (put_raw).
  if whole and size <= RAW_SPLIT_ABOVE then
    redis.call('HSET', k, 'seq', s, 'mb', mbid, 'uid', u, 'flags', flags, 'modseq', s, 'idate', idate,
      'size', sz, 'env', env, 'meta', meta, 'rk', rk, 'raw', raw)
  else
    redis.call('HSET', k, 'seq', s, 'mb', mbid, 'uid', u, 'flags', flags, 'modseq', s, 'idate', idate,
      'size', sz, 'env', env, 'meta', meta, 'rk', rk)
    put_raw(k, raw)
  end
  touch(k)
  group_add('HSET', c.keys.fl, id, u .. ' ' .. s .. ' ' .. flags, c.n == 0)
  index_add(c, addr, id, u, s, flags, RC.msgs == 0)
  rcpt_add(rk, id, s)
  if MBQ then
    c.hms = s
    MBQ[mbid] = c
  else
    mb_save(c, s)
  end
  RC.msgs = RC.msgs + 1
  RC.bytes = RC.bytes + size
  added_event(seq, s, id, mbid, addr, uid, u, flags)
  -- Its seq and uid as strings, for an answer joined as JSON (messages.ts DELIVER), and as numbers.
  return s, u, seq, uid
end

-- After load_run.
local function check_quota(messages, bytes)
  if RC.msgs + messages > RC.maxm or RC.bytes + bytes > RC.maxb then fail('quota_exceeded') end
end
`;
