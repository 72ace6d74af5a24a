import { type ChainableCommander, Cluster } from "ioredis";
import type { RedisConnection } from "./connection.js";
import { fcall, LibraryLoader } from "./functions.js";
import type { RunKeys } from "./keys.js";
import { FIRE_FAULT, GET_FAULTS, GREYLIST_ATTEMPT, SET_FAULTS } from "./lua/faults.js";
import { type Library, library, libraryBody } from "./lua/library.js";
import {
  CLAIM_RECENT,
  CREATE_MAILBOX,
  DELETE_MAILBOX,
  ENSURE_INBOX,
  RENAME_MAILBOX,
  SET_SUBSCRIBED,
} from "./lua/mailboxes.js";
import {
  APPEND,
  APPEND_DELIVERY,
  COPY,
  DELETE_MESSAGES,
  MOVE,
  SET_MIME,
  UPDATE_FLAGS,
} from "./lua/messages.js";
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
  RUN_COUNTS,
} from "./lua/reads.js";
import { CREATE_RUN, DELETE_RUN, DRAIN_RUN, SET_DNS } from "./lua/runs.js";
import { ADD_SESSION, GET_SESSION, LIST_SESSIONS } from "./lua/sessions.js";
import { WH_ADD, WH_CREATE, WH_DELETE, WH_DELIVERIES, WH_LIST, WH_RECORD, WH_RETRY } from "./lua/webhooks.js";

/** A script argument as the delivery and the other calls send it: Buffers go as bytes (command-bytes.ts). */
export type Arg = string | number | Buffer;

/**
 * One script (a function of the library, lua/library.ts): its Lua, and the keys it touches besides the run hash (always KEYS[1]), named from
 * its arguments (ARGV[3] on; `a` below), new messages' and mailboxes' ids included (the caller
 * chooses them, new-ids.ts). Keys a script finds in the data (a message's mailbox, an address's
 * folders) the caller adds when it knows them, and the script asks for the rest (need_keys,
 * lua/common.ts) before touching them. Every key is declared (Redis Cluster's rule) and the run's
 * (same prefix, so the same slot); the key guard (lua/key-guard.ts) holds both rules.
 */
interface Script {
  lua: string;
  keys: (k: RunKeys, a: readonly Arg[]) => string[];
}

const str = (a: readonly Arg[], i: number): string => String(a[i] ?? "");
const from = (a: readonly Arg[], i: number): string[] => a.slice(i).map(String);
const messages = (k: RunKeys, ids: string[]): string[] => ids.map((id) => k.message(id));
/** An address's keys, with the run-wide ones its first message or folder touches. */
const withAddress = (k: RunKeys, address: string): string[] => [
  ...k.fixed("addrs", "full", "seq", "ev", "events"),
  ...k.address(address),
];
/** The recipient index keys of a new message, from its JSON list of recipient keys (argument i). */
const recipients = (k: RunKeys, a: readonly Arg[], i: number): string[] => {
  const json = str(a, i);
  return json === ""
    ? []
    : [...k.fixed("rcpts"), ...(JSON.parse(json) as string[]).map((key) => k.recipient(key))];
};
/** The keys of the new mailboxes whose ids (space-separated) argument i holds. */
const newMailboxes = (k: RunKeys, a: readonly Arg[], i: number): string[] =>
  str(a, i)
    .split(" ")
    .filter(Boolean)
    .flatMap((id) => k.mailbox(id));
/** Keys of a script on the address in argument 0 that may create the mailboxes argument `ids` names. */
const addressAndNewMailboxes =
  (ids: number): Script["keys"] =>
  (k, a) => [...withAddress(k, str(a, 0)), ...newMailboxes(k, a, ids)];
/**
 * An address, with its new message's key (argument m) and new mailboxes (argument p). Without
 * ids for new mailboxes the caller believes the target folder made: the keys only making a folder
 * or an address touches are left out, and the script, finding the folder not made, asks for ids
 * (need_ids) before touching them.
 */
const newMessage = (k: RunKeys, a: readonly Arg[], at: number, m: number, p: number): string[] => {
  const address = str(a, at);
  if (str(a, p) !== "") return [...withAddress(k, address), k.message(str(a, m)), ...newMailboxes(k, a, p)];
  const [names = "", , seq = ""] = k.address(address);
  return [...k.fixed("seq", "ev", "events"), names, seq, k.message(str(a, m))];
};

const writes = {
  smCreateRun: { lua: CREATE_RUN, keys: (k) => [k.tombstone] },
  smDeleteRun: { lua: DELETE_RUN, keys: (k) => k.fixed("dead", "events", "cache") },
  // ARGV: generation, index kind, index key, n, n members, keys; keys after the run's prefix.
  smDrainRun: {
    lua: DRAIN_RUN,
    keys: (k, a) => {
      const n = Number(a[3] ?? 0);
      return [
        k.tombstone,
        ...(str(a, 2) ? [k.prefix + str(a, 2)] : []),
        ...from(a, 4 + n).map((s) => k.prefix + s),
      ];
    },
  },
  smSetDns: { lua: SET_DNS, keys: (k) => k.fixed("dns", "cache") },
  smSetFaults: { lua: SET_FAULTS, keys: (k) => k.fixed("faults", "grey", "cache") },
  smFireFault: { lua: FIRE_FAULT, keys: (k) => k.fixed("faults") },
  smGreylistAttempt: { lua: GREYLIST_ATTEMPT, keys: (k) => k.fixed("faults", "grey") },
  // ARGV: address, then the ids of its default folders should they not be made yet, then '1' to
  // make a new address too.
  smEnsureInbox: {
    lua: ENSURE_INBOX,
    keys: addressAndNewMailboxes(1),
  },
  smCreateMailbox: {
    lua: CREATE_MAILBOX,
    keys: addressAndNewMailboxes(2),
  },
  smDeleteMailbox: { lua: DELETE_MAILBOX, keys: addressAndNewMailboxes(2) },
  smRenameMailbox: {
    lua: RENAME_MAILBOX,
    keys: addressAndNewMailboxes(3),
  },
  smSetSubscribed: {
    lua: SET_SUBSCRIBED,
    keys: addressAndNewMailboxes(3),
  },
  smClaimRecent: { lua: CLAIM_RECENT, keys: (k, a) => k.mailbox(str(a, 0)) },
  // ARGV: address, folder, 5 more, the message's id, ids of the address's folders should it be
  // new, its recipient keys (JSON).
  smAppend: {
    lua: APPEND,
    keys: (k, a) => [...newMessage(k, a, 0, 7, 8), ...recipients(k, a, 9)],
  },
  // ARGV: per delivery of the group, its argument count, then its arguments: delivery id,
  // not-after, body, uploaded, then 10 per copy starting with its address (as smAppend's).
  smAppendDelivery: {
    lua: APPEND_DELIVERY,
    keys: (k, a) => {
      const out = [...k.fixed("dlv", "dlvr")];
      for (let d = 0; d < a.length; d += 1 + Number(a[d])) {
        if (str(a, d + 4) === "1") out.push(k.upload(str(a, d + 1)));
        const end = d + 1 + Number(a[d]);
        for (let i = d + 5; i < end; i += 10) {
          out.push(...newMessage(k, a, i, i + 7, i + 8), ...recipients(k, a, i + 9));
        }
      }
      return out;
    },
  },
  // ARGV: incarnation, then message id and tree pairs.
  smSetMime: {
    lua: SET_MIME,
    keys: (k, a) =>
      messages(
        k,
        from(a, 1).filter((_, i) => i % 2 === 0),
      ),
  },
  smUpdateFlags: {
    lua: UPDATE_FLAGS,
    keys: (k, a) => [...k.fixed("seq", "ev", "events"), ...messages(k, from(a, 3))],
  },
  // ARGV: destination mailbox, the copies' new ids (space-separated), ids...
  smCopy: {
    lua: COPY,
    keys: (k, a) => [
      ...k.fixed("seq", "ev", "events", "rcpts"),
      ...k.mailbox(str(a, 0)),
      ...messages(k, str(a, 1).split(" ").filter(Boolean)),
      ...messages(k, from(a, 2)),
    ],
  },
  smMove: {
    lua: MOVE,
    keys: (k, a) => [...k.fixed("seq", "ev", "events"), ...k.mailbox(str(a, 0)), ...messages(k, from(a, 1))],
  },
  smDeleteMessages: {
    lua: DELETE_MESSAGES,
    keys: (k, a) => [...k.fixed("seq", "ev", "events"), ...messages(k, from(a, 0))],
  },
  smWhCreate: { lua: WH_CREATE, keys: (k, a) => [...k.fixed("whs"), ...k.webhook(str(a, 0))] },
  smWhDelete: { lua: WH_DELETE, keys: (k, a) => [...k.fixed("whs"), ...k.webhook(str(a, 0))] },
  // ARGV: webhook id, through seq, createdAt, keep, then 4 per delivery starting with its id.
  smWhAdd: {
    lua: WH_ADD,
    keys: (k, a) => [
      ...k.webhook(str(a, 0)),
      ...a.flatMap((_, i) => (i >= 4 && i % 4 === 0 ? k.delivery(str(a, i)) : [])),
    ],
  },
  smWhRecord: { lua: WH_RECORD, keys: (k, a) => k.delivery(str(a, 0)) },
  smWhRetry: { lua: WH_RETRY, keys: (k, a) => k.delivery(str(a, 0)) },
  smAddSession: { lua: ADD_SESSION, keys: (k) => k.fixed("ssl", "ssh") },
} satisfies Record<string, Script>;

const reads = {
  // ARGV: '<mailbox hint> <light flags>', then the ids.
  smGetMessages: {
    lua: GET_MESSAGES,
    keys: (k, a) => {
      const hint = str(a, 0).split(" ")[0] ?? "";
      return [...(hint ? k.mailbox(hint) : []), ...messages(k, from(a, 1))];
    },
  },
  smExisting: { lua: EXISTING, keys: (k, a) => messages(k, from(a, 0)) },
  // ARGV: address ('' = any), mailbox id ('' = any), 4 more, '=' and a recipient ('' = any).
  smListMessages: {
    lua: LIST_MESSAGES,
    keys: (k, a) => [
      ...k.fixed("seq"),
      ...(str(a, 0) ? k.address(str(a, 0)) : []),
      ...(str(a, 1) ? k.mailbox(str(a, 1)) : []),
      ...(str(a, 6) ? [k.recipient(str(a, 6).slice(1)), ...k.address(str(a, 6).slice(1))] : []),
    ],
  },
  smMailboxIndex: { lua: MAILBOX_INDEX, keys: (k, a) => k.mailbox(str(a, 0)) },
  smListMailboxes: {
    lua: LIST_MAILBOXES,
    keys: (k, a) => [...k.fixed("addrs", "full"), ...k.address(str(a, 0))],
  },
  // ARGV: address, name ('' when by id), mailbox id ('' when by name).
  smGetMailbox: {
    lua: GET_MAILBOX,
    keys: (k, a) => [
      ...(str(a, 0) ? [...k.fixed("addrs", "full"), ...k.address(str(a, 0))] : []),
      ...(str(a, 2) ? k.mailbox(str(a, 2)) : []),
    ],
  },
  smListInboxes: { lua: LIST_INBOXES, keys: (k) => k.fixed("addrs") },
  smRunCounts: { lua: RUN_COUNTS, keys: (k) => k.fixed("addrs") },
  smEventsSince: { lua: EVENTS_SINCE, keys: (k) => k.fixed("ev") },
  smExpungedSince: { lua: EXPUNGED_SINCE, keys: (k, a) => k.mailbox(str(a, 0)) },
  smGetDns: { lua: GET_DNS, keys: (k) => k.fixed("dns") },
  smGetFaults: { lua: GET_FAULTS, keys: (k) => k.fixed("faults") },
  smWhList: { lua: WH_LIST, keys: (k) => k.fixed("whs") },
  // ARGV: delivery ids; or '' and a webhook id for that webhook's log.
  smWhDeliveries: {
    lua: WH_DELIVERIES,
    keys: (k, a) => (str(a, 0) === "" ? k.webhook(str(a, 1)) : from(a, 0).flatMap((id) => k.delivery(id))),
  },
  smListSessions: { lua: LIST_SESSIONS, keys: (k) => k.fixed("ssl") },
  smGetSession: { lua: GET_SESSION, keys: (k) => k.fixed("ssh") },
} satisfies Record<string, Script>;

export type ScriptName = keyof typeof writes | keyof typeof reads;

const SCRIPTS: Record<ScriptName, Script> = { ...writes, ...reads };

export const SCRIPT_NAMES = Object.keys(SCRIPTS) as ScriptName[];

/** Scripts sent as soon as they are called, never in an auto-pipelined batch (defineScripts). */
const UNBATCHED: ScriptName[] = ["smAppendDelivery"];

/**
 * The whole argument list of a call: the number of keys, KEYS (the run hash, then every key the
 * script touches that its arguments name), then ARGV = prefix, run id, the script's arguments.
 */
export function scriptCall(
  name: ScriptName,
  keys: RunKeys,
  runId: string,
  args: readonly Arg[],
  extra: readonly string[] = [],
): Arg[] {
  // Loops rather than spreads: the delivery script makes one of these per message.
  const declared = new Set([keys.run]);
  for (const key of SCRIPTS[name].keys(keys, args)) declared.add(key);
  for (const key of extra) declared.add(key);
  const call: Arg[] = [declared.size];
  for (const key of declared) call.push(key);
  call.push(keys.prefix, runId);
  for (const arg of args) call.push(arg);
  return call;
}

/** Rounds of need_keys a call may take (one per level of keys found in the data, plus races). */
export const KEY_ROUNDS = 12;

/**
 * The keys a script's need_keys failure names (lua/common.ts), or undefined for any other error.
 * Every one must be the run's: a script never asks for another slot's key.
 */
export function neededKeys(err: unknown, keys: RunKeys): string[] | undefined {
  const message = err instanceof Error ? err.message : "";
  const json = /^need_keys (\[.*\])/.exec(message)?.[1];
  if (json === undefined) return undefined;
  const names = JSON.parse(json) as unknown;
  if (!Array.isArray(names) || names.some((k) => typeof k !== "string" || !k.startsWith(keys.prefix))) {
    throw new Error(`a script asked for keys outside its run: ${message.slice(0, 200)}`);
  }
  return names as string[];
}

/**
 * The body of the library holding every script (lua/library.ts). `expungedKept`: the store
 * option, a constant of the source; `checkKeys`: the key guard (lua/key-guard.ts).
 */
export function scriptsBody(expungedKept: number, checkKeys = false): string {
  const scripts = SCRIPT_NAMES.map((name) => ({ name, lua: SCRIPTS[name].lua, readOnly: name in reads }));
  return libraryBody(scripts, expungedKept, checkKeys);
}

/**
 * A script as a function of the connection (or of a pipeline): call it with scriptCall's list.
 */
export type ScriptFn = (call: readonly Arg[]) => Promise<unknown>;

/** The scripts of a connection, and the library they are functions of. */
export interface Scripts {
  readonly fns: Record<ScriptName, ScriptFn>;
  readonly library: Library;
  /** Loads the library where it is missing (a store's start: it fails on a Redis older than 7.0). */
  load(): Promise<void>;
  /** Adds a call to a pipeline (which then has to be run through `retry`). */
  queue(pipeline: ChainableCommander, name: ScriptName, call: readonly Arg[]): void;
  /** `run`, once more after loading the library should Redis have lost it. */
  retry<T>(run: () => Promise<T>): Promise<T>;
}

/**
 * The scripts as functions of one library, loaded on the connection and kept loaded (functions.ts).
 * `checkKeys` puts the key guard in the library: a script touching a key it did not declare (or
 * one outside its run) fails instead of running.
 */
export function defineScripts(redis: RedisConnection, expungedKept: number, checkKeys = false): Scripts {
  const lib = library(scriptsBody(expungedKept, checkKeys));
  const loader = new LibraryLoader(redis, lib);
  // On a cluster, calls travel unbatched (still without waiting for each other's replies), each
  // routed by its first key, as scripts did; a single server has one batch for all. The delivery
  // script skips auto-pipelining everywhere: an SMTP reply waits on it, and a batch waits for the
  // replies of the one before it. It is written at once, not held to share a write with the turn's
  // others: held to the end of the turn (tried until 2026-12-04), ingest was 3-40% slower at
  // concurrency 10 and 50 in 12 of 12 paired rounds.
  if (redis instanceof Cluster) {
    const ignored = redis.options.autoPipeliningIgnoredCommands ?? [];
    redis.options.autoPipeliningIgnoredCommands = [...ignored, "fcall", "fcall_ro"];
  }
  const fns = {} as Record<ScriptName, ScriptFn>;
  for (const name of SCRIPT_NAMES) {
    const fn = lib.fn(name);
    const readOnly = name in reads;
    const unbatched = UNBATCHED.includes(name);
    fns[name] = (call) => loader.retry(() => fcall(redis, fn, readOnly, unbatched, call));
  }
  return {
    fns,
    library: lib,
    load: () => loader.load(),
    queue: (pipeline, name, call) => {
      pipeline.call(name in reads ? "fcall_ro" : "fcall", lib.fn(name), call as never);
    },
    retry: (run) => loader.retry(run),
  };
}
