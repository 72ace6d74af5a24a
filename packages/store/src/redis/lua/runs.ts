import { lua } from "./common.js";

/** ARGV: token, label ('' = none), createdAt, expiresAt, maxMessages, maxBytes, uidValidity seed. */
export const CREATE_RUN = lua`
if redis.call('EXISTS', RUN) == 1 then fail('run_exists') end
redis.call('HSET', RUN, 'token', ARGV[3], 'createdAt', ARGV[5], 'expiresAt', ARGV[6],
  'maxMessages', ARGV[7], 'maxBytes', ARGV[8], 'seq', 0, 'uidv', ARGV[9], 'msgs', 0, 'bytes', 0)
if ARGV[4] ~= '' then redis.call('HSET', RUN, 'label', ARGV[4]) end
redis.call('PEXPIREAT', RUN, ARGV[6])
return 1
`;

/**
 * Deletes every key of the run, then announces it. Returns 0 when the run did not exist. The keys
 * are found level by level (addresses and messages, then mailboxes and deliveries), each asked
 * for with need_keys before it is read, and all before the first delete.
 */
export const DELETE_RUN = lua`
EXP = redis.call('HGET', RUN, 'expiresAt')
if not EXP then return 0 end
local addrs = redis.call('SMEMBERS', P .. 'addrs')
local ids = redis.call('ZRANGE', P .. 'seq', 0, -1)
local whs = redis.call('ZRANGE', P .. 'whs', 0, -1)
local rcpts = redis.call('SMEMBERS', P .. 'rcpts')
for _, key in ipairs(rcpts) do want(P .. 'rcpt:' .. key) end
for _, addr in ipairs(addrs) do
  for _, kind in ipairs({'names:', 'subs:', 'aseq:'}) do want(P .. kind .. addr) end
end
for _, id in ipairs(ids) do want(P .. 'm:' .. id) end
for _, wid in ipairs(whs) do
  for _, kind in ipairs({'wh:', 'whd:', 'whq:'}) do want(P .. kind .. wid) end
end
need_keys()
local mbs, dls = {}, {}
for _, addr in ipairs(addrs) do
  for _, id in ipairs(redis.call('HVALS', P .. 'names:' .. addr)) do
    mbs[#mbs + 1] = id
    want_mailbox(id)
  end
end
for _, wid in ipairs(whs) do
  for _, did in ipairs(redis.call('ZRANGE', P .. 'whd:' .. wid, 0, -1)) do
    dls[#dls + 1] = did
    want(P .. 'dl:' .. did)
    want(P .. 'dla:' .. did)
  end
end
need_keys()
local seq = next_seq()
-- Many keys per UNLINK: one command per key would hold the server far longer.
local batch = {}
local function drop(k)
  batch[#batch + 1] = k
  if #batch == 1000 then
    redis.call('UNLINK', unpack(batch))
    batch = {}
  end
end
for _, addr in ipairs(addrs) do
  for _, kind in ipairs({'names:', 'subs:', 'aseq:'}) do drop(P .. kind .. addr) end
end
for _, id in ipairs(mbs) do
  for _, kind in ipairs({'mb:', 'ix:', 'fl:', 'gone:'}) do drop(P .. kind .. id) end
end
for _, id in ipairs(ids) do drop(P .. 'm:' .. id) end
for _, key in ipairs(rcpts) do drop(P .. 'rcpt:' .. key) end
for _, wid in ipairs(whs) do
  for _, kind in ipairs({'wh:', 'whd:', 'whq:'}) do drop(P .. kind .. wid) end
end
for _, did in ipairs(dls) do
  drop(P .. 'dl:' .. did)
  drop(P .. 'dla:' .. did)
end
if #batch > 0 then redis.call('UNLINK', unpack(batch)) end
redis.call('UNLINK', P .. 'seq', P .. 'ev', P .. 'dns', P .. 'faults', P .. 'grey', P .. 'addrs', P .. 'full', P .. 'dlv', P .. 'dlvr', P .. 'ssl', P .. 'ssh', P .. 'whs', P .. 'rcpts', RUN)
local gone = cjson.encode({type = 'run.deleted', runId = RUNID, seq = seq})
redis.call('SPUBLISH', P .. 'events', gone)
redis.call('SPUBLISH', P .. 'cache', gone)
return 1
`;

/** ARGV: records JSON. */
export const SET_DNS = lua`
need_run()
redis.call('SET', P .. 'dns', ARGV[3], 'PXAT', EXP)
-- Not a StoreEvent: tells every process's run cache (run-cache.ts) to forget the records.
redis.call('SPUBLISH', P .. 'cache', cjson.encode({type = 'cache.dns', runId = RUNID}))
return 1
`;
