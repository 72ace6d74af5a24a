import { lua } from "./common.js";

/**
 * A run's transcript ring: `ssl` lists session summaries newest first (each with its id and
 * bytes), `ssh` maps a session id to its whole transcript, and the run hash's `ssb` counts the
 * bytes kept. Both keys expire with the run.
 *
 * ARGV: session id, summary JSON, transcript JSON, bytes, max sessions, max bytes.
 */
export const ADD_SESSION = lua`
need_run()
local l, h = P .. 'ssl', P .. 'ssh'
redis.call('LPUSH', l, ARGV[4])
redis.call('HSET', h, ARGV[3], ARGV[5])
local total = redis.call('HINCRBY', RUN, 'ssb', tonumber(ARGV[6]))
local n = redis.call('LLEN', l)
local maxn, maxb = tonumber(ARGV[7]), tonumber(ARGV[8])
-- The newest session always stays, whatever its size.
while n > 1 and (n > maxn or total > maxb) do
  local old = cjson.decode(redis.call('RPOP', l))
  redis.call('HDEL', h, old.id)
  total = redis.call('HINCRBY', RUN, 'ssb', -old.bytes)
  n = n - 1
end
touch(l)
touch(h)
return 1
`;

/** Summary JSON strings, newest first. */
export const LIST_SESSIONS = lua`
need_run()
return redis.call('LRANGE', P .. 'ssl', 0, -1)
`;

/** ARGV: session id. The transcript JSON, or '' when it is not kept. */
export const GET_SESSION = lua`
need_run()
return redis.call('HGET', P .. 'ssh', ARGV[3]) or ''
`;
