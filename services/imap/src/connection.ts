/**
 * One client connection: reads bytes into the framer, runs commands one at a time through the
 * command table, and writes replies. It is also the only place that reports mailbox updates,
 * at the end of a command or while idling, with the EXPUNGE rule the command allows.
 */
import type { Socket } from "node:net";
import type { SecureContext } from "node:tls";
import type { Mailbox, StoreEvent } from "@sandmail/core";
import {
  bindSocket,
  clientKey,
  drained,
  endSocket,
  REDACTED,
  type SessionRecorder,
  type Transcript,
  upgradeToTls,
} from "@sandmail/runtime";
import { commands } from "./commands/index.js";
import { liveUpdates } from "./commands/live-updates.js";
import { type CommandContext, type CommandResult, no, type ServiceDeps } from "./commands/types.js";
import { TimeSlicer } from "./content/index.js";
import { DeflateLink } from "./deflate-link.js";
import { atom, type Command, type Value } from "./protocol/ast.js";
import { CommandFramer, type Frame, type FramerEvent, type FramerLimits } from "./protocol/parser.js";
import { formatSet } from "./protocol/sequence.js";
import { ParseError, parseFrame } from "./protocol/tokenize.js";
import { continuation, type Status, statusLine, untagged } from "./protocol/writer.js";
import { failureReply } from "./session/errors.js";
import { announceKeywords, flagValues } from "./session/keywords.js";
import { showsRecent, utf8Names } from "./session/revision.js";
import { type Identity, Session } from "./session/session.js";
import { MailboxTracker, type TrackerUpdate } from "./session/tracker.js";
import { frameText, ReplyLines, redactCommand } from "./session/transcript-lines.js";
import { expungeAllowed, freshView, type UpdatePoint } from "./session/update-points.js";

export interface ConnectionOptions {
  deps: ServiceDeps;
  secureContext: SecureContext;
  /** Once logged in. */
  limits: FramerLimits;
  /** Before login: literals are small (credentials), so unauthenticated clients cannot make us buffer much. */
  preLoginLimits: FramerLimits;
  /** No input for this long ends the session (also bounds IDLE), RFC 3501 §5.4. */
  idleTimeoutMs: number;
  /** From connect to a successful login, at most: input does not extend it (SANDMAIL_LOGIN_TIMEOUT_MS). */
  loginTimeoutMs: number;
  /** The implicit-TLS port, named when a TLS client reaches the plain port. */
  tlsPort: () => number;
  /**
   * Told the name of each command about to be dispatched (`UID FETCH`, `LOGIN`...) or `unknown`,
   * a bounded set of names, for the commands counter.
   */
  onCommand?: (command: string) => void;
  /** Records the session's transcript when given (transcripts on). */
  recorder?: SessionRecorder;
}

/** Pipelined input beyond this many queued items pauses reading. */
const MAX_QUEUED = 64;

export class Connection {
  private socket: Socket;
  private framer: CommandFramer;
  private input: FramerEvent[] = [];
  private requeued: Frame[] = [];
  private wake: (() => void) | undefined;
  private readonly session: Session;
  private closed = false;
  private idling = false;
  private sawInput = false;
  private unsubscribe: (() => void) | undefined;
  private slot: string | undefined;
  private selecting: StoreEvent[] | undefined;
  private flushChain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout;
  private loginDeadline: NodeJS.Timeout;
  private readonly remote: string;
  private readonly client: string;
  private readonly transcript: Transcript | undefined;
  private readonly replyLines: ReplyLines | undefined;
  private unbind: () => void = () => {};
  /** COMPRESS=DEFLATE: set once the client turned it on, for the rest of the connection. */
  private deflate: DeflateLink | undefined;

  constructor(
    socket: Socket,
    tls: boolean,
    private readonly opts: ConnectionOptions,
  ) {
    this.socket = socket;
    this.session = new Session(tls);
    this.framer = new CommandFramer(opts.preLoginLimits);
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.client = clientKey(socket.remoteAddress);
    this.timer = setTimeout(() => this.timeout(), opts.idleTimeoutMs);
    this.timer.unref();
    this.loginDeadline = setTimeout(() => this.bye("Login timeout, closing connection"), opts.loginTimeoutMs);
    this.loginDeadline.unref();
    this.transcript = opts.recorder?.open("imap", socket.remoteAddress, tls);
    const transcript = this.transcript;
    this.replyLines = transcript && new ReplyLines((line) => transcript.server(line));
    this.attach(socket);
  }

  start(): void {
    const caps = this.opts.deps.capabilities(this.session).join(" ");
    this.write([statusLine("*", "OK", "sandmail IMAP ready", `CAPABILITY ${caps}`)]);
    void this.loop();
  }

  /** Ends the connection with a BYE (service shutdown). */
  shutdown(): void {
    this.bye("Server shutting down");
  }

  private attach(socket: Socket): void {
    this.unbind = bindSocket(socket, {
      data: (chunk) => (this.deflate ? this.deflate.receive(chunk) : this.receive(chunk)),
      gone: (err) => {
        if (err) this.opts.deps.logger.debug({ err, remote: this.remote }, "imap socket error");
        this.close();
      },
    });
  }

  private receive(chunk: Buffer): void {
    if (this.closed) return;
    this.timer.refresh();
    if (!this.sawInput) {
      this.sawInput = true;
      if (!this.session.tls && chunk[0] === 0x16) {
        this.opts.deps.logger.warn(
          { remote: this.remote },
          "TLS ClientHello on the plain IMAP port: the client expects implicit TLS; point it at the IMAPS port or use STARTTLS",
        );
        this.bye(
          `This port speaks plain IMAP with STARTTLS; use port ${this.opts.tlsPort()} for implicit TLS`,
        );
        return;
      }
    }
    let events: FramerEvent[];
    try {
      events = this.framer.push(chunk);
    } catch (err) {
      this.opts.deps.logger.error({ err }, "imap framer failed");
      this.bye("Internal error");
      return;
    }
    if (events.length === 0) return;
    this.input.push(...events);
    if (this.input.length > MAX_QUEUED) this.inputSource().pause();
    this.wake?.();
  }

  /** The next complete frame; continuation requests and refusals are answered on the way. */
  private async nextFrame(secret = false): Promise<Frame | undefined> {
    for (;;) {
      if (this.closed) return undefined;
      const again = this.requeued.shift();
      if (again) return again;
      const event = this.input.shift();
      if (!event) {
        const source = this.inputSource();
        if (source.isPaused()) source.resume();
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = undefined;
        continue;
      }
      if (event.type === "frame") {
        // A requeued frame was recorded when it was first read.
        this.transcript?.client(secret ? REDACTED : redactCommand(frameText(event.frame)));
        return event.frame;
      }
      if (event.type === "continue") {
        this.write([continuation("Ready for literal data")]);
        continue;
      }
      this.write([statusLine(event.tag, event.status, event.reason, event.code)]);
      if (event.close) {
        this.bye("Connection closed after a refused command");
        return undefined;
      }
    }
  }

  private async loop(): Promise<void> {
    try {
      for (;;) {
        const frame = await this.nextFrame();
        if (!frame) return;
        try {
          await this.execute(frame);
        } finally {
          this.releaseFrame(frame);
        }
        if (this.closed) return;
      }
    } catch (err) {
      this.opts.deps.logger.error({ err }, "imap connection failed");
      this.bye("Internal server error");
    }
  }

  private async execute(frame: Frame): Promise<void> {
    let command: Command;
    try {
      command = parseFrame(frame);
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      this.tagged(err.tag, "BAD", `Syntax error: ${err.message}`);
      if (this.session.state === "not-authenticated" && err.tag === "*")
        this.refuseBeforeLogin("unparseable input");
      return;
    }
    const spec = commands.get(command.name);
    // Only names in the command table are reported: a client's made-up names would be unbounded labels.
    const known = spec && (!command.uid || spec.uid);
    this.opts.onCommand?.(known ? (command.uid ? `UID ${command.name}` : command.name) : "unknown");
    if (!spec || (command.uid && !spec.uid)) {
      const name = `${command.uid ? "UID " : ""}${command.name}`.slice(0, 40);
      this.tagged(command.tag, "BAD", `Unknown command ${name}`);
      // Another protocol talking to this port (HTTP, SMTP...): end at once (cross-protocol defence).
      if (this.session.state === "not-authenticated") this.refuseBeforeLogin(`unknown command ${name}`);
      return;
    }
    if (!spec.states.includes(this.session.state)) {
      const why =
        this.session.state === "not-authenticated" ? "Log in first" : `${command.name} is not allowed now`;
      this.tagged(command.tag, "BAD", why);
      return;
    }
    let result: CommandResult;
    if (utf8Names(this.session)) command.utf8 = true;
    try {
      const args = spec.parse(command.args, command);
      // An update begun while idling is written before anything of this command.
      await this.flushChain;
      const fresh = this.session.selection ? freshView(command) : undefined;
      if (fresh) await this.reportUpdates({ at: "command-start", command }, true, fresh === "flush");
      if (this.closed) return;
      result = await spec.handler(this.context(command), args);
    } catch (err) {
      result = failureReply(err, this.opts.deps.logger, command.name);
    }
    if (this.closed) return;
    await this.reportUpdates({ at: "command-end", command });
    this.tagged(command.tag, result.status, result.text, result.code);
    if (result.after) await result.after();
    if (this.session.state === "logout") this.close();
  }

  /** Forgets input not yet run, giving back what its literals had reserved. */
  private dropInput(): void {
    this.framer.dispose();
    for (const frame of this.requeued) this.releaseFrame(frame);
    for (const event of this.input) if (event.type === "frame") this.releaseFrame(event.frame);
    this.requeued = [];
    this.input = [];
  }

  /** The frame's literals are stored or dropped by now: their reservation goes back to the budget. */
  private releaseFrame(frame: Frame): void {
    if (frame.reserved) this.opts.limits.budget?.release(frame.reserved);
    frame.reserved = 0;
  }

  private refuseBeforeLogin(what: string): void {
    this.opts.deps.logger.info(
      { remote: this.remote, what },
      "imap: closing a connection that does not speak IMAP",
    );
    this.close();
  }

  private context(command: Command): CommandContext {
    return {
      command,
      session: this.session,
      deps: this.opts.deps,
      client: this.client,
      send: (values: Value[]) => this.write(untagged(values)),
      sendLines: (bytes: Buffer) => this.write([bytes]),
      continuation: (text: string) => this.write([continuation(text)]),
      drain: () => this.drain(),
      // What the client sends inside AUTHENTICATE is its credentials. Frames read inside a
      // command (IDLE's DONE, AUTHENTICATE's responses) are not stored: their literals go back.
      readFrame: async () => {
        const frame = await this.nextFrame(command.name === "AUTHENTICATE");
        if (frame) this.releaseFrame(frame);
        return frame;
      },
      requeue: (frame: Frame) => {
        this.requeued.push(frame);
      },
      login: (identity) => this.login(identity),
      openMailbox: (mailbox, readOnly) => this.openMailbox(mailbox, readOnly),
      setIdle: async (on) => {
        this.idling = on;
        if (on) await this.reportUpdates({ at: "idle" }, true);
        // Whatever an update in flight writes goes out before the tagged end of IDLE.
        else await this.flushChain;
      },
      startTls: () => this.startTls(),
      startCompression: () => this.startCompression(),
    };
  }

  private async login({ runId, address }: Identity): Promise<CommandResult | undefined> {
    const { runSlots, store } = this.opts.deps;
    if (!runSlots.acquire(runId)) return no("Too many connections for this run", "LIMIT");
    this.slot = runId;
    try {
      // The run-wide account (no address) sees the inboxes there are; it creates none.
      if (address !== undefined) await store.ensureInbox(runId, address);
      this.unsubscribe = await store.subscribe(runId, (event) => this.onStoreEvent(event));
    } catch (err) {
      this.releaseRun();
      throw err;
    }
    if (this.closed) this.releaseRun();
    else this.transcript?.login(address ?? runId, runId);
    this.framer.limits = this.opts.limits;
    clearTimeout(this.loginDeadline);
    return undefined;
  }

  private releaseRun(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.slot) this.opts.deps.runSlots.release(this.slot);
    this.slot = undefined;
  }

  private async openMailbox(mailbox: Mailbox, readOnly: boolean): Promise<MailboxTracker> {
    const { store } = this.opts.deps;
    const { runId } = this.session.user;
    // Events that arrive while the index loads are replayed; the tracker drops those it already has.
    const early: StoreEvent[] = [];
    this.selecting = early;
    try {
      const index = await store.mailboxIndex(runId, mailbox.id);
      const top = index.length > 0 ? index.uid(index.length - 1) : 0;
      // Claim only what this session knows of; later arrivals are claimed when it learns of them.
      // Read-only (EXAMINE) sees what is recent without claiming it: a claim up to UID 0 only reads.
      const recentAbove =
        top === 0 ? Number.POSITIVE_INFINITY : await store.claimRecent(runId, mailbox.id, readOnly ? 0 : top);
      const tracker = new MailboxTracker(mailbox.id, index, recentAbove, mailbox);
      for (const e of early) tracker.queue(e);
      return tracker;
    } finally {
      this.selecting = undefined;
    }
  }

  private onStoreEvent(event: StoreEvent): void {
    if (this.closed) return;
    if (event.type === "run.deleted") {
      this.bye("This run was deleted");
      return;
    }
    this.selecting?.push(event);
    const selection = this.session.selection;
    if (!selection) return;
    if (event.type === "mailbox.renamed" && event.mailboxId === selection.mailbox.id) {
      selection.mailbox = { ...selection.mailbox, name: event.name };
    }
    selection.tracker.queue(event);
    if (this.idling) void this.reportUpdates({ at: "idle" });
  }

  /**
   * Writes the selected mailbox's pending updates, as far as `point` allows. Runs one at a time
   * (chained), so an update started while idling is written before the reply of the command
   * that follows. `sync` first checks the store for changes whose events may still be on their
   * way from another process (a cheap mailbox read; the index only when it shows news).
   */
  private reportUpdates(point: UpdatePoint, sync = false, write = true): Promise<void> {
    const run = async () => {
      const selection = this.session.selection;
      if (!selection || this.closed) return;
      if (point.at === "idle" && !this.idling) return;
      if (sync) await this.syncWithStore(selection);
      if (!write || this.closed || this.session.selection !== selection) return;
      const { tracker, readOnly, mailbox } = selection;
      if (tracker.removed) {
        this.bye("The selected mailbox was deleted");
        return;
      }
      // Live SEARCH/SORT results (RFC 5267) also change with this session's own STOREs.
      const touched = selection.live?.size ? tracker.takeTouched() : [];
      if (!tracker.hasPending() && touched.length === 0) return;
      const plan = tracker.plan();
      let recentAbove = Number.POSITIVE_INFINITY;
      if (plan.maxUid > 0) {
        try {
          recentAbove = await this.opts.deps.store.claimRecent(
            this.session.user.runId,
            mailbox.id,
            readOnly ? 0 : plan.maxUid,
          );
        } catch (err) {
          this.opts.deps.logger.warn({ err }, "imap: could not claim \\Recent");
        }
      }
      if (this.closed || this.session.selection !== selection) return;
      if (point.at === "idle" && !this.idling) return;
      const condstore = this.session.enabled.has("CONDSTORE");
      const recent = showsRecent(this.session);
      const slicer = new TimeSlicer();
      const updates = tracker.hasPending()
        ? await tracker.flushSliced(expungeAllowed(point), recentAbove, plan, slicer)
        : [];
      if (this.closed) return;
      const live = selection.live;
      // REMOVEFROM in sequence numbers is valid only before the EXPUNGE (RFC 5267 §4.3.4).
      if (live)
        for (const r of live.beforeExpunge(updates.filter((u) => u.type === "expunge")))
          this.write(untagged(r));
      // With QRESYNC on, expunges go out as one VANISHED of their UIDs (RFC 7162 §3.2.10).
      const vanished = this.session.enabled.has("QRESYNC") ? expungedUids(updates) : [];
      if (vanished.length > 0) this.write(untagged([atom("VANISHED"), atom(formatSet(vanished))]));
      // Thousands of updates (a STORE 1:* elsewhere) are written in time slices. Nothing else of
      // this connection writes meanwhile: commands and the end of IDLE wait for flushChain.
      for (const u of updates) {
        if (u.type === "expunge" && vanished.length > 0) continue;
        if (u.type === "fetch") {
          for (const response of announceKeywords(selection, u.flags)) this.write(untagged(response));
        }
        // RFC 9051 removed `* n RECENT`; a rev2 session's FETCH FLAGS carry no \Recent either.
        if (u.type === "recent" && !recent) continue;
        this.write(untagged(updateValues(u, condstore, recent)));
        if (slicer.due()) {
          await slicer.pause();
          if (this.closed) return;
        }
      }
      const held = tracker.heldExpungeModSeq;
      if (condstore && held !== undefined && point.at === "command-end") {
        this.write(untagged([atom("OK"), atom(`[HIGHESTMODSEQ ${held - 1}]`), atom("Expunges held back")]));
      }
      if (!live?.size) return;
      // ADDTO after the EXISTS that numbers the new messages (§4.3.3).
      const changed = [...touched, ...updates.flatMap((u) => (u.type === "fetch" ? [u.uid] : []))];
      const responses = await liveUpdates(
        { session: this.session, deps: this.opts.deps },
        selection,
        changed,
      );
      if (this.closed || this.session.selection !== selection) return;
      for (const r of responses) this.write(untagged(r));
    };
    const next = this.flushChain.then(run, run).catch((err) => {
      this.opts.deps.logger.error({ err }, "imap update failed");
    });
    this.flushChain = next;
    return next;
  }

  /** Brings the tracker up to date with the store when events may still be in flight. */
  private async syncWithStore(selection: NonNullable<Session["selection"]>): Promise<void> {
    const { store } = this.opts.deps;
    const { runId } = this.session.user;
    const { tracker } = selection;
    try {
      const mailbox = await store.getMailboxById(runId, tracker.mailboxId);
      if (!mailbox) {
        tracker.removed = true;
        return;
      }
      if (!tracker.isBehind(mailbox.uidNext, mailbox.highestModSeq)) return;
      const index = await store.mailboxIndex(runId, tracker.mailboxId);
      tracker.reconcile(index, mailbox.uidNext, mailbox.highestModSeq);
    } catch (err) {
      // The events will still come; a store hiccup must not fail the client's command.
      this.opts.deps.logger.warn({ err }, "imap: could not check the mailbox for changes");
    }
  }

  private async startTls(): Promise<void> {
    const plain = this.socket;
    // Anything pipelined after STARTTLS was sent in clear text: it must not run (CVE-2011-0411 class).
    this.dropInput();
    this.framer = new CommandFramer(this.opts.preLoginLimits);
    this.unbind();
    await upgradeToTls(plain, this.opts.secureContext, (secure) => {
      this.socket = secure;
      this.session.tls = true;
      this.transcript?.secured();
      this.attach(secure);
    });
  }

  /** COMPRESS=DEFLATE, after its tagged OK left uncompressed (RFC 4978 §3). */
  private startCompression(): void {
    if (this.closed || this.deflate) return;
    // Anything the client pipelined behind COMPRESS was sent before it could know the answer.
    this.dropInput();
    this.framer = new CommandFramer({ ...this.opts.limits, closeOnOverlongLine: true });
    // The OK must leave before the first compressed byte.
    while (this.socket.writableCorked) this.socket.uncork();
    this.deflate = new DeflateLink(
      this.socket,
      (chunk) => this.receive(chunk),
      (err) => {
        this.opts.deps.logger.info(
          { err: err.message, remote: this.remote },
          "imap compressed stream failed",
        );
        this.bye("Compressed stream is corrupt");
      },
    );
    this.session.compressed = true;
  }

  /** Where client bytes come from: the socket, or the inflater once COMPRESS is on. */
  private inputSource(): NodeJS.ReadableStream {
    return this.deflate?.input ?? this.socket;
  }

  private tagged(tag: string, status: Status, text: string, code?: string): void {
    this.write([statusLine(tag, status, text, code)]);
  }

  private write(chunks: Buffer[]): void {
    if (this.closed || this.socket.destroyed) return;
    const deflate = this.deflate;
    if (deflate) {
      for (const c of chunks) {
        this.replyLines?.push(c);
        deflate.write(c);
      }
      return;
    }
    // Replies written in one tick leave in one writev, not a syscall per FETCH line.
    const socket = this.socket;
    if (!socket.writableCorked) {
      socket.cork();
      // The socket named here: STARTTLS may have replaced this.socket by the next tick.
      process.nextTick(() => socket.uncork());
    }
    for (const c of chunks) {
      this.replyLines?.push(c);
      socket.write(c);
    }
  }

  private async drain(): Promise<void> {
    if (!this.closed) await drained(this.deflate?.output ?? this.socket);
  }

  private timeout(): void {
    this.opts.deps.logger.info({ remote: this.remote }, "imap idle timeout");
    this.bye("Idle timeout, closing connection");
  }

  private bye(text: string): void {
    if (this.closed) return;
    this.write([statusLine("*", "BYE", text)]);
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    clearTimeout(this.loginDeadline);
    this.releaseRun();
    this.session.deselect();
    this.dropInput();
    this.transcript?.end();
    this.wake?.();
    if (this.deflate) this.deflate.close();
    else endSocket(this.socket);
  }
}

/** The UIDs the expunge updates remove, ascending. */
function expungedUids(updates: TrackerUpdate[]): number[] {
  const uids: number[] = [];
  for (const u of updates) if (u.type === "expunge") uids.push(u.uid);
  return uids.sort((a, b) => a - b);
}

function updateValues(u: TrackerUpdate, condstore: boolean, showRecent: boolean): Value[] {
  switch (u.type) {
    case "expunge":
      return [u.seq, atom("EXPUNGE")];
    case "exists":
      return [u.count, atom("EXISTS")];
    case "recent":
      return [u.count, atom("RECENT")];
    case "fetch":
      return [
        u.seq,
        atom("FETCH"),
        [
          atom("UID"),
          u.uid,
          atom("FLAGS"),
          flagValues(u.flags, u.recent && showRecent),
          // RFC 7162 §3.2: once CONDSTORE is on, every unsolicited FETCH carries MODSEQ.
          ...(condstore ? [atom("MODSEQ"), [u.modSeq]] : []),
        ],
      ];
  }
}
