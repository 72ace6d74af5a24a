import { SandmailError } from "@sandmail/core";
import { Cluster, type ClusterNode, Redis, type RedisOptions } from "ioredis";

/** One Redis server, or a Redis Cluster behind the same command interface. */
export type RedisConnection = Redis | Cluster;

export interface ConnectionTuning {
  /** Longest a single command may take before it fails (a silent, half-dead connection). */
  commandTimeoutMs: number;
  /** How long a call waits for a (re)connection before failing with `store_unavailable`. */
  connectWaitMs: number;
}

/** A parsed `redis+cluster://[user:password@]host:port,host:port,...` (rediss+cluster:// for TLS). */
interface ClusterUrl {
  nodes: ClusterNode[];
  username?: string;
  password?: string;
  tls: boolean;
}

const CLUSTER_SCHEME = /^(rediss?)\+cluster:\/\/(.*)$/i;

export function isClusterUrl(url: string): boolean {
  return CLUSTER_SCHEME.test(url);
}

/** Throws `invalid_request` for anything that is not a redis://, rediss:// or cluster URL. */
export function checkRedisUrl(url: string): string {
  if (typeof url !== "string") throw new SandmailError("invalid_request", "Redis url missing");
  if (isClusterUrl(url)) {
    parseClusterUrl(url);
    return url;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SandmailError("invalid_request", `invalid Redis url: ${url}`);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new SandmailError(
      "invalid_request",
      `Redis url must start with redis://, rediss:// or redis+cluster://`,
    );
  }
  return url;
}

function parseClusterUrl(url: string): ClusterUrl {
  const [, scheme, rest = ""] = CLUSTER_SCHEME.exec(url) ?? [];
  const at = rest.lastIndexOf("@");
  const auth = at >= 0 ? rest.slice(0, at) : "";
  const hosts = (at >= 0 ? rest.slice(at + 1) : rest).replace(/\/.*$/, "");
  const nodes = hosts
    .split(",")
    .filter((h) => h.length > 0)
    .map((h) => {
      const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(h);
      if (!m) throw new SandmailError("invalid_request", `invalid Redis Cluster node: ${h}`);
      return { host: (m[1] as string).replace(/^\[|\]$/g, ""), port: Number(m[2] ?? 6379) };
    });
  if (nodes.length === 0) throw new SandmailError("invalid_request", "Redis Cluster url names no node");
  const out: ClusterUrl = { nodes, tls: scheme?.toLowerCase() === "rediss" };
  if (auth) {
    const colon = auth.indexOf(":");
    const user = decodeURIComponent(colon >= 0 ? auth.slice(0, colon) : "");
    const password = decodeURIComponent(colon >= 0 ? auth.slice(colon + 1) : auth);
    if (user) out.username = user;
    if (password) out.password = password;
  }
  return out;
}

/**
 * Fail fast instead of queueing: while Redis is away every call rejects within connectWaitMs,
 * so SMTP can answer 451 and readiness can fail; ioredis keeps reconnecting in the background.
 */
export function openConnection(url: string, tuning: ConnectionTuning): RedisConnection {
  const options: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: tuning.commandTimeoutMs,
    connectTimeout: Math.max(1000, tuning.connectWaitMs),
    retryStrategy: (times) => Math.min(50 * times, 500),
    autoResubscribe: true,
    // Calls made in the same tick (an IMAP FETCH reading 256 messages, concurrent SMTP sessions)
    // travel in one pipeline: one round trip instead of one per call.
    enableAutoPipelining: true,
    // A pipeline is joined into one buffer before it is written: the slices of a large body
    // (upload.ts) go out one command at a time, each copied when it is sent, so a turn of the
    // event loop never copies more of them than it has time for.
    autoPipeliningIgnoredCommands: ["setrange"],
  };
  const connection = isClusterUrl(url) ? openCluster(parseClusterUrl(url), options) : new Redis(url, options);
  // Failures surface through the calls that fail; an unhandled 'error' event would crash.
  connection.on("error", () => {});
  return connection;
}

/**
 * A connection for a job queue (BullMQ): unlike the store's, its commands wait through an outage
 * (no per-request retry limit, offline queue on), as BullMQ's blocking reads require.
 */
export function openQueueConnection(url: string): RedisConnection {
  checkRedisUrl(url);
  const options: RedisOptions = {
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(50 * times, 1000),
  };
  const connection = isClusterUrl(url) ? openCluster(parseClusterUrl(url), options) : new Redis(url, options);
  connection.on("error", () => {});
  return connection;
}

function openCluster(url: ClusterUrl, options: RedisOptions): Cluster {
  const {
    enableOfflineQueue,
    retryStrategy: _r,
    enableAutoPipelining,
    autoPipeliningIgnoredCommands,
    ...perNode
  } = options;
  return new Cluster(url.nodes, {
    enableOfflineQueue: enableOfflineQueue ?? false,
    enableAutoPipelining: enableAutoPipelining ?? false,
    autoPipeliningIgnoredCommands: autoPipeliningIgnoredCommands ?? [],
    // Events travel over sharded pub/sub (SSUBSCRIBE): one subscriber connection per master.
    shardedSubscribers: true,
    // A failover moves slots; MOVED and CLUSTERDOWN are retried by the client for a while.
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
    retryDelayOnTryAgain: 100,
    clusterRetryStrategy: (times) => Math.min(100 * times, 1000),
    // A node that comes back (a restarted replica) is reconnected instead of left for dead.
    clusterNodeRetryStrategy: (times) => Math.min(100 * times, 1000),
    slotsRefreshTimeout: 2000,
    slotsRefreshInterval: 2000,
    redisOptions: {
      ...perNode,
      ...(url.username ? { username: url.username } : {}),
      ...(url.password ? { password: url.password } : {}),
      ...(url.tls ? { tls: {} } : {}),
    },
  });
}

const FIRST_CONNECT_WAIT_MS = 10_000;

/** A function that resolves once the connection is ready, or rejects after `ms`. */
export function readyWaiter(redis: RedisConnection): (ms: number) => Promise<void> {
  let pending: Promise<void> | undefined;
  // The first connection (a cluster's included: every node, then its slot map) may take longer
  // than a reconnection should on a busy machine; until it has succeeded once, wait longer.
  let everReady = false;
  redis.once("ready", () => {
    everReady = true;
  });
  return async (waitMs) => {
    const ms = everReady ? waitMs : Math.max(waitMs, FIRST_CONNECT_WAIT_MS);
    if (redis.status === "ready") return;
    if (redis.status === "end") throw new SandmailError("store_unavailable", "Redis connection closed");
    // One shared waiter per outage, so thousands of waiting calls add one listener, not thousands.
    pending ??= new Promise<void>((resolve) => {
      redis.once("ready", () => {
        pending = undefined;
        resolve();
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new SandmailError("store_unavailable", `Redis not reachable (${redis.status})`)),
        ms,
      );
    });
    try {
      await Promise.race([pending, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}
