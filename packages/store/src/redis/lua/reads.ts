import { lua } from "./common.js";

/**
 * Read scripts: one round trip per call however many messages it covers, and the run check
 * is in the same atomic step as the read.
 */
export const READ_PRELUDE = lua`
local function read_msg(id)
  local m = redis.call('HMGET', P .. 'm:' .. id, 'seq', 'mb', 'uid', 'flags', 'modseq', 'idate', 'size', 'env', 'meta',
    'mime')
  if not m[1] then return false end
  local mb = redis.call('HMGET', P .. 'mb:' .. m[2], 'address', 'name')
  return {id, m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8], m[9], mb[1] or '', mb[2] or '', m[10] or ''}
end

-- An address that exists but whose default folders are not made yet (lua/common.ts
-- make_defaults): the caller makes them (a write) and reads again. One command for an address
-- whose defaults were made.
local function defaults_pending(addr)
  return not defaults_made(addr) and known_address(addr)
end

-- Which incarnation of the run this is: a run deleted and created again starts its ids anew.
local function incarnation()
  local r = redis.call('HMGET', RUN, 'createdAt', 'token')
  return r[1] .. ':' .. r[2]
end

-- Wants the keys mailbox_row reads beyond mb:<id> (declared or wanted by the caller).
local function mailbox_row_keys(id)
  local addr = redis.call('HGET', P .. 'mb:' .. id, 'address')
  if addr then want(P .. 'subs:' .. addr) end
end

local function mailbox_row(id)
  local m = redis.call('HMGET', P .. 'mb:' .. id, 'address', 'name', 'su', 'uidv', 'uidnext', 'hms', 'n', 'unseen')
  if not m[1] then return false end
  local sub = redis.call('SISMEMBER', P .. 'subs:' .. m[1], m[2])
  return {id, m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8], sub}
end
`;

/**
 * ARGV: '<hint> <light>', then the ids. <light> is one '0' (whole) or '1' (only what can change:
 * the reader caches the rest, seq included) per id; <hint> a mailbox the light ones were last
 * seen in, or empty. Returns {incarnation, lines, mailboxes, fixed}: `lines` is one string with
 * a line per id: '=uid modseq flags' for a light one still in the hinted mailbox (read from the
 * mailbox's flag lines, one HMGET for them all), 'seq mailboxId uid modseq flags' otherwise, or
 * empty when the message is gone; `mailboxes` is flat {id, address, name} once per mailbox met;
 * `fixed` is flat {idate, size, env, meta, mime} per whole message found, in order (mime: the
 * MIME tree's JSON when it was stored apart from meta, see SET_MIME; '' otherwise). One string and a
 * few bulk replies, not a dozen per message: the reader parses a 512-message batch in a fraction
 * of the time.
 */
export const GET_MESSAGES = lua`
need_run()
local hint, light = string.match(ARGV[3], '^(%S*) (%d*)$')
local lines, mailboxes, fixed, met, order = {}, {}, {}, {}, {}
-- Mailboxes are read once every message is: their keys may have to be asked for first.
local function meet(mbid)
  if met[mbid] then return end
  met[mbid] = true
  order[#order + 1] = mbid
  want(P .. 'mb:' .. mbid)
end
-- fl:<mailbox> holds 'uid modseq flags' of exactly the messages in it (lua/common.ts).
local hinted = {}
if hint ~= '' then
  local ids, at = {}, {}
  for i = 4, #ARGV do
    if string.sub(light, i - 3, i - 3) == '1' then
      ids[#ids + 1] = ARGV[i]
      at[#at + 1] = i
    end
  end
  for from = 1, #ids, 1000 do
    local rows = redis.call('HMGET', P .. 'fl:' .. hint, unpack(ids, from, math.min(#ids, from + 999)))
    for j = 1, #rows do
      if rows[j] then hinted[at[from + j - 1]] = rows[j] end
    end
  end
  if next(hinted) then meet(hint) end
end
for i = 4, #ARGV do
  if hinted[i] then
    lines[i - 3] = '=' .. hinted[i]
  else
    local k = P .. 'm:' .. ARGV[i]
    local whole = string.sub(light, i - 3, i - 3) ~= '1'
    local m
    if whole then m = redis.call('HMGET', k, 'seq', 'mb', 'uid', 'modseq', 'flags', 'idate', 'size', 'env', 'meta', 'mime')
    else m = redis.call('HMGET', k, 'seq', 'mb', 'uid', 'modseq', 'flags') end
    if m[1] then
      lines[i - 3] = m[1] .. ' ' .. m[2] .. ' ' .. m[3] .. ' ' .. m[4] .. ' ' .. (m[5] or '')
      meet(m[2])
      if whole then
        fixed[#fixed + 1] = m[6]
        fixed[#fixed + 1] = m[7]
        fixed[#fixed + 1] = m[8] or ''
        fixed[#fixed + 1] = m[9]
        fixed[#fixed + 1] = m[10] or ''
      end
    else
      lines[i - 3] = ''
    end
  end
end
need_keys()
for _, mbid in ipairs(order) do
  local mb = redis.call('HMGET', P .. 'mb:' .. mbid, 'address', 'name')
  mailboxes[#mailboxes + 1] = mbid
  mailboxes[#mailboxes + 1] = mb[1] or ''
  mailboxes[#mailboxes + 1] = mb[2] or ''
end
return {incarnation(), table.concat(lines, '\n'), mailboxes, fixed}
`;

/**
 * ARGV: address ('' = any), mailbox id ('' = any), afterSeq, beforeSeq, limit (-1 = all),
 * 'asc'|'desc', '=' and a recipient key ('' = any). A recipient's messages are those of its
 * recipient index and of the inbox of that address (a move changes a message's inbox, not its
 * recipient keys), merged by seq a page at a time, each once, then kept when in the index of the
 * address and mailbox asked for.
 */
export const LIST_MESSAGES = lua`
need_run()
local addr, mbid = ARGV[3], ARGV[4]
local after, before, limit, asc = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8] == 'asc'
local ids = {}
if ARGV[9] ~= '' then
  local rcpt = string.sub(ARGV[9], 2)
  local sources = {P .. 'rcpt:' .. rcpt, P .. 'aseq:' .. rcpt}
  local n = limit > 0 and math.max(limit, 64) or 200
  local lo, hi = after, before
  -- In the address's or mailbox's index (keys the arguments name, so declared).
  local function wanted(id)
    if addr ~= '' and not redis.call('ZSCORE', P .. 'aseq:' .. addr, id) then return false end
    if mbid ~= '' and not redis.call('ZSCORE', P .. 'ix:' .. mbid, id) then return false end
    return true
  end
  while limit ~= 0 do
    local rows, edge = {}, nil
    for _, k in ipairs(sources) do
      local r
      if asc then r = redis.call('ZRANGEBYSCORE', k, '(' .. lo, '(' .. hi, 'WITHSCORES', 'LIMIT', 0, n)
      else r = redis.call('ZREVRANGEBYSCORE', k, '(' .. hi, '(' .. lo, 'WITHSCORES', 'LIMIT', 0, n) end
      for i = 1, #r, 2 do rows[#rows + 1] = {tonumber(r[i + 1]), r[i]} end
      -- A full page: this list may go on past its last seq, so only rows up to it are final.
      if #r == 2 * n then
        local last = tonumber(r[#r])
        if edge == nil or (asc and last < edge) or (not asc and last > edge) then edge = last end
      end
    end
    if asc then table.sort(rows, function(a, b) return a[1] < b[1] end)
    else table.sort(rows, function(a, b) return a[1] > b[1] end) end
    local prev
    for _, row in ipairs(rows) do
      if edge ~= nil and ((asc and row[1] > edge) or (not asc and row[1] < edge)) then break end
      if row[1] ~= prev and wanted(row[2]) then ids[#ids + 1] = row[2] end
      prev = row[1]
      if limit > 0 and #ids >= limit then break end
    end
    if edge == nil or (limit > 0 and #ids >= limit) then break end
    if asc then lo = edge else hi = edge end
  end
elseif mbid ~= '' then
  local rows = {}
  local maddr = redis.call('HGET', P .. 'mb:' .. mbid, 'address')
  if maddr and (addr == '' or addr == maddr) then
    -- A message's seq is its score in the run's seq index: no need to read each message.
    for _, id in ipairs(redis.call('ZRANGE', P .. 'ix:' .. mbid, 0, -1)) do
      local seq = tonumber(redis.call('ZSCORE', P .. 'seq', id))
      if seq and seq > after and seq < before then rows[#rows + 1] = {seq, id} end
    end
  end
  if asc then table.sort(rows, function(a, b) return a[1] < b[1] end)
  else table.sort(rows, function(a, b) return a[1] > b[1] end) end
  for i = 1, #rows do
    if limit >= 0 and i > limit then break end
    ids[i] = rows[i][2]
  end
else
  local k = addr == '' and (P .. 'seq') or (P .. 'aseq:' .. addr)
  local lo, hi = '(' .. ARGV[5], '(' .. ARGV[6]
  if asc then
    ids = redis.call('ZRANGEBYSCORE', k, lo, hi, 'LIMIT', 0, limit)
  else
    ids = redis.call('ZREVRANGEBYSCORE', k, hi, lo, 'LIMIT', 0, limit)
  end
end
for _, id in ipairs(ids) do want(P .. 'm:' .. id) end
need_keys()
for _, id in ipairs(ids) do
  local mb = redis.call('HGET', P .. 'm:' .. id, 'mb')
  if mb then want(P .. 'mb:' .. mb) end
end
need_keys()
local out = {}
for i, id in ipairs(ids) do out[i] = read_msg(id) end
return out
`;

/**
 * ARGV: mailbox id, the version of its index the reader has ('' none). Returns {version} when
 * that is still the index, else {version, index}: one string of lines 'id uid modseq flags' in
 * no order, from the mailbox's one hash of them; or, for a mailbox written before that hash
 * existed, flat {'-', id, uid, flags, modseq, ...} ordered by uid, with version ''. Every change
 * to the hash sets the mailbox's HIGHESTMODSEQ to a new seq of the run in the same script, so the
 * run's incarnation and that seq (with UIDNEXT and the count, for good measure) name one state.
 */
export const MAILBOX_INDEX = lua`
need_run()
local mbid = ARGV[3]
local mb = redis.call('HMGET', P .. 'mb:' .. mbid, 'hms', 'uidnext')
if not mb[1] then fail('mailbox_not_found') end
local fk = P .. 'fl:' .. mbid
local n = redis.call('HLEN', fk)
if n == redis.call('ZCARD', P .. 'ix:' .. mbid) then
  local version = incarnation() .. ' ' .. mb[1] .. ' ' .. mb[2] .. ' ' .. n
  if ARGV[4] == version then return {version} end
  -- One string, not 2n bulk replies: parsing it costs the reader a fraction.
  local all = redis.call('HGETALL', fk)
  local lines = {}
  for i = 1, #all, 2 do lines[#lines + 1] = all[i] .. ' ' .. all[i + 1] end
  return {version, table.concat(lines, '\n')}
end
local rows = redis.call('ZRANGE', P .. 'ix:' .. mbid, 0, -1, 'WITHSCORES')
for i = 1, #rows, 2 do want(P .. 'm:' .. rows[i]) end
need_keys()
local out = {'-'}
for i = 1, #rows, 2 do
  local m = redis.call('HMGET', P .. 'm:' .. rows[i], 'flags', 'modseq')
  out[#out + 1] = rows[i]
  out[#out + 1] = rows[i + 1]
  out[#out + 1] = m[1]
  out[#out + 1] = m[2]
end
return {'', out}
`;

/** ARGV: ids... Returns the run's incarnation and a string of '1' (exists) or '0' per id. */
export const EXISTING = lua`
need_run()
local bits = {}
for i = 3, #ARGV do bits[i - 2] = redis.call('EXISTS', P .. 'm:' .. ARGV[i]) == 1 and '1' or '0' end
return {incarnation(), table.concat(bits)}
`;

/** ARGV: address. Returns 0 when the address's default folders are not made yet. */
export const LIST_MAILBOXES = lua`
need_run()
if defaults_pending(ARGV[3]) then return 0 end
local ids = redis.call('HVALS', P .. 'names:' .. ARGV[3])
for _, id in ipairs(ids) do want(P .. 'mb:' .. id) end
need_keys()
local out = {}
for _, id in ipairs(ids) do
  out[#out + 1] = mailbox_row(id)
end
return out
`;

/**
 * ARGV: address, name ('' when looking up by id), mailbox id ('' when by name). Returns 0 when
 * looking up by name in an address whose default folders are not made yet.
 */
export const GET_MAILBOX = lua`
need_run()
local id = ARGV[5]
if id == '' and defaults_pending(ARGV[3]) then return 0 end
if id == '' then id = redis.call('HGET', P .. 'names:' .. ARGV[3], ARGV[4]) end
if not id then return false end
want(P .. 'mb:' .. id)
need_keys()
mailbox_row_keys(id)
need_keys()
return mailbox_row(id)
`;

/** Returns flat {address, messages, unseen, ...}. */
export const LIST_INBOXES = lua`
need_run()
local addrs, folders = redis.call('SMEMBERS', P .. 'addrs'), {}
for _, addr in ipairs(addrs) do want(P .. 'names:' .. addr) end
need_keys()
for i, addr in ipairs(addrs) do
  folders[i] = redis.call('HVALS', P .. 'names:' .. addr)
  for _, id in ipairs(folders[i]) do want(P .. 'mb:' .. id) end
end
need_keys()
local out = {}
for i, addr in ipairs(addrs) do
  local n, unseen = 0, 0
  for _, id in ipairs(folders[i]) do
    local m = redis.call('HMGET', P .. 'mb:' .. id, 'n', 'unseen')
    n = n + tonumber(m[1])
    unseen = unseen + tonumber(m[2])
  end
  out[#out + 1] = addr
  out[#out + 1] = n
  out[#out + 1] = unseen
end
return out
`;

/** Returns {seq, messages, bytes, inboxes} and the run check in one step. */
export const RUN_COUNTS = lua`
need_run()
local r = redis.call('HMGET', RUN, 'seq', 'msgs', 'bytes')
return {tonumber(r[1]), tonumber(r[2]), tonumber(r[3]), redis.call('SCARD', P .. 'addrs')}
`;

/** ARGV: afterSeq, limit (-1 = all). Returns event JSON strings. */
export const EVENTS_SINCE = lua`
need_run()
return redis.call('ZRANGEBYSCORE', P .. 'ev', '(' .. ARGV[3], '+inf', 'LIMIT', 0, tonumber(ARGV[4]))
`;

export const GET_DNS = lua`
need_run()
return redis.call('GET', P .. 'dns') or ''
`;

/** ARGV: mailbox id, modseq. Returns {floor, uids...} of what left the mailbox after modseq. */
export const EXPUNGED_SINCE = lua`
need_run()
local mbid = ARGV[3]
local floor = redis.call('HGET', P .. 'mb:' .. mbid, 'gfloor')
if floor == false and redis.call('EXISTS', P .. 'mb:' .. mbid) == 0 then fail('mailbox_not_found') end
local uids = redis.call('ZRANGEBYSCORE', P .. 'gone:' .. mbid, '(' .. ARGV[4], '+inf')
table.insert(uids, 1, floor or '0')
return uids
`;
