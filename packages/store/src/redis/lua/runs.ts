import { lua } from "./common.js";
import { WH_DROP_ALL } from "./webhooks.js";

/** ARGV: token, label ('' = none), createdAt, expiresAt, maxMessages, maxBytes, uidValidity seed. */
export const CREATE_RUN = lua`
if redis.call('EXISTS', RUN) == 1 then fail('run_exists') end
redis.call('HSET', RUN, 'token', ARGV[3], 'createdAt', ARGV[5], 'expiresAt', ARGV[6],
  'maxMessages', ARGV[7], 'maxBytes', ARGV[8], 'seq', 0, 'uidv', ARGV[9], 'mbn', 0, 'msgs', 0, 'bytes', 0)
if ARGV[4] ~= '' then redis.call('HSET', RUN, 'label', ARGV[4]) end
redis.call('PEXPIREAT', RUN, ARGV[6])
return 1
`;

/** Deletes every key of the run, then announces it. Returns 0 when the run did not exist. */
export const DELETE_RUN = lua`
EXP = redis.call('HGET', RUN, 'expiresAt')
if not EXP then return 0 end
local seq = next_seq()
for _, addr in ipairs(redis.call('SMEMBERS', P .. 'addrs')) do
  local nk = P .. 'names:' .. addr
  for _, id in ipairs(redis.call('HVALS', nk)) do
    redis.call('UNLINK', P .. 'mb:' .. id, P .. 'ix:' .. id, P .. 'fl:' .. id, P .. 'gone:' .. id)
  end
  redis.call('UNLINK', nk, P .. 'subs:' .. addr, P .. 'aseq:' .. addr)
end
for _, key in ipairs(redis.call('SMEMBERS', P .. 'rcpts')) do redis.call('UNLINK', P .. 'rcpt:' .. key) end
local ids = redis.call('ZRANGE', P .. 'seq', 0, -1)
-- Many keys per UNLINK: one command per message would hold the server far longer.
for i = 1, #ids, 1000 do
  local batch = {}
  for j = i, math.min(i + 999, #ids) do batch[#batch + 1] = P .. 'm:' .. ids[j] end
  redis.call('UNLINK', unpack(batch))
end
${WH_DROP_ALL}
redis.call('UNLINK', P .. 'seq', P .. 'ev', P .. 'dns', P .. 'faults', P .. 'grey', P .. 'addrs', P .. 'dlv', P .. 'dlvr', P .. 'ssl', P .. 'ssh', P .. 'rcpts', RUN)
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
