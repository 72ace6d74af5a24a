/**
 * An IMAP client for live-sync tests that keeps a model of what the server has told it: the
 * sequence-number -> UID map as EXISTS / EXPUNGE / FETCH responses shape it, nothing else. It
 * checks every response against that model as it arrives (a FETCH naming another UID at a
 * number than the one the model holds is a renumbering the client was never told about), and
 * checks RFC 3501 §7.4.1: no EXPUNGE during a non-UID FETCH/STORE/SEARCH, nothing at all
 * while no command is in progress (except in IDLE).
 */
import net from "node:net";
import type { MailStore } from "@sandmail/store";
import { completeResponseLength } from "../../support/imap-response.js";

export interface Reply {
  status: string;
  text: string;
  untagged: string[];
}

const NUMBERED = new Set(["FETCH", "STORE", "SEARCH"]);

export class ModelClient {
  /** Index = seq - 1; undefined: a message the client was told exists but whose UID it has not learned. */
  seqs: Array<number | undefined> = [];
  /** Every rule broken, as text; tests expect it empty. */
  readonly violations: string[] = [];
  /** Untagged responses seen while idling. */
  idleLines: string[] = [];
  flags = new Map<number, string[]>();
  private buf = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  private closed = false;
  private tags = 0;
  private current: { tag: string; name: string; uid: boolean; lines: string[] } | undefined;
  private idling: { tag: string } | undefined;
  private tagged = new Map<string, string>();
  private sawContinuation = false;

  private constructor(
    private readonly socket: net.Socket,
    readonly name: string,
  ) {
    socket.on("data", (chunk: Buffer) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      this.drainResponses();
    });
    const end = () => {
      this.closed = true;
      this.wake();
    };
    socket.on("close", end);
    socket.on("error", end);
  }

  static async open(port: number, user: string, password: string, name = "client"): Promise<ModelClient> {
    const socket = net.connect(port, "127.0.0.1");
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("error", reject);
    });
    const c = new ModelClient(socket, name);
    c.current = { tag: "*greeting*", name: "GREETING", uid: false, lines: [] };
    await c.until(() => c.current!.lines.length > 0, "greeting");
    c.current = undefined;
    await c.ok(`LOGIN "${user}" "${password}"`);
    return c;
  }

  /** SELECT, then learn every UID with a UID FETCH. */
  async select(mailbox = "INBOX", extra = ""): Promise<Reply> {
    this.seqs = [];
    const reply = await this.ok(`SELECT "${mailbox}"${extra}`);
    await this.ok("UID FETCH 1:* (FLAGS)");
    return reply;
  }

  get count(): number {
    return this.seqs.length;
  }

  async ok(line: string): Promise<Reply> {
    const r = await this.command(line);
    if (r.status !== "OK") throw new Error(`${this.name}: ${line.slice(0, 80)} -> ${r.status} ${r.text}`);
    return r;
  }

  /** Sends one command and waits for its tagged reply; untagged responses update the model. */
  async command(line: string): Promise<Reply> {
    const reply = this.send(line);
    return reply;
  }

  /** Sends a command without waiting (for racing two sessions); await the returned promise. */
  send(line: string): Promise<Reply> {
    if (this.current || this.idling) throw new Error(`${this.name}: one command at a time`);
    const tag = `${this.name}${++this.tags}`;
    const words = line.split(" ");
    const uid = words[0]!.toUpperCase() === "UID";
    const cmdName = (uid ? words[1]! : words[0]!).toUpperCase();
    const current = { tag, name: cmdName, uid, lines: [] as string[] };
    this.current = current;
    this.socket.write(`${tag} ${line}\r\n`);
    return this.until(() => this.tagged.has(tag), line).then(() => {
      const text = this.tagged.get(tag)!;
      this.tagged.delete(tag);
      this.current = undefined;
      const status = text.split(" ", 1)[0]!;
      return { status, text, untagged: current.lines };
    });
  }

  async idle(): Promise<void> {
    const tag = `${this.name}${++this.tags}`;
    this.idleLines = [];
    this.sawContinuation = false;
    this.idling = { tag };
    this.socket.write(`${tag} IDLE\r\n`);
    await this.until(() => this.sawContinuation, "IDLE continuation");
  }

  /** Waits while idling until `check` holds over what has arrived. */
  async waitIdle(check: () => boolean, what: string): Promise<void> {
    await this.until(check, what);
  }

  async done(word = "DONE"): Promise<string> {
    const idle = this.idling;
    if (!idle) throw new Error("not idling");
    this.socket.write(`${word}\r\n`);
    await this.until(() => this.tagged.has(idle.tag), "end of IDLE");
    const text = this.tagged.get(idle.tag)!;
    this.tagged.delete(idle.tag);
    this.idling = undefined;
    return text;
  }

  /**
   * Checks the model against the store: after a NOOP (which reports everything), the model holds
   * exactly the mailbox's UIDs, and a non-UID FETCH of each number returns the Message-ID of the
   * message with the UID the model expects there.
   */
  async verify(store: MailStore, runId: string, mailboxId: string): Promise<void> {
    await this.ok("NOOP");
    const index = (await store.mailboxIndex(runId, mailboxId)).entries();
    const wanted = new Map<number, string>();
    const raws = await Promise.all(index.map((e) => store.getRaw(runId, e.messageId)));
    index.forEach((e, i) => {
      const raw = raws[i];
      if (raw) wanted.set(e.uid, headerMessageId(raw.toString("latin1")));
    });
    // Learns the UIDs of messages it was only told exist; checks the ones it knew (in apply).
    if (this.seqs.length > 0) {
      const reply = await this.ok("FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])");
      for (const line of reply.untagged) {
        const m = /^(\d+) FETCH /.exec(line);
        if (!m) continue;
        const seq = Number(m[1]);
        const uid = this.seqs[seq - 1];
        const got = headerMessageId(line);
        if (uid === undefined || !wanted.has(uid)) {
          this.violations.push(`${this.name}: FETCH ${seq} names no message of the store`);
        } else if (wanted.get(uid) !== got) {
          this.violations.push(
            `${this.name}: seq ${seq} (uid ${uid}) returned ${got}, store has ${wanted.get(uid)}`,
          );
        }
      }
    }
    const expected = index.map((e) => e.uid);
    if (JSON.stringify(this.seqs) !== JSON.stringify(expected)) {
      this.violations.push(
        `${this.name}: model ${JSON.stringify(this.seqs)} != store ${JSON.stringify(expected)}`,
      );
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.socket.end("x LOGOUT\r\n");
    await this.until(() => this.closed, "close").catch(() => this.socket.destroy());
  }

  private drainResponses(): void {
    for (;;) {
      const n = completeResponseLength(this.buf);
      if (n === -1) break;
      const response = this.buf.subarray(0, n - 2).toString("latin1");
      this.buf = this.buf.subarray(n);
      this.handle(response);
    }
    this.wake();
  }

  private handle(line: string): void {
    if (line.startsWith("+ ")) {
      this.sawContinuation = true;
      return;
    }
    if (!line.startsWith("* ")) {
      const sp = line.indexOf(" ");
      this.tagged.set(line.slice(0, sp), line.slice(sp + 1));
      return;
    }
    const body = line.slice(2);
    const current = this.current;
    if (!current && !this.idling) {
      if (!/^BYE /.test(body))
        this.violations.push(`${this.name}: unsolicited "${body.slice(0, 60)}" with no command in progress`);
      return;
    }
    if (current) current.lines.push(body);
    else this.idleLines.push(body);
    this.apply(body, current);
  }

  private apply(body: string, current: ModelClient["current"]): void {
    let m = /^(\d+) EXISTS$/.exec(body);
    if (m) {
      const n = Number(m[1]);
      if (n < this.seqs.length) this.violations.push(`${this.name}: EXISTS ${n} below ${this.seqs.length}`);
      while (this.seqs.length < n) this.seqs.push(undefined);
      return;
    }
    m = /^(\d+) EXPUNGE$/.exec(body);
    if (m) {
      const seq = Number(m[1]);
      if (current && !current.uid && NUMBERED.has(current.name))
        this.violations.push(`${this.name}: EXPUNGE during ${current.name}`);
      if (seq < 1 || seq > this.seqs.length)
        this.violations.push(`${this.name}: EXPUNGE ${seq} out of range`);
      const [uid] = this.seqs.splice(seq - 1, 1);
      if (uid !== undefined) this.flags.delete(uid);
      return;
    }
    m = /^(\d+) FETCH \(/.exec(body);
    if (m) {
      const seq = Number(m[1]);
      if (seq < 1 || seq > this.seqs.length) {
        this.violations.push(`${this.name}: FETCH ${seq} beyond EXISTS ${this.seqs.length}`);
        return;
      }
      const uidMatch = /[( ]UID (\d+)/.exec(body);
      if (uidMatch) {
        const uid = Number(uidMatch[1]);
        const known = this.seqs[seq - 1];
        if (known !== undefined && known !== uid)
          this.violations.push(`${this.name}: FETCH ${seq} says UID ${uid}, model holds ${known}`);
        this.seqs[seq - 1] = uid;
        const flags = /FLAGS \(([^)]*)\)/.exec(body);
        if (flags) this.flags.set(uid, flags[1]!.split(" ").filter(Boolean));
      }
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private async until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (this.closed) throw new Error(`${this.name}: connection closed waiting for ${what}`);
      if (Date.now() > deadline) throw new Error(`${this.name}: timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200).unref();
      });
    }
  }
}

export function headerMessageId(text: string): string {
  return /Message-ID:\s*(<[^>\r\n]*>)/i.exec(text)?.[1] ?? "";
}

/** A tiny seeded PRNG (mulberry32): the randomized tests replay exactly from their seed. */
export function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}
