/** A bare IMAP client over a socket: sends lines and returns everything up to the tagged reply. */
import { connect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";

export class RawClient {
  private buffer = "";
  private waiters: Array<() => void> = [];
  closed = false;
  private n = 0;

  private constructor(readonly socket: Socket) {
    socket.on("data", (d: Buffer) => {
      this.buffer += d.toString("latin1");
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on("close", () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on("error", () => {});
  }

  static async open(port: number, tls = false): Promise<RawClient> {
    const socket = tls
      ? tlsConnect({ port, host: "127.0.0.1", rejectUnauthorized: false })
      : connect({ port, host: "127.0.0.1" });
    await new Promise<void>((resolve, reject) => {
      socket.once(tls ? "secureConnect" : "connect", () => resolve());
      socket.once("error", reject);
    });
    const client = new RawClient(socket);
    await client.until((b) => b.includes("\r\n"));
    client.buffer = "";
    return client;
  }

  /** Resolves when `test` holds for the received text, or the socket closed. */
  async until(test: (buffer: string) => boolean): Promise<string> {
    while (!test(this.buffer)) {
      if (this.closed) return this.buffer;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.buffer;
  }

  /** Sends `<tag> <line>` and returns the full reply text, tagged line included. */
  async command(line: string, tag = `t${++this.n}`): Promise<string> {
    this.buffer = "";
    this.socket.write(`${tag} ${line}\r\n`);
    const re = new RegExp(`(^|\\r\\n)${tag} (OK|NO|BAD)[^\\r]*\\r\\n`);
    return this.until((b) => re.test(b));
  }

  write(text: string | Buffer): void {
    this.socket.write(text);
  }

  take(): string {
    const b = this.buffer;
    this.buffer = "";
    return b;
  }

  close(): void {
    this.socket.destroy();
  }
}
