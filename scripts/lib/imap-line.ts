import { connect, type Socket } from "node:net";

/**
 * The least an IMAP client can be: writes a tagged command and collects bytes until the tagged
 * reply, so a timing measures the server and the wire, not a client's response parser.
 */
export class ImapLine {
  #socket: Socket;
  #buffer = "";
  #waiter: (() => void) | undefined;
  #tag = 0;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      this.#buffer += chunk;
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
    await client.#until((b) => b.includes("\r\n"));
    return client;
  }

  async #until(done: (buffer: string) => boolean): Promise<void> {
    while (!done(this.#buffer)) await new Promise<void>((r) => (this.#waiter = r));
    this.#waiter = undefined;
  }

  /** Runs one command; resolves with the whole response once the tagged OK arrives. */
  async command(text: string): Promise<string> {
    const tag = `b${++this.#tag}`;
    this.#buffer = "";
    this.#socket.write(`${tag} ${text}\r\n`);
    const ok = `\r\n${tag} `;
    await this.#until((b) => b.startsWith(`${tag} `) || b.includes(ok));
    if (!/ OK /.test(this.#buffer.slice(this.#buffer.lastIndexOf(`${tag} `)))) {
      throw new Error(`${text}: ${this.#buffer.slice(-200)}`);
    }
    return this.#buffer;
  }

  close(): void {
    this.#socket.destroy();
  }
}
