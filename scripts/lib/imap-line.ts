import { connect, type Socket } from "node:net";

/**
 * The least an IMAP client can be: writes a tagged command and collects bytes until the tagged
 * reply, so a timing measures the server and the wire, not a client's response parser.
 */
export class ImapLine {
  #socket: Socket;
  /** What arrived since the command was sent, as received: joined once, at the end. */
  #chunks: string[] = [];
  /**
   * The last line that arrived (from just after the CRLF before it), complete or not: a tagged
   * reply is recognized there whatever its length, and a long response is never rescanned.
   */
  #tail = "";
  #waiter: (() => void) | undefined;
  #tag = 0;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      this.#chunks.push(chunk);
      const joined = this.#tail + chunk;
      // The CRLF that starts the last line: the one before a final CRLF, if the data ends in one.
      const start = joined.lastIndexOf("\r\n", joined.length - 3);
      this.#tail = start >= 0 ? joined.slice(start + 2) : joined;
      this.#waiter?.();
    });
  }

  static async open(port: number): Promise<ImapLine> {
    const socket = connect({ host: "127.0.0.1", port });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const client = new ImapLine(socket);
    await client.#until((tail) => tail.includes("\r\n"));
    return client;
  }

  /** Waits until `done` holds for the last bytes that arrived (a long reply is never rescanned). */
  async #until(done: (tail: string) => boolean): Promise<void> {
    while (!done(this.#tail)) await new Promise<void>((r) => (this.#waiter = r));
    this.#waiter = undefined;
  }

  /** Runs one command; resolves with the whole response once the tagged OK arrives. */
  async command(text: string): Promise<string> {
    const tag = `b${++this.#tag}`;
    this.#chunks = [];
    this.#tail = "";
    this.#socket.write(`${tag} ${text}\r\n`);
    // The tagged reply ends the response: a line starting with the tag, then CRLF.
    const end = new RegExp(`^${tag} [^\r\n]*\r\n$`);
    await this.#until((tail) => end.test(tail));
    const buffer = this.#chunks.join("");
    if (!/ OK /.test(buffer.slice(buffer.lastIndexOf(`${tag} `)))) {
      throw new Error(`${text}: ${buffer.slice(-200)}`);
    }
    return buffer;
  }

  close(): void {
    this.#socket.destroy();
  }
}
