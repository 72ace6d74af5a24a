import type { IncomingMessage, ServerResponse } from "node:http";
import { loadOnce } from "@sandmail/core";
import { drained } from "@sandmail/runtime";
import type { EventBuffer, Session } from "better-sse";

type BetterSse = typeof import("better-sse");
// Loaded with the first event stream: most servers (and every CLI client) never open one.
const loadBetterSse = loadOnce((): Promise<BetterSse> => import("better-sse"));

/** One framed server-sent event. */
export interface SseEvent {
  id: number;
  type: string;
  data: unknown;
}

export interface SseChannelOptions {
  /** The `retry:` hint: how long EventSource waits before reconnecting, in ms. */
  retryMs: number;
}

/**
 * A text/event-stream response. better-sse does the framing (field sanitising, headers that
 * stop proxies from buffering, the retry hint); this adds what a long replay needs: writes
 * wait for the socket to drain, so a slow reader holds back the producer instead of growing
 * the process's memory.
 */
export class SseChannel {
  readonly #session: Session;
  readonly #res: ServerResponse;
  readonly #sse: BetterSse;
  #lastId = -1;

  private constructor(session: Session, res: ServerResponse, sse: BetterSse) {
    this.#session = session;
    this.#res = res;
    this.#sse = sse;
  }

  /** Sends the response head and the retry hint; resolves once events can be written. */
  static async open(
    req: IncomingMessage,
    res: ServerResponse,
    options: SseChannelOptions,
  ): Promise<SseChannel> {
    const sse = await loadBetterSse();
    const session = new sse.Session(req, res, {
      retry: options.retryMs,
      // Event ids are the run's seqs, parsed and validated by the route, not by the framer.
      trustClientEventId: false,
      // The route sends its own heartbeat, which can also carry the stream's position.
      keepAlive: null,
      headers: { "x-content-type-options": "nosniff" },
    });
    await new Promise<void>((resolve) => {
      session.once("connected", () => resolve());
      session.once("disconnected", () => resolve());
    });
    return new SseChannel(session, res, sse);
  }

  get isOpen(): boolean {
    // The socket check covers a client that left before the session could see it go.
    const socket = this.#res.socket;
    return this.#session.isConnected && !this.#res.writableEnded && socket !== null && !socket.destroyed;
  }

  /** The id of the last event (or position) written. */
  get lastId(): number {
    return this.#lastId;
  }

  /** Writes the events in one chunk; resolves when the socket can take more (or has closed). */
  async send(events: SseEvent[]): Promise<void> {
    if (events.length === 0 || !this.isOpen) return;
    const buffer = new this.#sse.EventBuffer();
    for (const e of events) buffer.push(e.data, e.type, String(e.id));
    this.#write(buffer);
    this.#lastId = events[events.length - 1]?.id ?? this.#lastId;
    await drained(this.#res);
  }

  /**
   * A `: ping` comment. With `position` above the last id written, it also carries `id:` alone:
   * EventSource then resumes from there, so events a filter skipped are not replayed on reconnect.
   */
  ping(position?: number): void {
    if (!this.isOpen) return;
    const advance = position !== undefined && position > this.#lastId;
    const buffer = new this.#sse.EventBuffer().comment(" ping");
    if (advance) buffer.id(String(position));
    this.#write(buffer.dispatch());
    if (advance) this.#lastId = position;
  }

  /** Calls `listener` once when the client goes away or the stream is ended. */
  onClose(listener: () => void): void {
    if (!this.isOpen) {
      queueMicrotask(listener);
      return;
    }
    this.#session.once("disconnected", listener);
  }

  end(): void {
    if (!this.#res.writableEnded) this.#res.end();
  }

  // Synchronous (batch() of a ready buffer writes before its first await), so the isOpen check
  // before it still holds: a write after end would raise an unhandled 'error' on the response.
  #write(buffer: EventBuffer): void {
    void this.#session.batch(buffer);
  }
}
