import { createParser, type EventSourceMessage } from "eventsource-parser";

export interface SseEvent {
  id: string | undefined;
  event: string;
  data: string;
  /** `data` parsed as JSON. */
  json: Record<string, unknown>;
}

/**
 * Reads a text/event-stream over real HTTP with fetch, framed by eventsource-parser (the parser
 * behind the `eventsource` package), so the server's framing is checked by an independent reader.
 * Waits are bounded by the stream itself: when it ends, pending waits fail instead of hanging.
 */
export class SseClient {
  readonly status: number;
  readonly headers: Headers;
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  retry: number | undefined;
  /** Everything received, as text (for checks the parser does not surface, such as id-only blocks). */
  raw = "";
  ended = false;
  /** Resolves when the server ends the stream or the client closes it. */
  readonly done: Promise<void>;
  #consumed = 0;
  readonly #abort: AbortController;
  readonly #wakers = new Set<() => void>();

  private constructor(response: Response, abort: AbortController) {
    this.status = response.status;
    this.headers = response.headers;
    this.#abort = abort;
    const parser = createParser({
      onEvent: (e: EventSourceMessage) => this.#push(e),
      onComment: (c) => {
        this.comments.push(c);
        this.#wake();
      },
      onRetry: (ms) => {
        this.retry = ms;
      },
    });
    this.done = this.#read(response, parser);
  }

  /** Opens the stream; the client is returned whatever the status (check `status`). */
  static async connect(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const abort = new AbortController();
    const response = await fetch(url, {
      headers: { accept: "text/event-stream", ...headers },
      signal: abort.signal,
    });
    return new SseClient(response, abort);
  }

  /** The next `n` events not yet taken, in order. */
  async take(n: number): Promise<SseEvent[]> {
    await this.#until(() => this.events.length - this.#consumed >= n, `${n} events`);
    const out = this.events.slice(this.#consumed, this.#consumed + n);
    this.#consumed += n;
    return out;
  }

  /** Takes events until one matches; returns it (the ones before it are taken too). */
  async takeUntil(match: (e: SseEvent) => boolean): Promise<SseEvent> {
    for (;;) {
      const [e] = await this.take(1);
      if (e && match(e)) return e;
    }
  }

  /** Resolves once `count` comments have arrived in total. */
  async comment(count = 1): Promise<string> {
    await this.#until(() => this.comments.length >= count, `${count} comments`);
    return this.comments[count - 1] as string;
  }

  /** Events received but not yet taken. */
  get pending(): SseEvent[] {
    return this.events.slice(this.#consumed);
  }

  close(): void {
    this.#abort.abort();
  }

  #push(e: EventSourceMessage): void {
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(e.data) as Record<string, unknown>;
    } catch {
      // Left empty: a test asserting on it shows the raw data.
    }
    this.events.push({ id: e.id, event: e.event ?? "message", data: e.data, json });
    this.#wake();
  }

  async #read(response: Response, parser: { feed(chunk: string): void }): Promise<void> {
    const decoder = new TextDecoder();
    try {
      if (response.body) {
        for await (const chunk of response.body) {
          const text = decoder.decode(chunk as Uint8Array, { stream: true });
          this.raw += text;
          parser.feed(text);
        }
      }
    } catch {
      // Aborted by close(), or the connection dropped: either way the stream is over.
    } finally {
      this.ended = true;
      this.#wake();
    }
  }

  #wake(): void {
    for (const wake of [...this.#wakers]) wake();
  }

  #until(ready: () => boolean, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (ready()) {
          this.#wakers.delete(check);
          resolve();
        } else if (this.ended) {
          this.#wakers.delete(check);
          reject(
            new Error(
              `stream ended before ${what}; got ${JSON.stringify(this.events.map((e) => [e.id, e.event]))}`,
            ),
          );
        }
      };
      this.#wakers.add(check);
      check();
    });
  }
}
