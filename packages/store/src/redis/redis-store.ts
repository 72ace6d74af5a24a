import { randomBytes } from "node:crypto";
import {
  type ActiveFaults,
  DefaultFolders,
  type DnsRecord,
  type FaultRule,
  type FaultRuleState,
  type Mailbox,
  type MimeNode,
  newRunId,
  prependInRoom,
  RUN_ID_PATTERN,
  type Run,
  type RunCounts,
  SandmailError,
  type SessionSummary,
  type SessionTranscript,
  type StoredMessage,
  type StoreEvent,
  type TranscriptLimits,
  treeAfterPrepend,
} from "@sandmail/core";
import type {
  AppendInput,
  CopyResult,
  CreateRunInput,
  DeliveryCopy,
  DeliveryInput,
  ExpungedUids,
  InboxInfo,
  MailStore,
  MessageParts,
  MessageQuery,
  RunListing,
  ScanOptions,
  ScanQuery,
  ScanTest,
  StoreListener,
  UpdateFlagsInput,
  UpdateFlagsResult,
} from "../contract.js";
import { GREYLIST_KEPT, keptFaultRules, rngStartOf } from "../shared/faults.js";
import { normalizeFlags } from "../shared/flags.js";
import {
  appendedMeta,
  checkAddress,
  checkAppend,
  checkCreateRun,
  checkDelivery,
  checkIds,
  checkModSeq,
  checkSession,
  expungedKept,
  normalizeDnsRecords,
  runFromInput,
} from "../shared/inputs.js";
import {
  byFolderName,
  isInbox,
  isSameOrChild,
  lookupName,
  normalizeMailboxName,
  parentNames,
} from "../shared/mailbox-names.js";
import { recipientKeys } from "../shared/recipients.js";
import { pagedScan, scanLimit } from "../shared/scan.js";
import { summaryOf } from "../shared/sessions.js";
import type { UidColumns } from "../shared/uid-columns.js";
import {
  decodeEvent,
  decodeIndex,
  decodeMailbox,
  decodeMessage,
  decodeMessages,
  decodeRun,
  encodeMeta,
  joinFlags,
  partsOf,
  splitFlags,
} from "./codec.js";
import { checkRedisUrl, openConnection, type RedisConnection, readyWaiter } from "./connection.js";
import { DeliveryGroups, type GroupedDelivery, groupAnswer } from "./delivery-group.js";
import { DRAIN_EVERY_MS, RunDrainer } from "./drain.js";
import { commitOutcome, toStoreError } from "./errors.js";
import { IndexCache } from "./index-cache.js";
import { KeyHints } from "./key-hints.js";
import { checkKeyPrefix, RunKeys } from "./keys.js";
import { LAZY_MIME_MAX_BYTES, mimeFromRaw } from "./lazy-mime.js";
import { type FixedParts, MessageCache } from "./message-cache.js";
import { NewIds } from "./new-ids.js";
import { joinRaw, rawFields } from "./raw-fields.js";
import { RunCache } from "./run-cache.js";
import {
  type Arg,
  defineScripts,
  KEY_ROUNDS,
  neededKeys,
  type ScriptName,
  type Scripts,
  scriptCall,
} from "./scripts.js";
import { Subscriptions } from "./subscriptions.js";
import { TickBatch } from "./tick-batch.js";
import { UPLOAD_ABOVE_BYTES, uploadInSlices } from "./upload.js";
import { RedisWebhooks } from "./webhooks.js";

export interface RedisStoreOptions {
  /** redis:// or rediss:// URL, or `redis+cluster://host:port,host:port` for a Redis Cluster. */
  url: string;
  /** Prefix of every key; default `sm:`. */
  keyPrefix?: string;
  /** Longest a single command may take; default 5000 ms. */
  commandTimeoutMs?: number;
  /** How long a call waits for a (re)connection before failing with `store_unavailable`; default 1000 ms. */
  connectWaitMs?: number;
  /**
   * How long a delivery whose outcome is unknown (a timeout, a connection lost after sending, a
   * failover) is retried before it is given up as not stored; default 20000 ms. Redis refuses to
   * run it after that, by its own clock, so a late execution cannot store it.
   */
  commitWaitMs?: number;
  /** A delivery counts as stored once this many replicas have it (WAIT); default 0. */
  waitReplicas?: number;
  /**
   * Bytes of message metadata and raw bytes kept in this process (message-cache.ts), and a
   * quarter as much again of mailbox indexes (index-cache.ts); default 128 MiB.
   */
  cacheBytes?: number;
  /**
   * Expunged UIDs each mailbox remembers for QRESYNC; default 10,000 (contract.ts `expungedSince`).
   * Every process sharing the store should use the same value.
   */
  expungedKept?: number;
  /**
   * Runs every script under the key guard (lua/key-guard.ts): a key a script touches without
   * declaring it in KEYS fails the call. For tests; default false.
   */
  checkKeys?: boolean;
}

/** Past the commit deadline, how long a script already queued in Redis may still be running. */
const COMMIT_GRACE_MS = 1000;
/** How much longer an uploaded body is kept than the script may still run: clocks disagree. */
const UPLOAD_SLACK_MS = 60_000;

const MAX_SEQ = Number.MAX_SAFE_INTEGER;
const FLAG_OPS = new Set(["add", "remove", "set"]);

/**
 * The MailStore over Redis, for several processes sharing one store. Every change is one Lua
 * script (atomic, and it allocates seqs, UIDs and modseqs); events are published from inside
 * the script, so every process sees them in seq order.
 */
export class RedisStore implements MailStore {
  readonly kind = "redis" as const;
  readonly #redis: RedisConnection;
  readonly #scripts: Scripts;
  /** A ping loaded the library once (ping). */
  #libraryLoaded = false;
  readonly #subscriptions: Subscriptions;
  readonly #runCache: RunCache;
  readonly #messages: MessageCache;
  readonly #indexes: IndexCache;
  readonly #keyHints = new KeyHints();
  #lastKeys: RunKeys | undefined;
  readonly #newIds = new NewIds();
  readonly #existing = new TickBatch<[incarnation: string, exists: boolean]>(async (runId, ids) => {
    const [incarnation, bits] = (await this.#script("smExisting", runId, ids)) as [string, string];
    return ids.map((_, i) => [String(incarnation), bits[i] === "1"]);
  });
  readonly #groups = new DeliveryGroups((runId, group) => this.#sendGroup(runId, group));
  readonly #prefix: string;
  readonly #ready: (ms: number) => Promise<void>;
  readonly #waitMs: number;
  readonly #commitWaitMs: number;
  readonly #waitReplicas: number;
  readonly #replicaWaitMs: number;
  readonly webhooks: RedisWebhooks;
  readonly #drainer: RunDrainer;
  readonly #drainTimer: ReturnType<typeof setInterval>;

  constructor(options: RedisStoreOptions) {
    if (!options) throw new SandmailError("invalid_request", "Redis url missing");
    checkRedisUrl(options.url);
    this.#prefix = checkKeyPrefix(options.keyPrefix ?? "sm:");
    this.#waitMs = options.connectWaitMs ?? 1000;
    this.#commitWaitMs = options.commitWaitMs ?? 20_000;
    this.#waitReplicas = Math.max(0, Math.floor(options.waitReplicas ?? 0));
    const tuning = { commandTimeoutMs: options.commandTimeoutMs ?? 5000, connectWaitMs: this.#waitMs };
    this.#replicaWaitMs = Math.max(10, Math.min(1000, Math.floor(tuning.commandTimeoutMs / 2)));
    this.#redis = openConnection(options.url, tuning);
    this.#ready = readyWaiter(this.#redis);
    this.#scripts = defineScripts(
      this.#redis,
      expungedKept(options.expungedKept),
      options.checkKeys === true,
    );
    this.#subscriptions = new Subscriptions(
      () => openConnection(options.url, tuning),
      this.#waitMs,
      () => {
        this.#runCache.clear();
        this.#messages.clear();
        this.#indexes.clear();
        this.#keyHints.clear();
      },
    );
    this.webhooks = new RedisWebhooks(
      (name, runId, args) => this.#script(name, runId, args),
      () => this.#redis,
      (fn) => this.#exec(fn),
      (runId) => this.#keys(runId).prefix,
      this.#prefix,
    );
    this.#drainer = new RunDrainer(
      () => this.#redis,
      (fn) => this.#exec(fn),
      (runId, args) => this.#script("smDrainRun", runId, args),
      (runId) => this.#keys(runId),
      this.#prefix,
    );
    // Deletions a process stopped midway: now, and from time to time, whoever finds them.
    const drainQueued = () => void this.#drainer.drainQueued().catch(() => {});
    drainQueued();
    this.#drainTimer = setInterval(drainQueued, DRAIN_EVERY_MS);
    this.#drainTimer.unref();
    this.#messages = new MessageCache(options.cacheBytes ?? 128 * 1024 * 1024);
    // A row of an index costs about 64 bytes here (columns, id string and its slot).
    this.#indexes = new IndexCache(Math.floor((options.cacheBytes ?? 128 * 1024 * 1024) / 256));
    this.#runCache = new RunCache({
      // The run's cache channel, not its events: a process that only ingests would otherwise be
      // sent every message's event back (a write in Redis, a read and a parse here per message).
      watch: (runId, listener) => this.#subscriptions.add(this.#keys(runId).cacheChannel, listener, true),
      // Memory hygiene only: every read checks the run's incarnation and the message's existence
      // (an expunged message's entry ages out of the LRU).
      onEvent: (event) => {
        if (event.type === "run.deleted") {
          this.#messages.dropRun(event.runId);
          this.#indexes.dropRun(event.runId);
          this.#keyHints.dropRun(event.runId);
        }
      },
    });
  }

  /** Connects and checks the server answers before returning. */
  static async connect(options: RedisStoreOptions | string): Promise<RedisStore> {
    const store = new RedisStore(typeof options === "string" ? { url: options } : options);
    try {
      await store.#readyOrThrow(Math.max(store.#waitMs, 5000));
      await store.ping();
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  async createRun(input: CreateRunInput): Promise<Run> {
    checkCreateRun(input);
    for (let attempt = 0; ; attempt++) {
      const id = input.id ?? newRunId();
      const now = Date.now();
      const run = runFromInput(input, id, now);
      try {
        await this.#script("smCreateRun", id, [
          run.token,
          run.label ?? "",
          now,
          run.expiresAt.getTime(),
          run.limits.maxMessages,
          run.limits.maxBytes,
          // UIDVALIDITY starts from the clock, so a run created again gets new values.
          Math.floor(now / 1000),
        ]);
        await this.#exec(() => this.#redis.zadd(this.#runRegistry, run.expiresAt.getTime(), id));
        return run;
      } catch (err) {
        if (attempt < 5 && /\brun_deleting\b/.test((err as Error).message)) {
          // A run of this id was deleted and its keys are still being removed: finish that (the
          // new run must not meet them), or take another id.
          if (input.id !== undefined) await this.#drainer.drain(id);
          continue;
        }
        if (input.id === undefined && attempt < 5 && (err as SandmailError).code === "run_exists") continue;
        throw err;
      }
    }
  }

  async getRun(runId: string): Promise<Run | undefined> {
    if (!validRunId(runId)) return undefined;
    return this.#runCache.run(runId, async () => {
      const h = await this.#exec(() => this.#redis.hgetall(this.#keys(runId).run));
      return decodeRun(runId, h);
    });
  }

  async deleteRun(runId: string): Promise<boolean> {
    if (!validRunId(runId)) return false;
    this.#runCache.forget(runId);
    this.#messages.dropRun(runId);
    this.#indexes.dropRun(runId);
    this.#keyHints.dropRun(runId);
    // The run is gone for everyone in one O(1) step (its run hash becomes its tombstone); its
    // keys go in bounded steps after it (drain.ts), which this call waits for, though a failure
    // there leaves them to the queue rather than failing a delete that happened.
    const gen = randomBytes(8).toString("hex");
    const deleted = (await this.#script("smDeleteRun", runId, [gen])) === 1;
    await this.#exec(() => this.#redis.zrem(this.#runRegistry, runId));
    if (deleted) {
      await this.#drainer
        .enqueue(runId)
        .then(() => this.#drainer.drain(runId))
        // Left to whoever drains the queue next, or, not queued, to the keys' expiry (the run's).
        .catch(() => {});
    }
    return deleted;
  }

  async listRuns(limit = 1000): Promise<RunListing[]> {
    const now = Date.now();
    await this.#exec(() => this.#redis.zremrangebyscore(this.#runRegistry, "-inf", String(now)));
    const ids = await this.#exec(() => this.#redis.zrange(this.#runRegistry, "0", "-1"));
    const rows = await Promise.all(
      ids.map(async (id): Promise<RunListing | undefined> => {
        const run = await this.getRun(id);
        if (!run) return undefined;
        try {
          return { run, counts: await this.runCounts(id) };
        } catch (err) {
          // Expired or deleted between the two reads.
          if ((err as SandmailError).code === "run_not_found") return undefined;
          throw err;
        }
      }),
    );
    return rows
      .filter((row): row is RunListing => row !== undefined)
      .sort((a, b) => b.run.createdAt.getTime() - a.run.createdAt.getTime())
      .slice(0, limit);
  }

  async runCounts(runId: string): Promise<RunCounts> {
    const [, messages, bytes, inboxes] = (await this.#script("smRunCounts", runId, [])) as number[];
    return { messages: Number(messages), bytes: Number(bytes), inboxes: Number(inboxes) };
  }

  async ensureInbox(runId: string, address: string): Promise<void> {
    await this.#script("smEnsureInbox", runId, [checkAddress(address), this.#inboxIds(), "1"]);
  }

  /**
   * A read of an address's folders: `read` answers 0 while the address's default folders are not
   * made yet (lua/reads.ts); they are made then (a write, once per address) and the read runs
   * again. An address that does not exist gets nothing made and reads `none`.
   */
  async #withDefaults(
    runId: string,
    address: string,
    read: () => Promise<unknown>,
    none: unknown,
  ): Promise<unknown> {
    const reply = await read();
    if (reply !== 0) return reply;
    const exists = await this.#script("smEnsureInbox", runId, [address, this.#inboxIds(), ""]);
    return Number(exists) === 1 ? read() : none;
  }

  async listInboxes(runId: string): Promise<InboxInfo[]> {
    const flat = (await this.#script("smListInboxes", runId, [])) as Array<string | number>;
    const out: InboxInfo[] = [];
    for (let i = 0; i + 2 < flat.length; i += 3) {
      out.push({ address: String(flat[i]), messages: Number(flat[i + 1]), unseen: Number(flat[i + 2]) });
    }
    return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  }

  async listMailboxes(runId: string, address: string): Promise<Mailbox[]> {
    const addr = checkAddress(address);
    const rows = (await this.#withDefaults(
      runId,
      addr,
      () => this.#script("smListMailboxes", runId, [addr]),
      [],
    )) as unknown[];
    return rows
      .map(decodeMailbox)
      .filter((m): m is Mailbox => m !== undefined)
      .sort(byFolderName);
  }

  async getMailbox(runId: string, address: string, name: string): Promise<Mailbox | undefined> {
    const folder = lookupName(name);
    const addr = checkAddress(address);
    return decodeMailbox(
      await this.#withDefaults(
        runId,
        addr,
        () => this.#script("smGetMailbox", runId, [addr, folder, ""]),
        false,
      ),
    );
  }

  async getMailboxById(runId: string, mailboxId: string): Promise<Mailbox | undefined> {
    if (typeof mailboxId !== "string" || mailboxId === "") {
      await this.currentSeq(runId);
      return undefined;
    }
    return decodeMailbox(await this.#script("smGetMailbox", runId, ["", "", mailboxId]));
  }

  async createMailbox(runId: string, address: string, name: string): Promise<Mailbox> {
    const folder = normalizeMailboxName(name);
    const parents = parentNames(folder);
    const fresh = Array.from({ length: parents.length + 1 }, () => this.#newIds.mailbox());
    const id = await this.#script("smCreateMailbox", runId, [
      checkAddress(address),
      folder,
      [this.#inboxIds(), ...fresh].join(" "),
      ...parents,
    ]);
    return this.#mailboxAfterChange(runId, String(id));
  }

  async deleteMailbox(runId: string, address: string, name: string): Promise<void> {
    const folder = normalizeMailboxName(name);
    const addr = checkAddress(address);
    if (isInbox(folder)) {
      await this.currentSeq(runId);
      throw new SandmailError("mailbox_protected", "INBOX cannot be deleted");
    }
    await this.#script(
      "smDeleteMailbox",
      runId,
      (fresh) => [addr, folder, fresh ? this.#inboxIds() : ""],
      [],
      `${addr}\0${folder}`,
    );
  }

  async renameMailbox(runId: string, address: string, from: string, to: string): Promise<Mailbox> {
    const src = normalizeMailboxName(from);
    const dst = normalizeMailboxName(to);
    const addr = checkAddress(address);
    if (!isInbox(src) && !isInbox(dst) && isSameOrChild(dst, src)) {
      if (await this.getMailbox(runId, addr, src)) {
        throw new SandmailError("invalid_request", "a mailbox cannot be renamed into itself");
      }
    }
    const parents = parentNames(dst);
    const ids = Array.from({ length: parents.length + 1 }, () => this.#newIds.mailbox()).join(" ");
    const id = await this.#script(
      "smRenameMailbox",
      runId,
      // The address's default folders' ids only when the script finds them not made (need_ids).
      (fresh) => [addr, src, dst, fresh ? `${this.#inboxIds()} ${ids}` : ids, ...parents],
      [],
      `${addr}\0${src}`,
    );
    return this.#mailboxAfterChange(runId, String(id));
  }

  async setSubscribed(runId: string, address: string, name: string, subscribed: boolean): Promise<void> {
    const folder = normalizeMailboxName(name);
    await this.#script("smSetSubscribed", runId, [
      checkAddress(address),
      folder,
      subscribed ? "1" : "0",
      this.#inboxIds(),
    ]);
  }

  async appendMessage(runId: string, input: AppendInput): Promise<StoredMessage> {
    checkAppend(input);
    const folder = normalizeMailboxName(input.mailbox ?? "INBOX");
    const flags = normalizeFlags(input.flags);
    const address = checkAddress(input.address);
    const internalDate = input.internalDate ? new Date(input.internalDate) : new Date();
    const meta = appendedMeta(input, input.raw);
    const target = this.#targetKeys(runId, address, folder);
    const messageId = this.#newIds.message();
    const [id, seq, uid, mailboxId] = (await this.#script(
      "smAppend",
      runId,
      (fresh) => [
        address,
        folder,
        input.raw,
        encodeMeta(meta),
        input.envelope ? JSON.stringify(input.envelope) : "",
        joinFlags(flags),
        internalDate.getTime(),
        messageId,
        fresh || target.length === 0 ? this.#targetIds(folder) : "",
        JSON.stringify(recipientKeys(meta.summary, input.envelope)),
      ],
      target,
      undefined,
    )) as [string, number, number, string];
    this.#learnTarget(runId, address, folder, String(mailboxId));
    const msg: StoredMessage = {
      id: String(id),
      runId,
      seq: Number(seq),
      mailboxId: String(mailboxId),
      address,
      mailbox: folder,
      uid: Number(uid),
      flags,
      modSeq: Number(seq),
      internalDate,
      size: input.raw.length,
      summary: meta.summary,
      mime: meta.mime,
    };
    if (input.envelope) msg.envelope = input.envelope;
    if (meta.auth) msg.auth = meta.auth;
    return msg;
  }

  async appendDelivery(runId: string, input: DeliveryInput): Promise<StoredMessage[]> {
    const copies = checkDelivery(input);
    const keys = this.#keys(runId);
    const deadline = Date.now() + this.#commitWaitMs;
    // A large body goes ahead of the script, a slice per command (upload.ts); the script takes it
    // from there. Its key outlives every retry of the script and then expires: a delivery that never
    // ran leaves nothing, and one that ran took the body into the message and deleted the key.
    const uploaded = input.body.length > UPLOAD_ABOVE_BYTES;
    // A single copy's head is joined to the body here rather than in the script: a string the
    // script makes costs redis-server a hash of every byte (lua/messages.ts APPEND_DELIVERY). In
    // the room in front of the body when it has one (head-room.ts), rather than in a copy.
    const joined = !uploaded && copies.length === 1 ? copies[0] : undefined;
    // The script's arguments (scripts.ts: 4 for the delivery, then 10 per copy), built once in one
    // pass over the copies before anything is sent: every delivery pays for this glue, so it keeps
    // to one array and one record per copy (the retries and need_keys rounds reuse them).
    const args: Arg[] = [
      input.deliveryId,
      deadline,
      // The message's bytes as they are: the delivery's command is written as bytes
      // (command-bytes.ts), not joined as a string.
      uploaded
        ? ""
        : joined
          ? (prependInRoom(joined.head, input.body) ?? Buffer.concat([joined.head, input.body]))
          : input.body,
      uploaded ? "1" : "",
    ];
    const targets: DeliveryTarget[] = [];
    const known: string[] = [];
    let bodyTree: MimeNode | undefined;
    for (const copy of copies) {
      const address = checkAddress(copy.address);
      const folder = normalizeMailboxName(copy.mailbox ?? "INBOX");
      const flags = normalizeFlags(copy.flags);
      const internalDate = copy.internalDate ? new Date(copy.internalDate) : new Date();
      // A tree left to the store is built by the first reader of a small message (lazy-mime.ts);
      // a large one's now, so that no reader has to pull its bytes to list it: from the body, once
      // for all copies (a copy's head only moves it along), never joining head and body to index them.
      let meta = copy.meta;
      if (meta.mime === undefined && copy.head.length + input.body.length > LAZY_MIME_MAX_BYTES) {
        bodyTree ??= appendedMeta(copy, input.body).mime;
        meta = { ...meta, mime: treeAfterPrepend(bodyTree, copy.head.length) };
      }
      const hinted = this.#targetKeys(runId, address, folder);
      for (const key of hinted) known.push(key);
      targets.push({ address, folder, flags, internalDate, meta });
      args.push(
        address,
        folder,
        joined ? "" : copy.head,
        encodeMeta(meta),
        copy.envelope ? JSON.stringify(copy.envelope) : "",
        joinFlags(flags),
        internalDate.getTime(),
        this.#newIds.message(),
        hinted.length === 0 ? this.#targetIds(folder) : "",
        JSON.stringify(recipientKeys(copy.meta.summary, copy.envelope)),
      );
    }
    if (uploaded) {
      const ttl = this.#commitWaitMs + COMMIT_GRACE_MS + UPLOAD_SLACK_MS;
      await this.#exec(() => uploadInSlices(this.#redis, keys.upload(input.deliveryId), input.body, ttl));
    }
    // need_ids (the script found a copy's address or folder not made, which this process thought
    // it knew) asks again with ids for every copy's new mailboxes.
    const argsFor = (fresh: boolean): Arg[] => {
      if (!fresh) return args;
      const out = args.slice();
      targets.forEach((t, i) => {
        out[DELIVERY_ARGS + COPY_ARGS * i + COPY_IDS_ARG] = this.#targetIds(t.folder);
      });
      return out;
    };
    let bytes = 0;
    for (const copy of copies) bytes += copy.head.length + input.body.length;
    const rows = await this.#commit(keys, runId, argsFor, known, deadline, bytes);
    const out: StoredMessage[] = [];
    for (let i = 0; i < rows.length; i++) {
      const [id, seq, uid, rowMailbox] = rows[i] as DeliveryRow;
      const copy = copies[i] as DeliveryCopy;
      const t = targets[i] as DeliveryTarget;
      const mailboxId = String(rowMailbox);
      // Remembered (and its recency kept) for the next delivery to this address and folder.
      this.#learnTarget(runId, t.address, t.folder, mailboxId);
      let mime = t.meta.mime;
      const msg: StoredMessage = {
        id: String(id),
        runId,
        seq: Number(seq),
        mailboxId,
        address: t.address,
        mailbox: t.folder,
        uid: Number(uid),
        flags: t.flags,
        modSeq: Number(seq),
        internalDate: t.internalDate,
        size: copy.head.length + input.body.length,
        summary: copy.meta.summary,
        // Built only if the caller reads it, with the caller's indexer, as the memory store does.
        get mime() {
          mime ??= appendedMeta(copy, Buffer.concat([copy.head, input.body])).mime;
          return mime;
        },
      };
      if (copy.envelope) msg.envelope = copy.envelope;
      if (copy.meta.auth) msg.auth = copy.meta.auth;
      out.push(msg);
    }
    return out;
  }

  /**
   * Runs the delivery script until its outcome is known. A failure that may have happened after
   * the script ran (a timeout, a connection lost, a replica that has not acknowledged) is retried
   * with the same delivery id, which answers the first run's result without storing twice.
   */
  async #commit(
    keys: RunKeys,
    runId: string,
    args: (fresh: boolean) => Arg[],
    extra: readonly string[],
    deadline: number,
    /** The bytes it stores (every copy's message), which bound the group it goes in. */
    bytes: number,
  ): Promise<DeliveryRow[]> {
    let maybeStored = false;
    let lastError: unknown;
    for (let attempt = 1; ; attempt++) {
      try {
        if (this.#redis.status !== "ready") await this.#ready(this.#waitMs);
        // A need_keys or need_ids answer stored nothing: asked again at once with what it wants.
        // The run's deliveries go one call at a time, those that came meanwhile together
        // (delivery-group.ts); each answer is this delivery's own.
        return await this.#withKeys(
          "smAppendDelivery",
          keys,
          runId,
          extra,
          undefined,
          // The group's promise as it is: no async function, no await more (#sendGroup).
          (declared, fresh) =>
            this.#groups.deliver(runId, {
              args: args(fresh),
              extra: declared,
              bytes,
            }) as Promise<DeliveryRow[]>,
        );
      } catch (err) {
        const outcome = commitOutcome(err);
        if (outcome === "refused") throw toStoreError(err);
        if (outcome === "expired" || (outcome === "not-run" && !maybeStored)) {
          throw new SandmailError("store_unavailable", `delivery not stored: ${errorText(err)}`);
        }
        if (outcome === "unknown") maybeStored = true;
        lastError = err;
      }
      if (Date.now() >= deadline + COMMIT_GRACE_MS) {
        throw new SandmailError(
          "store_unavailable",
          `delivery not stored: no answer from Redis for ${this.#commitWaitMs} ms (${errorText(lastError)})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(50 * attempt, 500)));
    }
  }

  /**
   * One call for a group of a run's deliveries (DeliveryGroups): per delivery its rows or its
   * failure. Not an async function: no await more between the call's answer and the group's
   * (LibraryLoader.retry); a failure before it is sent rejects.
   */
  #sendGroup(runId: string, group: readonly GroupedDelivery[]): Promise<readonly unknown[]> {
    let call: Arg[];
    try {
      const args: Arg[] = [];
      const extra: string[] = [];
      for (const d of group) {
        args.push(d.args.length);
        for (const a of d.args) args.push(a);
        for (const k of d.extra) extra.push(k);
      }
      call = scriptCall("smAppendDelivery", this.#keys(runId), runId, args, extra);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.#waitReplicas === 0) {
      return this.#scripts.fns
        .smAppendDelivery(call)
        .then((answers) => (answers as unknown[]).map(groupAnswer));
    }
    return this.#sendAcknowledged(call);
  }

  /** A group's call and a WAIT for the replicas: a delivery they have not acknowledged fails. */
  async #sendAcknowledged(call: readonly Arg[]): Promise<readonly unknown[]> {
    // One pipeline: on a cluster it goes to the master that owns the run, which is where WAIT
    // must ask. Its script error is thrown, so that retry loads a library Redis lost and runs it
    // again.
    const [[, answers] = [null, null], [waitErr, acked] = [null, 0]] = await this.#scripts.retry(async () => {
      const pipeline = this.#redis.pipeline();
      this.#scripts.queue(pipeline, "smAppendDelivery", call);
      pipeline.wait(this.#waitReplicas, this.#replicaWaitMs);
      const replies = (await pipeline.exec()) ?? [];
      if (replies[0]?.[0]) throw replies[0][0];
      return replies;
    });
    let pending: ReplicationPending | undefined;
    if (waitErr) pending = new ReplicationPending(waitErr.message);
    else if (Number(acked) < this.#waitReplicas) {
      pending = new ReplicationPending(`${Number(acked)} of ${this.#waitReplicas} replicas acknowledged`);
    }
    // A delivery the script refused stored nothing, acknowledged or not.
    return (answers as unknown[])
      .map(groupAnswer)
      .map((a) => (pending && typeof a !== "string" ? pending : a));
  }

  async getMessage(runId: string, messageId: string): Promise<StoredMessage | undefined> {
    const [msg] = await this.getMessages(runId, [messageId]);
    return msg;
  }

  async getMessages(runId: string, messageIds: string[]): Promise<Array<StoredMessage | undefined>> {
    const ids = checkIds(messageIds);
    const known = this.#messages.incarnation(runId);
    // Cached messages are read light: only what can change travels.
    const cached = ids.map((id) => (known === undefined ? undefined : this.#messages.get(runId, id)));
    let read = await this.#readMessages(runId, ids, cached);
    if (known !== undefined && read.incarnation !== known) {
      // The run was created again: what is cached is another message's. Read them whole.
      this.#messages.seen(runId, read.incarnation);
      read = await this.#readMessages(
        runId,
        ids,
        ids.map(() => undefined),
      );
    }
    this.#messages.seen(runId, read.incarnation);
    return read.messages;
  }

  async messageParts(runId: string, messageIds: string[]): Promise<Array<MessageParts | undefined>> {
    const ids = checkIds(messageIds);
    const known = this.#messages.incarnation(runId) !== undefined;
    // Cached parts need no round trip: they never change, and the caller knows the rest.
    const out: Array<MessageParts | undefined> = ids.map((id) => {
      const parts = known ? this.#messages.get(runId, id) : undefined;
      return parts && partsOf(id, parts);
    });
    const missing = ids.flatMap((id, i) => (out[i] === undefined ? [id] : []));
    if (missing.length > 0) {
      const read = await this.getMessages(runId, missing);
      let j = 0;
      for (let i = 0; i < ids.length; i++) if (out[i] === undefined) out[i] = read[j++];
    }
    return out;
  }

  async #readMessages(runId: string, ids: string[], cached: Array<FixedParts | undefined>) {
    const light = cached.map((parts) => (parts ? "1" : "0")).join("");
    // Messages are mostly read a mailbox at a time (IMAP FETCH, SEARCH): name the mailbox where
    // the first cached one was, so the script reads them all from its flag lines at once.
    const hint = cached.find((parts) => parts?.lastMailboxId !== undefined)?.lastMailboxId;
    const reply = await this.#script(
      "smGetMessages",
      runId,
      [`${hint ?? ""} ${light}`, ...ids],
      this.#cachedMailboxKeys(runId, ids),
    );
    // Parts without their tree are cached only once it is built, so no reader meets them.
    const treeless: Array<[id: string, parts: FixedParts, metaBytes: number]> = [];
    const read = decodeMessages(runId, ids, reply, cached, hint, (id, parts, metaBytes) => {
      if (parts.mime !== undefined) return this.#messages.put(runId, id, parts, metaBytes);
      treeless.push([id, parts, metaBytes]);
      return parts;
    });
    if (treeless.length === 0) return read;
    const built = await this.#buildTrees(
      runId,
      treeless.map(([id]) => id),
      read.incarnation,
    );
    for (const [id, parts, metaBytes] of treeless) {
      const tree = built.get(id);
      if (!tree) continue;
      parts.mime = tree.mime;
      parts.raw = tree.raw;
      this.#messages.put(runId, id, parts, metaBytes);
    }
    return { incarnation: read.incarnation, messages: withTrees(read.messages, built) };
  }

  /**
   * The trees of messages stored without one (lazy-mime.ts), built from their bytes, read in one
   * round trip; then kept in Redis for other readers, not waited for. A message missing from the
   * answer is gone (deleted meanwhile, or its run created again since `incarnation`).
   */
  async #buildTrees(
    runId: string,
    ids: string[],
    incarnation: string | undefined,
  ): Promise<Map<string, { mime: MimeNode; raw: Buffer }>> {
    const keys = this.#keys(runId);
    const results = await this.#exec(() => {
      const pipeline = this.#redis.pipeline().hmget(keys.run, "createdAt", "token");
      for (const id of ids) pipeline.hgetBuffer(keys.message(id), "raw");
      return pipeline.exec();
    });
    const [[runErr, run] = [], ...raws] = results ?? [];
    if (runErr) throw toStoreError(runErr);
    const [createdAt, token] = (run ?? []) as Array<string | null>;
    if (!createdAt || !token) throw new SandmailError("run_not_found", `run ${runId} not found`);
    const built = new Map<string, { mime: MimeNode; raw: Buffer }>();
    const now = `${createdAt}:${token}`;
    if (incarnation !== undefined && now !== incarnation) return built;
    const keep: string[] = [];
    ids.forEach((id, i) => {
      const [err, raw] = raws[i] ?? [];
      if (err) throw toStoreError(err);
      if (!Buffer.isBuffer(raw) || built.has(id)) return;
      const mime = mimeFromRaw(raw);
      built.set(id, { mime, raw });
      keep.push(id, JSON.stringify(mime));
    });
    // Only saves later readers the work: losing it (Redis away, this store closing) costs nothing.
    if (keep.length > 0) this.#script("smSetMime", runId, [now, ...keep]).catch(() => {});
    return built;
  }

  async getRaw(runId: string, messageId: string): Promise<Buffer | undefined> {
    const keys = this.#keys(runId);
    const id = String(messageId);
    const known = this.#messages.incarnation(runId);
    const cached = known === undefined ? undefined : this.#messages.get(runId, id)?.raw;
    // Cached bytes never change; only whether the message still exists has to be asked, for all
    // the messages asked for in the same tick (a FETCH batch) at once.
    if (cached) {
      const [incarnation, exists] = await this.#existing.ask(runId, id);
      if (incarnation === known) return exists ? cached : undefined;
      this.#messages.seen(runId, incarnation);
    }
    const results = await this.#exec(() =>
      this.#redis
        .pipeline()
        .hmget(keys.run, "createdAt", "token")
        .hmgetBuffer(keys.message(id), "raw", "rawn")
        .exec(),
    );
    const [[runErr, run] = [], [rawErr, fields] = []] = results ?? [];
    if (runErr || rawErr) throw toStoreError(runErr ?? rawErr);
    const [createdAt, token] = (run ?? []) as Array<string | null>;
    if (!createdAt || !token) throw new SandmailError("run_not_found", `run ${runId} not found`);
    this.#messages.seen(runId, `${createdAt}:${token}`);
    const [whole, rawn] = (fields ?? []) as Array<Buffer | null>;
    // A large message's bytes are in fields of a MiB (raw-fields.ts), read in a second round trip.
    const raw = rawn
      ? await joinRaw(
          await this.#exec(() => this.#redis.hmgetBuffer(keys.message(id), ...rawFields(Number(rawn)))),
        )
      : whole;
    if (!Buffer.isBuffer(raw)) return undefined;
    this.#messages.putRaw(runId, id, raw);
    return raw;
  }

  async listMessages(runId: string, query: MessageQuery = {}): Promise<StoredMessage[]> {
    const limit = query.limit === undefined ? -1 : Math.max(0, Math.floor(query.limit));
    const rows = (await this.#script("smListMessages", runId, [
      query.address === undefined ? "" : checkAddress(query.address),
      query.mailboxId === undefined ? "" : String(query.mailboxId),
      bound(query.afterSeq, -1),
      bound(query.beforeSeq, MAX_SEQ),
      limit,
      query.order === "asc" ? "asc" : "desc",
      query.recipient === undefined ? "" : `=${query.recipient.toLowerCase()}`,
    ])) as unknown[];
    const messages = rows
      .map((row) => decodeMessage(runId, row))
      .filter((m): m is StoredMessage => m !== undefined);
    const treeless = messages.flatMap((m) => (m.mime === undefined ? [m.id] : []));
    if (treeless.length === 0) return messages;
    const built = await this.#buildTrees(runId, treeless, undefined);
    return withTrees(messages, built).filter((m): m is StoredMessage => m !== undefined);
  }

  async scanMessages(runId: string, query: ScanQuery, test: ScanTest, options: ScanOptions = {}) {
    // The reads come a page per round trip already: one page per call.
    return pagedScan((q) => this.listMessages(runId, q), query, test, scanLimit(options.limit));
  }

  async mailboxIndex(runId: string, mailboxId: string): Promise<UidColumns> {
    const id = String(mailboxId);
    const held = this.#indexes.version(runId, id);
    let [version, body] = (await this.#script("smMailboxIndex", runId, [id, held])) as [string, unknown?];
    if (body === undefined) {
      const index = this.#indexes.get(runId, id, String(version));
      if (index) return index;
      // Dropped meanwhile (memory bound): read it whole.
      [version, body] = (await this.#script("smMailboxIndex", runId, [id, ""])) as [string, unknown];
    }
    const index = decodeIndex(body);
    this.#indexes.put(runId, id, String(version), index);
    return index;
  }

  async expungedSince(runId: string, mailboxId: string, sinceModSeq: number): Promise<ExpungedUids> {
    const since = String(checkModSeq(sinceModSeq));
    const [floor, ...uids] = (await this.#script("smExpungedSince", runId, [
      String(mailboxId),
      since,
    ])) as string[];
    return { uids: uids.map(Number).sort((a, b) => a - b), floor: Number(floor) };
  }

  async updateFlags(
    runId: string,
    messageIds: string[],
    input: UpdateFlagsInput,
  ): Promise<UpdateFlagsResult> {
    const flags = normalizeFlags(input?.flags);
    if (!FLAG_OPS.has(input.op))
      throw new SandmailError("invalid_request", `unknown flag operation: ${input.op}`);
    const since = input.unchangedSince;
    if (since !== undefined && !Number.isFinite(since)) {
      throw new SandmailError("invalid_request", "unchangedSince must be a number");
    }
    const ids = checkIds(messageIds);
    const [updated, conflicts] = (await this.#script(
      "smUpdateFlags",
      runId,
      [input.op, joinFlags(flags), since === undefined ? "" : Math.floor(since), ...ids],
      this.#cachedMailboxKeys(runId, ids),
    )) as [Array<[string, number, string, number]>, string[]];
    return {
      updated: updated.map(([messageId, uid, f, modSeq]) => ({
        messageId: String(messageId),
        uid: Number(uid),
        flags: splitFlags(f),
        modSeq: Number(modSeq),
      })),
      conflicts: conflicts.map(String),
    };
  }

  async copyMessages(runId: string, messageIds: string[], destMailboxId: string): Promise<CopyResult> {
    const ids = checkIds(messageIds);
    const newIds = ids.map(() => this.#newIds.message()).join(" ");
    return decodeCopy(await this.#script("smCopy", runId, [String(destMailboxId), newIds, ...ids]));
  }

  async moveMessages(runId: string, messageIds: string[], destMailboxId: string): Promise<CopyResult> {
    const ids = checkIds(messageIds);
    return decodeCopy(
      await this.#script(
        "smMove",
        runId,
        [String(destMailboxId), ...ids],
        this.#cachedMailboxKeys(runId, ids),
      ),
    );
  }

  async deleteMessages(runId: string, messageIds: string[]): Promise<number> {
    const ids = checkIds(messageIds);
    return Number(await this.#script("smDeleteMessages", runId, ids, this.#cachedMailboxKeys(runId, ids)));
  }

  async claimRecent(runId: string, mailboxId: string, upToUid?: number): Promise<number> {
    const limit = upToUid === undefined ? "" : String(Math.max(0, Math.floor(Number(upToUid) || 0)));
    return Number(await this.#script("smClaimRecent", runId, [String(mailboxId), limit]));
  }

  async currentSeq(runId: string): Promise<number> {
    const keys = this.#keys(runId);
    const seq = await this.#exec(() => this.#redis.hget(keys.run, "seq"));
    if (seq === null) throw new SandmailError("run_not_found", `run ${runId} not found`);
    return Number(seq);
  }

  async eventsSince(runId: string, afterSeq: number, limit?: number): Promise<StoreEvent[]> {
    const n = limit === undefined ? -1 : Math.max(0, Math.floor(limit));
    const after = Number.isFinite(afterSeq) ? Math.floor(afterSeq) : 0;
    if (n === 0) {
      await this.currentSeq(runId);
      return [];
    }
    const rows = (await this.#script("smEventsSince", runId, [after, n])) as string[];
    return rows.map(decodeEvent);
  }

  async subscribe(runId: string, listener: StoreListener): Promise<() => void> {
    if (typeof listener !== "function")
      throw new SandmailError("invalid_request", "listener must be a function");
    await this.currentSeq(runId);
    try {
      return await this.#subscriptions.add(this.#keys(runId).channel, listener);
    } catch (err) {
      throw toStoreError(err);
    }
  }

  async setDnsRecords(runId: string, records: DnsRecord[]): Promise<void> {
    this.#runCache.forgetPart(runId, "dns");
    try {
      await this.#script("smSetDns", runId, [JSON.stringify(normalizeDnsRecords(records))]);
    } finally {
      this.#runCache.forgetPart(runId, "dns");
    }
  }

  async getDnsRecords(runId: string): Promise<DnsRecord[]> {
    return this.#runCache.dns(runId, async () => {
      const json = await this.#script("smGetDns", runId, []);
      return json ? (JSON.parse(String(json)) as DnsRecord[]) : [];
    });
  }

  async setFaults(runId: string, rules: FaultRule[]): Promise<FaultRuleState[]> {
    const kept = keptFaultRules(rules);
    const perRule = kept.flatMap((r) => [r.count ?? "", r.probability ?? "", rngStartOf(r)]);
    this.#runCache.forgetPart(runId, "faults");
    try {
      await this.#script("smSetFaults", runId, [kept.length ? JSON.stringify(kept) : "", ...perRule]);
    } finally {
      this.#runCache.forgetPart(runId, "faults");
    }
    return kept.map((rule) => ({ ...rule, remaining: rule.count ?? null, fired: 0 }));
  }

  async getFaults(runId: string): Promise<FaultRuleState[]> {
    const stored = await this.#loadFaults(runId);
    if (!stored) return [];
    return stored.active.rules.map((rule, i) => ({
      ...rule,
      remaining: rule.count === undefined ? null : Number(stored.fields.get(`rem:${i}`) ?? 0),
      fired: Number(stored.fields.get(`fired:${i}`) ?? 0),
    }));
  }

  async activeFaults(runId: string): Promise<ActiveFaults | undefined> {
    if (!validRunId(runId)) return undefined;
    try {
      return await this.#runCache.faults(runId, async () => (await this.#loadFaults(runId))?.active);
    } catch (err) {
      // A run that is gone has no rules, as in the memory store.
      if (err instanceof SandmailError && err.code === "run_not_found") return undefined;
      throw err;
    }
  }

  async fireFault(runId: string, generation: number, index: number): Promise<boolean> {
    return (await this.#script("smFireFault", runId, [generation, index])) === 1;
  }

  async greylistAttempt(runId: string, generation: number, index: number, key: string): Promise<number> {
    return Number(await this.#script("smGreylistAttempt", runId, [generation, index, key, GREYLIST_KEPT]));
  }

  async #loadFaults(
    runId: string,
  ): Promise<{ active: ActiveFaults; fields: Map<string, string> } | undefined> {
    const flat = (await this.#script("smGetFaults", runId, [])) as string[];
    const fields = new Map<string, string>();
    for (let i = 0; i + 1 < flat.length; i += 2) fields.set(String(flat[i]), String(flat[i + 1]));
    const rules = fields.get("rules");
    if (!rules) return undefined;
    return {
      active: { generation: Number(fields.get("gen")), rules: JSON.parse(rules) as FaultRule[] },
      fields,
    };
  }

  async addSession(runId: string, session: SessionTranscript, limits: TranscriptLimits): Promise<void> {
    checkSession(session, limits);
    await this.#script("smAddSession", runId, [
      session.id,
      JSON.stringify(summaryOf(session)),
      JSON.stringify(session),
      session.bytes,
      limits.maxSessions,
      limits.maxBytes,
    ]);
  }

  async listSessions(runId: string): Promise<SessionSummary[]> {
    const rows = (await this.#script("smListSessions", runId, [])) as string[];
    return rows.map((row) => JSON.parse(String(row)) as SessionSummary);
  }

  async getSession(runId: string, sessionId: string): Promise<SessionTranscript | undefined> {
    if (typeof sessionId !== "string") return undefined;
    const json = await this.#script("smGetSession", runId, [sessionId]);
    return json ? (JSON.parse(String(json)) as SessionTranscript) : undefined;
  }

  /**
   * Checks the server answers; the first that succeeds also loads the scripts' library, so a
   * process fails at start on a Redis without functions (older than 7.0).
   */
  async ping(): Promise<void> {
    await this.#exec(() => this.#redis.ping());
    if (this.#libraryLoaded) return;
    await this.#exec(() => this.#scripts.load());
    this.#libraryLoaded = true;
  }

  async close(): Promise<void> {
    clearInterval(this.#drainTimer);
    this.#drainer.close();
    this.#runCache.clear();
    await this.#subscriptions.close();
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }

  async #readyOrThrow(ms: number): Promise<void> {
    await this.#ready(ms);
  }

  async #exec<T>(fn: () => Promise<T>): Promise<T> {
    try {
      await this.#ready(this.#waitMs);
      return await fn();
    } catch (err) {
      throw toStoreError(err);
    }
  }

  /**
   * Runs a script, declaring besides the keys its arguments name the `extra` ones the caller
   * expects it to need and those it needed last time for this `hint`. A script that finds more
   * in the data fails with need_keys before touching them; it runs again with them declared.
   */
  #script(
    name: ScriptName,
    runId: string,
    args: Arg[] | ((fresh: boolean) => Arg[]),
    extra: readonly string[] = [],
    hint: string | undefined = "",
  ): Promise<unknown> {
    const keys = this.#keys(runId);
    return this.#exec(() =>
      this.#withKeys(name, keys, runId, extra, hint, (declared, fresh) =>
        this.#scripts.fns[name](
          scriptCall(name, keys, runId, typeof args === "function" ? args(fresh) : args, declared),
        ),
      ),
    );
  }

  /**
   * Calls `call` until the script has every key it needs declared: those of `extra`, those it
   * asked for under `hint` before (none remembered when `hint` is undefined), and those it asks
   * for now (need_keys). `fresh` turns true when the script wanted ids for an address's new
   * folders that the caller, believing the address known, left out (need_ids).
   */
  async #withKeys<T>(
    name: ScriptName,
    keys: RunKeys,
    runId: string,
    extra: readonly string[],
    hint: string | undefined,
    call: (declared: readonly string[], fresh: boolean) => Promise<T>,
  ): Promise<T> {
    // Never changed in place: a round that needs more keys makes a new list.
    let declared = hint === undefined ? extra : [...extra, ...this.#keyHints.get(runId, name, hint)];
    let fresh = false;
    for (let round = 1; ; round++) {
      try {
        return await call(declared, fresh);
      } catch (err) {
        const more = neededKeys(err, keys);
        const needIds = more === undefined && /^need_ids\b/.test(err instanceof Error ? err.message : "");
        if (more === undefined && !needIds) throw err;
        if (round >= KEY_ROUNDS) {
          throw new SandmailError("store_unavailable", `${name}: its keys kept changing under it`);
        }
        if (needIds) fresh = true;
        if (more !== undefined) {
          if (hint !== undefined) this.#keyHints.add(runId, name, hint, more);
          declared = [...declared, ...more];
        }
      }
    }
  }

  /** The keys of the mailbox a copy for (address, folder) went to last, if this process knows it. */
  #targetKeys(runId: string, address: string, folder: string): string[] {
    return this.#keyHints.get(runId, "target", targetHint(address, folder));
  }

  #learnTarget(runId: string, address: string, folder: string, mailboxId: string): void {
    this.#keyHints.add(runId, "target", targetHint(address, folder), this.#keys(runId).mailbox(mailboxId));
  }

  /** Ids for an address's default folders, should the script find them not made. */
  #inboxIds(): string {
    return Array.from({ length: DEFAULT_FOLDERS }, () => this.#newIds.mailbox()).join(" ");
  }

  /**
   * Ids for what a copy to `folder` may have to make (lua/messages.ts plan_target): a new
   * address's INBOX, and the folder itself when it is another default folder not made yet.
   */
  #targetIds(folder: string): string {
    if (folder === "INBOX") return this.#newIds.mailbox();
    if (!DefaultFolders.some((f) => f.name === folder)) return "";
    return `${this.#newIds.mailbox()} ${this.#newIds.mailbox()}`;
  }

  /** The keys of the mailboxes the messages were last seen in (message-cache.ts), as hints. */
  #cachedMailboxKeys(runId: string, ids: readonly string[]): string[] {
    const keys = this.#keys(runId);
    const known = new Set<string>();
    for (const id of ids) {
      const mailboxId = this.#messages.get(runId, id)?.lastMailboxId;
      if (mailboxId !== undefined) known.add(mailboxId);
    }
    return [...known].flatMap((id) => keys.mailbox(id));
  }

  /**
   * Every live run's id scored by its expiry, for listRuns. It lives outside the runs' hash tags
   * (so in another cluster slot than any run): written beside the run's own script, not inside it,
   * and trimmed of expired runs when read. Runs created before it existed are not listed.
   */
  get #runRegistry(): string {
    return `${this.#prefix}runs`;
  }

  #keys(runId: string): RunKeys {
    // The last run's again: its key names are made once (keys.ts), and calls mostly come for one run.
    if (this.#lastKeys?.runId === runId) return this.#lastKeys;
    if (!validRunId(runId)) throw new SandmailError("run_not_found", `run ${String(runId)} not found`);
    this.#lastKeys = new RunKeys(this.#prefix, runId);
    return this.#lastKeys;
  }

  async #mailboxAfterChange(runId: string, mailboxId: string): Promise<Mailbox> {
    const mb = await this.getMailboxById(runId, mailboxId);
    if (!mb) throw new SandmailError("mailbox_not_found", `no mailbox ${mailboxId}`);
    return mb;
  }
}

type DeliveryRow = [string, number, number, string];

/** The delivery script's arguments (scripts.ts): 4 for the delivery, then 10 per copy, the 9th the new folders' ids. */
const DELIVERY_ARGS = 4;
const COPY_ARGS = 10;
const COPY_IDS_ARG = 8;

/** A delivery's copy, checked, with what its result needs. */
interface DeliveryTarget {
  address: string;
  folder: string;
  flags: string[];
  internalDate: Date;
  meta: DeliveryCopy["meta"];
}

/** The key hint of a copy's target mailbox: the mailbox (address, folder) went to last. */
function targetHint(address: string, folder: string): string {
  return `${address}\0${folder}`;
}

/** INBOX, Sent, Drafts, Trash, Junk and Archive: what a new address gets (lua/common.ts). */
const DEFAULT_FOLDERS = 6;

/** Stored on the master, not yet on enough replicas: retried like any unknown outcome. */
class ReplicationPending extends Error {
  override name = "ReplicationPending";
}

/** Messages with the trees `#buildTrees` built put in; one left without a tree was gone. */
function withTrees(
  messages: Array<StoredMessage | undefined>,
  built: ReadonlyMap<string, { mime: MimeNode }>,
): Array<StoredMessage | undefined> {
  return messages.map((m) => {
    if (m === undefined || m.mime !== undefined) return m;
    const tree = built.get(m.id);
    if (!tree) return undefined;
    m.mime = tree.mime;
    return m;
  });
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function validRunId(runId: string): boolean {
  return typeof runId === "string" && RUN_ID_PATTERN.test(runId);
}

function bound(value: number | undefined, fallback: number): number {
  return value === undefined || !Number.isFinite(value) ? fallback : Math.floor(value);
}

function decodeCopy(reply: unknown): CopyResult {
  const [uidValidity, rows] = reply as [number, Array<[string, number, string, number]>];
  return {
    uidValidity: Number(uidValidity),
    mapping: rows.map(([messageId, uid, newMessageId, newUid]) => ({
      messageId: String(messageId),
      uid: Number(uid),
      newMessageId: String(newMessageId),
      newUid: Number(newUid),
    })),
  };
}
