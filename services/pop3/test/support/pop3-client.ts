/** A bare POP3 client over a socket: sends lines and returns the reply, multi-line ones whole. */
import { connect, type Socket } from "node:net";
import { type TLSSocket, connect as tlsConnect } from "node:tls";

export class Pop3RawClient {
  private buffer = "";
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(private socket: Socket) {
    this.listen(socket);
  }

  private listen(socket: Socket): void {
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

  /** Connects and returns the client with the greeting read. */
  static async open(port: number, tls = false): Promise<{ client: Pop3RawClient; greeting: string }> {
    const socket = tls
      ? tlsConnect({ port, host: "127.0.0.1", rejectUnauthorized: false })
      : connect({ port, host: "127.0.0.1" });
    await new Promise<void>((resolve, reject) => {
      socket.once(tls ? "secureConnect" : "connect", () => resolve());
      socket.once("error", reject);
    });
    const client = new Pop3RawClient(socket);
    const greeting = await client.reply(false);
    return { client, greeting };
  }

  /** Resolves with the next reply: one line, or (multi) up to the ".\r\n" terminator after +OK. */
  async reply(multi: boolean): Promise<string> {
    for (;;) {
      const lineEnd = this.buffer.indexOf("\r\n");
      if (lineEnd >= 0) {
        const first = this.buffer.slice(0, lineEnd);
        if (!multi || !first.startsWith("+OK")) return this.take(lineEnd + 2);
        const end = this.buffer.indexOf("\r\n.\r\n", lineEnd - 2);
        if (end >= 0) return this.take(end + 5);
      }
      if (this.closed) return this.take(this.buffer.length);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private take(n: number): string {
    const out = this.buffer.slice(0, n);
    this.buffer = this.buffer.slice(n);
    return out;
  }

  async command(line: string, multi = false): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.reply(multi);
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** STLS already answered +OK: wraps the socket in TLS. */
  async upgrade(): Promise<void> {
    const secure: TLSSocket = tlsConnect({ socket: this.socket, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once("secureConnect", () => resolve());
      secure.once("error", reject);
    });
    this.socket.removeAllListeners("data");
    this.socket = secure;
    this.listen(secure);
  }

  /** Resolves once the server has closed the connection. */
  async closedByServer(): Promise<boolean> {
    while (!this.closed) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return true;
  }

  close(): void {
    this.socket.destroy();
  }
}
