import { lua } from "./common.js";

/**
 * Where a copy for (addr, name) goes: the mailbox's id, with its keys wanted, or nil when the
 * address has no such folder. Only what the copy needs is planned: a new address's INBOX, and a
 * default folder not made yet (the others wait for the first listing, common.ts make_defaults),
 * with ids taken from the pool in order. planned[addr] remembers the plan (made only when a folder
 * was missing) for a second copy to the same address; make_planned carries it out once every
 * check has passed.
 */
export const PLAN_TARGET = lua`
local function default_index(name)
  for i, d in ipairs(DEFAULTS) do
    if d[1] == name then return i end
  end
end

-- A folder's id, or nil when the address has none of that name. The last found is kept for the
-- call (a folder found stays: no script that stores messages deletes or renames one).
local function folder_id(addr, name)
  if addr == NAME_ADDR and name == NAME then return NAME_ID end
  local id = redis.call('HGET', address_keys(addr).names, name)
  if not id then return nil end
  NAME_ADDR, NAME, NAME_ID = addr, name, id
  return id
end

local function plan_target(addr, name, pool, planned)
  local plan = planned[addr]
  local mbid
  -- The common case, a folder that exists, is one command.
  if not plan or plan.known then mbid = folder_id(addr, name) end
  if not mbid then
    -- A caller that gave no ids believed the folder made, and declared none of the keys making one
    -- touches (scripts.ts newMessage): a folder that could be made is asked for with ids first.
    if not plan and #pool == 0 then
      if not default_index(name) then return nil end
      fail('need_ids')
    end
    if not plan then
      local known = known_address(addr)
      plan = {pool = id_pool(''), known = known, full = known and defaults_made(addr), make = {}}
      planned[addr] = plan
    end
    -- Every copy's ids serve the address's plan.
    for _, id in ipairs(pool) do plan.pool[#plan.pool + 1] = id end
    local i = not plan.full and default_index(name)
    if i then
      for _, j in ipairs(plan.known and {i} or {1, i}) do
        if not plan.make[j] then
          pool_has(plan.pool, 1)
          plan.make[j] = take(plan.pool)
        end
      end
      mbid = plan.make[i]
    end
  end
  if mbid then want_mailbox(mbid) end
  return mbid
end

local function make_planned(addr, planned)
  local plan = planned[addr]
  if not plan or plan.made then return end
  plan.made = true
  if not plan.known then add_address(addr) end
  for i = 1, #DEFAULTS do
    if plan.make[i] then new_default(addr, i, plan.make[i]) end
  end
end
`;

/**
 * ARGV: address, mailbox name, raw, meta JSON, envelope JSON ('' = none), flags, internalDate,
 * the new message's id, ids for the folders the copy may have to make (space-separated: a new
 * address's INBOX, then the folder if another default; '' when the caller believes it exists),
 * its recipient keys (JSON). Returns {id, seq, uid, mailboxId}.
 */
export const APPEND = lua`
load_run()
local addr, name, raw = ARGV[3], ARGV[4], ARGV[5]
local planned = {}
local mbid = plan_target(addr, name, id_pool(ARGV[11]), planned)
if not mbid then fail('mailbox_not_found') end
need_keys()
check_quota(1, #raw)
make_planned(addr, planned)
local _, _, seq, uid = put_message(addr, mbid, ARGV[10], raw, ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[12])
save_run()
return {ARGV[10], seq, uid, mbid}
`;

/**
 * One delivery: one message to several inboxes, all copies or none. Its arguments are ARGV[b]..:
 * delivery id, not-after (epoch ms), body, uploaded ('1': the body is not in ARGV but in the key
 * up:<delivery id>, sent ahead in slices), then per copy (F of them, from FIRST on): address,
 * mailbox name, head ('' when the body is the copy's whole message: a single copy, joined by the
 * caller), meta JSON, envelope JSON, flags, internalDate, the copy's message id, ids for the
 * folders it may have to make (as in APPEND), its recipient keys (JSON); c of them in all.
 * Returns {{id, seq, uid, mailboxId}...} as JSON. A delivery id seen before returns that call's answer
 * and stores nothing; past not-after (by Redis's clock, now) it stores nothing, so a caller that
 * gave up waiting knows a late execution cannot store what it answered 451 for. An uploaded body
 * that is gone (expired) stores nothing either; the call that ends the delivery deletes it, but
 * for a refusal naming a missing mailbox, which leaves it to expire.
 */
export const DELIVER = lua`
-- A group's state (APPEND_DELIVERY), in tables kept from call to call with their lengths apart,
-- as the group writes (group-writes.ts): per delivery i of n, its arguments' start (G_AT) and
-- count (G_C), its id (G_DIDS), its answer once stored (G_DONE, false until then); the answers
-- to keep, id and answer pairs (G_ANS), and their dates, date and id pairs (G_DATES), G_AN
-- values each; Redis's clock, now (G_NOW) and as a string (G_NOWS); the answers stored before,
-- by position (G_SEEN).
local G_AT, G_C, G_DIDS, G_DONE, G_ANS, G_DATES, G_AN = {}, {}, {}, {}, {}, {}, 0
local G_NOW, G_NOWS, G_SEEN
local SEEN_ONE = {}
-- A delivery's plans for the folders it makes (plan_target), remade only after one made a plan,
-- and the pool of a copy that gives no ids, which plan_target only reads.
local PLANNED, NO_IDS = {}, {n = 0}

local function deliver(at)
  local b, c = G_AT[at], G_C[at]
  local did, body = ARGV[b], ARGV[b + 2]
  local done = G_SEEN[at]
  if done then return done end
  -- A delivery id twice in the group: the second gets the first's answer.
  for j = 1, at - 1 do
    if G_DONE[j] and G_DIDS[j] == did then return G_DONE[j] end
  end
  -- An uploaded body is read only once the keys are declared: a call that must ask for keys runs
  -- again and needs it then.
  local up = ARGV[b + 3] == '1' and P .. 'up:' .. did or nil
  local size = up and redis.call('STRLEN', up) or #body
  if G_NOW >= tonumber(ARGV[b + 1]) then
    if up then redis.call('DEL', up) end
    fail('delivery_expired')
  end
  local F, FIRST = 10, b + 4
  local n = (c - 4) / F
  local bytes = 0
  if next(PLANNED) then PLANNED = {} end
  local planned = PLANNED
  -- Most deliveries have one copy: its folder needs no table.
  local targets, target = n > 1 and {} or nil, nil
  for i = 0, n - 1 do
    local a = FIRST + i * F
    local ids = ARGV[a + 8]
    target = plan_target(ARGV[a], ARGV[a + 1], ids == '' and NO_IDS or id_pool(ids), planned)
    if not target then fail('mailbox_not_found') end
    if targets then targets[i] = target end
    bytes = bytes + #ARGV[a + 2] + size
  end
  need_keys()
  -- Gone (expired): nothing is stored, as past not-after.
  if up and redis.call('EXISTS', up) == 0 then fail('delivery_expired') end
  check_quota(n, bytes)
  local rows = n > 1 and {} or nil
  for i = 0, n - 1 do
    local a = FIRST + i * F
    local addr = ARGV[a]
    make_planned(addr, planned)
    -- A string Lua makes is hashed byte for byte (Redis's Lua interns every string): a copy whose
    -- head the caller joined to the body already (an empty head) is stored as it came.
    local head = ARGV[a + 2]
    -- An uploaded body goes from its key to the message's fields (put_raw).
    local raw = up and {head = head, up = up, size = size} or (head == '' and body or head .. body)
    local mbid, id = targets and targets[i] or target, ARGV[a + 7]
    local s, u = put_message(addr, mbid, id, raw, ARGV[a + 3], ARGV[a + 4], ARGV[a + 5], ARGV[a + 6], ARGV[a + 9])
    -- Its row as cjson would write it, from strings made already (ids are letters and digits).
    if rows then
      rows[i + 1] = '["' .. id .. '",' .. s .. ',' .. u .. ',"' .. mbid .. '"]'
    else
      done = '[["' .. id .. '",' .. s .. ',' .. u .. ',"' .. mbid .. '"]]'
    end
  end
  if up then redis.call('DEL', up) end
  -- The answer, as JSON: what the caller gets (one string, not tables Redis makes a reply of
  -- level by level), what a retry after an unknown outcome gets, kept by the group's end
  -- (APPEND_DELIVERY), and what a delivery id seen again in the group gets.
  if rows then done = '[' .. table.concat(rows, ',') .. ']' end
  local k = G_AN
  G_ANS[k + 1], G_ANS[k + 2] = did, done
  G_DATES[k + 1], G_DATES[k + 2] = G_NOWS, did
  G_AN = k + 2
  return done
end
`;

/**
 * A group of deliveries (delivery-group.ts): the ones that came for the run while its call before
 * was in flight, each as it would be alone. ARGV: per delivery, its argument count c, then its c
 * arguments (DELIVER). Returns per delivery its rows as JSON ('[[' first), or its failure (need_keys,
 * need_ids, a refusal): a failed delivery stored nothing and the others go on, as separate calls
 * would. Every check of a delivery runs before its first write (DELIVER), so a failure caught
 * here leaves nothing of it. KEYS: the union of the deliveries' keys, all the run's (one slot).
 */
export const APPEND_DELIVERY = lua`
load_run()
local dz, dh = fixed('dlv'), fixed('dlvr')
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
-- What the group writes once at its end: the answers of its deliveries (by id, and their dates;
-- DELIVER's G_*), its mailboxes' counters (MBQ, lua/common.ts) and the keys its messages share
-- (group-writes.ts). The answers stored before come in one command.
G_NOW, G_NOWS, G_AN, MBQ = now, str(now), 0, {}
local n, b = 0, 3
while b <= #ARGV do
  local c = tonumber(ARGV[b])
  n = n + 1
  G_AT[n], G_C[n], G_DIDS[n] = b + 1, c, ARGV[b + 1]
  b = b + 1 + c
end
-- A group of one writes as it goes: what queueing its writes saves is paid again in Lua.
if n == 1 then
  SEEN_ONE[1] = redis.call('HGET', dh, G_DIDS[1])
  G_SEEN = SEEN_ONE
else
  G_SEEN = redis.call('HMGET', dh, unpack(G_DIDS, 1, n))
  group_begin()
end
local out = {}
for i = 1, n do
  -- need_keys names what this delivery wants, not what one before it asked for (most ask none).
  MISSING, ASKED, G_DONE[i] = nil, nil, false
  local ok, r = pcall(deliver, i)
  if ok then G_DONE[i] = r else r = type(r) == 'table' and r.err or tostring(r) end
  out[i] = r
end
if GROUP then group_flush() end
mb_flush()
-- Nothing empties either: their expiry once.
if G_AN > 0 then
  redis.call('HSET', dh, unpack(G_ANS, 1, G_AN))
  redis.call('ZADD', dz, unpack(G_DATES, 1, G_AN))
  touch_once(dh, ' dlvr ')
  touch_once(dz, ' dlv ')
end
-- Forget deliveries after an hour, looked for when the group's seqs pass a multiple of 100 (each
-- delivery takes one at least).
if math.floor(RC.seq / 100) > math.floor(RC.seq0 / 100) then
  local old = redis.call('ZRANGEBYSCORE', dz, '-inf', now - 3600000, 'LIMIT', 0, 200)
  if #old > 0 then
    redis.call('HDEL', dh, unpack(old))
    redis.call('ZREM', dz, unpack(old))
  end
end
save_run()
return out
`;

/**
 * MIME trees built by the first reader of messages delivered without one (lazy-mime.ts), so
 * that later readers in any process find them. A tree never changes: it is written at most
 * once, and it is no change a reader could see (no seq, no event). ARGV: the run's incarnation
 * the trees were built in ('createdAt:token', as reads name it), then message id and tree JSON
 * pairs. Returns how many were written.
 */
export const SET_MIME = lua`
need_run()
local r = redis.call('HMGET', RUN, 'createdAt', 'token')
if r[1] .. ':' .. r[2] ~= ARGV[3] then return 0 end
local n = 0
for i = 4, #ARGV - 1, 2 do
  local k = P .. 'm:' .. ARGV[i]
  if redis.call('EXISTS', k) == 1 and redis.call('HEXISTS', k, 'mime') == 0 then
    redis.call('HSET', k, 'mime', ARGV[i + 1])
    n = n + 1
  end
end
return n
`;

/**
 * ARGV: op (add|remove|set), flags (space-separated, normalized), unchangedSince ('' = none), ids...
 * Returns {{id, uid, flags, modSeq}...}, {conflicting ids...}.
 */
export const UPDATE_FLAGS = lua`
need_run()
local op, wanted, since = ARGV[3], ARGV[4], tonumber(ARGV[5])

local function split(s)
  local t = {}
  for f in string.gmatch(s, '%S+') do t[#t + 1] = f end
  return t
end

-- The new flag string, or nil when nothing changes (flags compare case-insensitively).
local function apply(cur)
  local c, w = split(cur), split(wanted)
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

local ids, rows = existing(6), {}
for i, id in ipairs(ids) do
  rows[i] = redis.call('HMGET', P .. 'm:' .. id, 'flags', 'modseq', 'mb', 'uid')
  want(P .. 'mb:' .. rows[i][3])
  want(P .. 'fl:' .. rows[i][3])
end
need_keys()
local updated, conflicts = {}, {}
for i, id in ipairs(ids) do
  local k = P .. 'm:' .. id
  local m = rows[i]
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
      fl_set(m[3], id, m[4], seq, nf, true)
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

/**
 * ARGV: destination mailbox id, new ids (space-separated, one per id), ids... Returns
 * {uidValidity, {{id, uid, newId, newUid}...}}.
 */
export const COPY = lua`
load_run()
local dest = ARGV[3]
local d = target_mailbox(dest)
need_keys()
local ids, nids = existing(5), id_pool(ARGV[4])
pool_has(nids, #ids)
local rks = {}
for i, id in ipairs(ids) do
  rks[i] = redis.call('HGET', P .. 'm:' .. id, 'rk')
  want_rcpts(rks[i])
end
need_keys()
local bytes = 0
for _, id in ipairs(ids) do bytes = bytes + tonumber(redis.call('HGET', P .. 'm:' .. id, 'size')) end
check_quota(#ids, bytes)
local mapping = {}
for i, id in ipairs(ids) do
  local m = redis.call('HMGET', P .. 'm:' .. id, 'uid', 'flags', 'idate', 'size', 'env', 'meta', 'mime')
  local seq = next_seq()
  local nid = take(nids)
  local c = mb_load(dest)
  local uid = take_uid(c)
  local k = P .. 'm:' .. nid
  redis.call('HSET', k, 'seq', seq, 'mb', dest, 'uid', uid, 'flags', m[2], 'modseq', seq, 'idate', m[3],
    'size', m[4], 'env', m[5], 'meta', m[6], 'rk', rks[i] or '')
  copy_raw(P .. 'm:' .. id, k)
  if m[7] then redis.call('HSET', k, 'mime', m[7]) end
  touch(k)
  fl_set(dest, nid, uid, seq, m[2], c.n > 0)
  index_add(c, d[1], nid, uid, seq, m[2], RC.msgs == 0)
  rcpt_add(rks[i], nid, seq)
  mb_save(c, seq)
  RC.msgs = RC.msgs + 1
  RC.bytes = RC.bytes + tonumber(m[4])
  mapping[#mapping + 1] = {id, tonumber(m[1]), nid, uid}
  emit({type = 'message.added', runId = RUNID, seq = seq, messageId = nid, mailboxId = dest, address = d[1],
    uid = uid, flags = m[2], modSeq = seq})
end
save_run()
return {tonumber(d[2]), mapping}
`;

/** ARGV: destination mailbox id, ids... Returns {uidValidity, {{id, uid, id, newUid}...}}. */
export const MOVE = lua`
need_run()
local dest = ARGV[3]
local d = target_mailbox(dest)
local ids, rows = existing(4), {}
for i, id in ipairs(ids) do
  rows[i] = redis.call('HMGET', P .. 'm:' .. id, 'uid', 'flags', 'mb', 'seq')
  want_mailbox(rows[i][3])
end
need_keys()
local faddrs = {}
for i = 1, #ids do
  faddrs[i] = redis.call('HGET', P .. 'mb:' .. rows[i][3], 'address')
  want(P .. 'aseq:' .. faddrs[i])
end
need_keys()
local mapping = {}
for i, id in ipairs(ids) do
  local k = P .. 'm:' .. id
  local m = rows[i]
  local from, fromUid, seqOfMsg = m[3], tonumber(m[1]), tonumber(m[4])
  local fk = P .. 'mb:' .. from
  local faddr = faddrs[i]
  local sameAddr = faddr == d[1]
  index_remove(from, faddr, id, m[2], sameAddr)
  -- Read after index_remove: the destination may be the mailbox the message left.
  local c = mb_load(dest)
  local uid = take_uid(c)
  local seq = next_seq()
  redis.call('HSET', k, 'mb', dest, 'uid', uid, 'modseq', seq)
  fl_set(dest, id, uid, seq, m[2], c.n > 0)
  if sameAddr then
    ix_add(c, id, uid, m[2])
  else
    -- index_remove took it out of seq, which may have gone with it.
    index_add(c, d[1], id, uid, seqOfMsg, m[2], true)
  end
  redis.call('HSET', fk, 'hms', seq)
  mb_save(c, seq)
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
local ids, rows, addrs = existing(3), {}, {}
for i, id in ipairs(ids) do
  rows[i] = redis.call('HMGET', P .. 'm:' .. id, 'mb', 'uid', 'flags', 'size', 'rk')
  want_mailbox(rows[i][1])
  want_rcpts(rows[i][5])
end
need_keys()
for i = 1, #ids do
  addrs[i] = redis.call('HGET', P .. 'mb:' .. rows[i][1], 'address')
  want(P .. 'aseq:' .. addrs[i])
end
need_keys()
for i, id in ipairs(ids) do
  local k = P .. 'm:' .. id
  local m = rows[i]
  local mk = P .. 'mb:' .. m[1]
  local addr = addrs[i]
  index_remove(m[1], addr, id, m[3], false)
  rcpt_remove(m[5], id)
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
