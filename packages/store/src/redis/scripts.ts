import type { RedisConnection } from "./connection.js";
import { PRELUDE } from "./lua/common.js";
import { FIRE_FAULT, GET_FAULTS, GREYLIST_ATTEMPT, SET_FAULTS } from "./lua/faults.js";
import {
  CLAIM_RECENT,
  CREATE_MAILBOX,
  DELETE_MAILBOX,
  ENSURE_INBOX,
  RENAME_MAILBOX,
  SET_SUBSCRIBED,
} from "./lua/mailboxes.js";
import { APPEND, APPEND_DELIVERY, COPY, DELETE_MESSAGES, MOVE, UPDATE_FLAGS } from "./lua/messages.js";
import {
  EVENTS_SINCE,
  EXISTING,
  EXPUNGED_SINCE,
  GET_DNS,
  GET_MAILBOX,
  GET_MESSAGES,
  LIST_INBOXES,
  LIST_MAILBOXES,
  LIST_MESSAGES,
  MAILBOX_INDEX,
  READ_PRELUDE,
  RUN_COUNTS,
} from "./lua/reads.js";
import { CREATE_RUN, DELETE_RUN, SET_DNS } from "./lua/runs.js";
import { ADD_SESSION, GET_SESSION, LIST_SESSIONS } from "./lua/sessions.js";
import { WH_ADD, WH_CREATE, WH_DELETE, WH_DELIVERIES, WH_LIST, WH_RECORD, WH_RETRY } from "./lua/webhooks.js";

const writes = {
  smCreateRun: CREATE_RUN,
  smDeleteRun: DELETE_RUN,
  smSetDns: SET_DNS,
  smSetFaults: SET_FAULTS,
  smFireFault: FIRE_FAULT,
  smGreylistAttempt: GREYLIST_ATTEMPT,
  smEnsureInbox: ENSURE_INBOX,
  smCreateMailbox: CREATE_MAILBOX,
  smDeleteMailbox: DELETE_MAILBOX,
  smRenameMailbox: RENAME_MAILBOX,
  smSetSubscribed: SET_SUBSCRIBED,
  smClaimRecent: CLAIM_RECENT,
  smAppend: APPEND,
  smAppendDelivery: APPEND_DELIVERY,
  smUpdateFlags: UPDATE_FLAGS,
  smCopy: COPY,
  smMove: MOVE,
  smDeleteMessages: DELETE_MESSAGES,
  smWhCreate: WH_CREATE,
  smWhDelete: WH_DELETE,
  smWhAdd: WH_ADD,
  smWhRecord: WH_RECORD,
  smWhRetry: WH_RETRY,
  smAddSession: ADD_SESSION,
};

const reads = {
  smGetMessages: GET_MESSAGES,
  smExisting: EXISTING,
  smListMessages: LIST_MESSAGES,
  smMailboxIndex: MAILBOX_INDEX,
  smListMailboxes: LIST_MAILBOXES,
  smGetMailbox: GET_MAILBOX,
  smListInboxes: LIST_INBOXES,
  smRunCounts: RUN_COUNTS,
  smEventsSince: EVENTS_SINCE,
  smExpungedSince: EXPUNGED_SINCE,
  smGetDns: GET_DNS,
  smGetFaults: GET_FAULTS,
  smWhList: WH_LIST,
  smWhDeliveries: WH_DELIVERIES,
  smListSessions: LIST_SESSIONS,
  smGetSession: GET_SESSION,
};

export type ScriptName = keyof typeof writes | keyof typeof reads;

/** A script call: KEYS[1] = run hash, then ARGV = prefix, run id, arguments. */
export type ScriptFn = (
  runKey: string,
  prefix: string,
  runId: string,
  ...args: Array<string | number | Buffer>
) => Promise<unknown>;

/**
 * Registers every script on the connection (EVALSHA, falling back to EVAL after a server restart).
 * `expungedKept`: the store option, a constant of the scripts' source.
 */
export function defineScripts(redis: RedisConnection, expungedKept: number): Record<ScriptName, ScriptFn> {
  const prelude = `local EXPUNGED_KEPT = ${expungedKept}\n${PRELUDE}`;
  for (const [name, body] of Object.entries(writes)) {
    redis.defineCommand(name, { numberOfKeys: 1, lua: prelude + body });
  }
  for (const [name, body] of Object.entries(reads)) {
    redis.defineCommand(name, { numberOfKeys: 1, lua: prelude + READ_PRELUDE + body, readOnly: true });
  }
  const commands = redis as unknown as Record<ScriptName, ScriptFn>;
  const out = {} as Record<ScriptName, ScriptFn>;
  for (const name of [...Object.keys(writes), ...Object.keys(reads)] as ScriptName[]) {
    out[name] = commands[name].bind(redis);
  }
  return out;
}
