import { lua } from "./common.js";

/** ARGV: token, label ('' = none), createdAt, expiresAt, maxMessages, maxBytes, uidValidity seed. */
export const CREATE_RUN = lua`
if redis.call('EXISTS', RUN) == 1 then fail('run_exists') end
-- A deleted run whose keys are still being removed (DRAIN_RUN): the caller finishes that first.
if redis.call('EXISTS', P .. 'dead') == 1 then fail('run_deleting') end
redis.call('HSET', RUN, 'token', ARGV[3], 'createdAt', ARGV[5], 'expiresAt', ARGV[6],
  'maxMessages', ARGV[7], 'maxBytes', ARGV[8], 'seq', 0, 'uidv', ARGV[9], 'msgs', 0, 'bytes', 0)
if ARGV[4] ~= '' then redis.call('HSET', RUN, 'label', ARGV[4]) end
redis.call('PEXPIREAT', RUN, ARGV[6])
return 1
`;

/**
 * The first step of deleting a run, O(1) whatever its size: the run hash becomes the run's
 * tombstone (RENAME keeps its expiry, which every key of the run carries too), so the run is gone
 * for every reader and writer at once (they all check the run hash, need_run), and the deletion
 * is announced. The rest of its keys go in bounded steps (DRAIN_RUN, redis-store.ts drainRun).
 * ARGV: the deletion's generation, which every step names. Returns 0 when the run did not exist.
 */
export const DELETE_RUN = lua`
if redis.call('HGET', RUN, 'expiresAt') == false then return 0 end
local seq = next_seq()
local D = P .. 'dead'
redis.call('RENAME', RUN, D)
redis.call('HSET', D, 'gen', ARGV[3])
local gone = cjson.encode({type = 'run.deleted', runId = RUNID, seq = seq})
redis.call('SPUBLISH', P .. 'events', gone)
redis.call('SPUBLISH', P .. 'cache', gone)
return 1
`;

/**
 * One bounded step of a deleted run's removal, only while its tombstone names this deletion's
 * generation: takes members out of one index of the run (an index whose members name the keys
 * removed here, so that no key is forgotten before it is gone) and unlinks keys. The last step
 * unlinks the tombstone with the run-wide keys; a run of that id can be created again only then
 * (CREATE_RUN), so a late step of an old deletion never touches a new run's keys.
 * ARGV: generation, index kind ('s' set, 'z' sorted set, 'h' hash, '' none), index key (after the
 * prefix), n, n members, then the keys to unlink (after the prefix). Returns 0 when the tombstone
 * is gone or another deletion's, 1 otherwise.
 */
export const DRAIN_RUN = lua`
if redis.call('HGET', P .. 'dead', 'gen') ~= ARGV[3] then return 0 end
local kind, n = ARGV[4], tonumber(ARGV[6])
if n > 0 then
  local cmd = ({s = 'SREM', z = 'ZREM', h = 'HDEL'})[kind]
  redis.call(cmd, P .. ARGV[5], unpack(ARGV, 7, 6 + n))
end
local batch = {}
for i = 7 + n, #ARGV do
  batch[#batch + 1] = P .. ARGV[i]
  if #batch == 500 then
    redis.call('UNLINK', unpack(batch))
    batch = {}
  end
end
if #batch > 0 then redis.call('UNLINK', unpack(batch)) end
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
