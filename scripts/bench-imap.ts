/**
 * IMAP read throughput, as a mail client sees it: 10,000 varied messages are appended to INBOX
 * (pipelined APPENDs with LITERAL+), then Python's imaplib times four commands over the whole
 * mailbox, each in a fresh session, several times (cold: the first time the server sees the
 * command, caches empty; warm: the best of the runs after it). msg/s = messages / seconds. Runs against sandmail on the
 * MemoryStore and on the RedisStore (server in its own process), and against Dovecot with the
 * same messages when it is installed, with the ratio sandmail/Dovecot.
 */
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDovecotAvailable, startDovecot } from "../services/imap/test/support/dovecot.js";
import { runPython } from "../test/support/python.js";
import { startRedisServer } from "../test/support/redis-server.js";
import { createRun, startServerProcess } from "./lib/server.js";
import { sampleMessage } from "./lib/smtp-load.js";
import { table } from "./lib/stats.js";

interface Command {
  name: string;
  /** Arguments of imaplib's uid() or search(): ["UID", "FETCH", ...] or ["SEARCH", ...]. */
  args: string[];
}

/** Warm figures are the best of these runs: the machine is shared, and a slow run says nothing. */
const WARM_RUNS = 3;

const COMMANDS: Command[] = [
  // Times the SELECT itself (every message's UID and flags), not a command after it.
  { name: "SELECT INBOX", args: ["SELECT"] },
  {
    name: "UID FETCH 1:* (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)",
    args: ["UID", "FETCH", "1:*", "(FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)"],
  },
  { name: "UID FETCH 1:* BODY.PEEK[]", args: ["UID", "FETCH", "1:*", "(BODY.PEEK[])"] },
  { name: "UID SEARCH SUBJECT account", args: ["UID", "SEARCH", "SUBJECT", "account"] },
  { name: "SEARCH TEXT expires", args: ["SEARCH", "TEXT", "expires"] },
];

/**
 * Python side. `append`: reads length-prefixed messages from a file and APPENDs them in
 * pipelined batches with non-synchronizing literals (both servers offer LITERAL+), checking every
 * tagged reply. `time`: one command in a fresh session; prints seconds and the number of results.
 */
const PYTHON = String.raw`
import imaplib, json, re, sys, time
mode, host, port, user, password = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
m = imaplib.IMAP4(host, port)
m.login(user, password)
if mode == "append":
    data = open(sys.argv[6], "rb").read()
    msgs, pos = [], 0
    while pos < len(data):
        nl = data.index(b"\n", pos)
        n = int(data[pos:nl])
        msgs.append(data[nl + 1:nl + 1 + n])
        pos = nl + 1 + n
    if "LITERAL+" not in m.capabilities:
        sys.exit("server lacks LITERAL+")
    for start in range(0, len(msgs), 200):
        batch = msgs[start:start + 200]
        out = b"".join(b"P%d APPEND INBOX {%d+}\r\n" % (start + i, len(b)) + b + b"\r\n" for i, b in enumerate(batch))
        m.send(out)
        done = 0
        while done < len(batch):
            line = m.readline()
            if line.startswith(b"P"):
                if b" OK " not in line:
                    sys.exit("APPEND failed: " + line.decode("latin1"))
                done += 1
    print(json.dumps({"appended": len(msgs)}))
else:
    args = sys.argv[6:]
    t0 = time.perf_counter()
    typ, data = m.select("INBOX", readonly=True)
    exists = int(data[0])
    if args[0] == "SELECT":
        print(json.dumps({"seconds": time.perf_counter() - t0, "results": exists, "exists": exists}))
        m.logout()
        sys.exit(0)
    t0 = time.perf_counter()
    if args[0] == "UID":
        typ, data = m.uid(*args[1:])
    else:
        typ, data = m.search(None, *args[1:])
    seconds = time.perf_counter() - t0
    if typ != "OK":
        sys.exit("command failed: %r" % data)
    if args[1 if args[0] == "UID" else 0] == "SEARCH":
        results = len(data[0].split())
    else:
        # One FETCH response starts "<seq> (", whatever literals split it into.
        heads = [d[0] if isinstance(d, tuple) else d for d in data]
        results = sum(1 for h in heads if re.match(rb"\d+ \(", h))
    print(json.dumps({"seconds": seconds, "results": results, "exists": exists}))
m.logout()
`;

/** Varied mail: mostly transactional multipart/alternative, every 8th one of the IMAP fixtures. */
function messages(count: number, to: string): Buffer[] {
  const dir = new URL("../services/imap/test/fixtures/", import.meta.url);
  const fixtures = readdirSync(dir)
    .filter((f) => f.endsWith(".eml"))
    .sort()
    .map((f) => readFileSync(new URL(f, dir)));
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    out.push(i % 8 === 7 ? fixtures[(i >> 3) % fixtures.length]! : Buffer.from(sampleMessage(i, to)));
  }
  return out;
}

interface Target {
  host: string;
  port: number;
  user: string;
  password: string;
}

async function py(mode: string, target: Target, extra: string[]): Promise<Record<string, number>> {
  const out = await runPython(PYTHON, [
    mode,
    target.host,
    String(target.port),
    target.user,
    target.password,
    ...extra,
  ]);
  return JSON.parse(out) as Record<string, number>;
}

interface Figures {
  cold: number;
  warm: number;
  results: number;
}

async function measure(target: Target, file: string, count: number): Promise<Map<string, Figures>> {
  const appended = await py("append", target, [file]);
  if (appended.appended !== count) throw new Error(`appended ${appended.appended} of ${count}`);
  const out = new Map<string, Figures>();
  for (const command of COMMANDS) {
    const runs: Array<Record<string, number>> = [];
    for (let i = 0; i < 1 + WARM_RUNS; i++) runs.push(await py("time", target, command.args));
    const cold = runs[0]!;
    if (cold.exists !== count)
      throw new Error(`${command.name}: mailbox has ${cold.exists}, expected ${count}`);
    for (const r of runs) {
      if (r.results !== cold.results)
        throw new Error(`${command.name}: ${cold.results} then ${r.results} results`);
    }
    out.set(command.name, {
      cold: count / cold.seconds!,
      warm: count / Math.min(...runs.slice(1).map((r) => r.seconds!)),
      results: cold.results!,
    });
  }
  return out;
}

async function sandmail(store: "memory" | "redis", env: Record<string, string>, file: string, count: number) {
  const server = await startServerProcess({ env: { ...env, SANDMAIL_RUN_MAX_MESSAGES: String(count * 2) } });
  try {
    if (!server.ports.imap) throw new Error("server printed no IMAP port");
    const run = await createRun(server.apiUrl);
    const target = {
      host: "127.0.0.1",
      port: server.ports.imap,
      user: `bench@${run.domain}`,
      password: run.token,
    };
    return await measure(target, file, count);
  } catch (err) {
    throw new Error(`${store}: ${(err as Error).message}`);
  } finally {
    await server.stop();
  }
}

const rate = (n: number | undefined): string => (n === undefined ? "-" : Math.round(n).toLocaleString("en"));

export async function benchImap(options: { quick?: boolean } = {}): Promise<void> {
  const count = options.quick ? 1000 : 10_000;
  const dir = await mkdtemp(join(tmpdir(), "sandmail-bench-imap-"));
  const file = join(dir, "messages");
  const msgs = messages(count, "bench@bench.sandmail.test");
  await writeFile(file, Buffer.concat(msgs.flatMap((m) => [Buffer.from(`${m.length}\n`), m])));
  const redis = await startRedisServer();
  try {
    const results: Record<string, Map<string, Figures>> = {};
    results.memory = await sandmail("memory", {}, file, count);
    results.redis = await sandmail("redis", { REDIS_URL: redis.url }, file, count);
    if (isDovecotAvailable()) {
      const dovecot = await startDovecot();
      try {
        results.dovecot = await measure(dovecot, file, count);
      } finally {
        await dovecot.stop();
      }
    }
    const rows: Array<Record<string, string | number>> = [];
    for (const command of COMMANDS) {
      const dovecot = results.dovecot?.get(command.name);
      for (const store of ["memory", "redis"]) {
        const f = results[store]!.get(command.name)!;
        const row: Record<string, string | number> = {
          command: command.name,
          server: `sandmail ${store}`,
          "cold msg/s": rate(f.cold),
          "warm msg/s": rate(f.warm),
          "warm ms": ((count / f.warm) * 1000).toFixed(1),
          results: f.results,
        };
        // The RedisStore against the MemoryStore in the same run (issue: at least 0.5x).
        row["redis / memory"] = (f.warm / results.memory!.get(command.name)!.warm).toFixed(2);
        if (dovecot) {
          row["warm / dovecot"] = (f.warm / dovecot.warm).toFixed(2);
          if (f.results !== dovecot.results) row.results = `${f.results} (dovecot ${dovecot.results})`;
        }
        rows.push(row);
      }
      if (dovecot) {
        rows.push({
          command: command.name,
          server: "dovecot",
          "cold msg/s": rate(dovecot.cold),
          "warm msg/s": rate(dovecot.warm),
          "warm ms": ((count / dovecot.warm) * 1000).toFixed(1),
          results: dovecot.results,
          "redis / memory": "",
          "warm / dovecot": "1.00",
        });
      }
    }
    console.log(
      `\nIMAP reads over ${count.toLocaleString("en")} messages, Python imaplib, one command per session`,
    );
    console.log(table(rows));
    if (!results.dovecot) console.log("(dovecot is not installed: apt-get install dovecot-imapd to compare)");
  } finally {
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
