import net from "node:net";
import tls from "node:tls";

export interface Reply {
  code: number;
  lines: string[];
  text: string;
}

/**
 * A bare SMTP client over a real socket, for what nodemailer will not do on purpose: talking
 * before the greeting, pipelining a whole transaction in one write, oversized DATA, raw bytes.
 */
export class LineClient {
  #buffer = "";
  #waiting: Array<(reply: Reply) => void> = [];
  #replies: Reply[] = [];
  #closed = false;
  #closeWaiters: Array<() => void> = [];

  private constructor(private socket: net.Socket) {
    this.#attach(socket);
  }

  #attach(socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      this.#closed = true;
      for (const w of this.#closeWaiters.splice(0)) w();
    });
  }

  static connect(port: number, options: { tls?: boolean; onConnect?: (socket: net.Socket) => void } = {}) {
    return new Promise<LineClient>((resolve, reject) => {
      const socket = options.tls
        ? tls.connect({ port, host: "127.0.0.1", rejectUnauthorized: false }, () => resolve(client))
        : net.connect({ port, host: "127.0.0.1" }, () => {
            options.onConnect?.(socket);
            resolve(client);
          });
      const client = new LineClient(socket);
      socket.once("error", reject);
    });
  }

  #onData(chunk: Buffer) {
    this.#buffer += chunk.toString("utf8");
    let lines: string[] = [];
    for (;;) {
      const nl = this.#buffer.indexOf("\r\n");
      if (nl < 0) break;
      const line = this.#buffer.slice(0, nl);
      this.#buffer = this.#buffer.slice(nl + 2);
      lines.push(line);
      if (line[3] !== "-") {
        const reply = { code: Number(line.slice(0, 3)), lines, text: lines.join("\n") };
        lines = [];
        const waiter = this.#waiting.shift();
        if (waiter) waiter(reply);
        else this.#replies.push(reply);
      }
    }
    if (lines.length > 0) this.#buffer = `${lines.map((l) => `${l}\r\n`).join("")}${this.#buffer}`;
  }

  /** The next complete reply. */
  read(): Promise<Reply> {
    const ready = this.#replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.#closed) return Promise.reject(new Error("connection closed"));
    return new Promise((resolve, reject) => {
      this.#waiting.push(resolve);
      this.#closeWaiters.push(() => reject(new Error("connection closed")));
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  async command(line: string): Promise<Reply> {
    this.write(`${line}\r\n`);
    return this.read();
  }

  /** Switches to TLS after a 220 to STARTTLS. */
  async startTls(): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners("data");
    await new Promise<void>((resolve, reject) => {
      const secure = tls.connect({ socket: plain, rejectUnauthorized: false }, () => resolve());
      secure.once("error", reject);
      this.socket = secure;
      this.#attach(secure);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  waitClosed(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#closeWaiters.push(resolve));
  }

  end(): void {
    this.socket.destroy();
  }
}
