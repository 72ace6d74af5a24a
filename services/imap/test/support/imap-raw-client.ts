/**
 * A deliberately small IMAP client for tests: sends command lines exactly as given (literals as
 * LITERAL+ `{n+}`), and returns every response up to the tagged one. Used to replay the same
 * script against Dovecot and sandmail and compare what comes back.
 */
import net from "node:net";
import { completeResponseLength } from "./imap-response.js";

export interface ImapReply {
  /** The tag this client gave the command. */
  tag: string;
  status: "OK" | "NO" | "BAD";
  /** The tagged line without the tag. */
  text: string;
  /** Untagged responses, each without `* ` and its final CRLF (literals included). */
  untagged: Buffer[];
}

export class RawImapClient {
  private buf = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  private closed = false;
  private tagCount = 0;
  greeting = "";

  private constructor(private readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      this.wake();
    });
    socket.on("close", () => {
      this.closed = true;
      this.wake();
    });
    socket.on("error", () => {
      this.closed = true;
      this.wake();
    });
  }

  static async connect(host: string, port: number): Promise<RawImapClient> {
    const socket = net.connect(port, host);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("error", reject);
    });
    const client = new RawImapClient(socket);
    client.greeting = (await client.next()).toString("latin1");
    return client;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** The next complete response (a line with its literals), CRLF included. */
  private async next(): Promise<Buffer> {
    for (;;) {
      const n = completeResponseLength(this.buf);
      if (n !== -1) {
        const out = this.buf.subarray(0, n);
        this.buf = this.buf.subarray(n);
        return out;
      }
      if (this.closed) throw new Error("connection closed");
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Sends `tag <parts>`; Buffer parts go as LITERAL+ literals, `{ literal8 }` as `~{n+}` (RFC 3516). */
  async command(...parts: Array<string | Buffer | { literal8: Buffer }>): Promise<ImapReply> {
    const tag = `T${++this.tagCount}`;
    const chunks: Buffer[] = [Buffer.from(`${tag} `)];
    for (const p of parts) {
      if (typeof p === "string") chunks.push(Buffer.from(p));
      else if (Buffer.isBuffer(p)) chunks.push(Buffer.from(`{${p.length}+}\r\n`), p);
      else chunks.push(Buffer.from(`~{${p.literal8.length}+}\r\n`), p.literal8);
    }
    chunks.push(Buffer.from("\r\n"));
    this.socket.write(Buffer.concat(chunks));
    const untagged: Buffer[] = [];
    for (;;) {
      const response = await this.next();
      const body = response.subarray(0, response.length - 2);
      if (body.toString("latin1", 0, 2) === "* ") {
        untagged.push(body.subarray(2));
        continue;
      }
      if (body.toString("latin1", 0, 2) === "+ ") continue;
      const line = body.toString("latin1");
      if (!line.startsWith(`${tag} `)) throw new Error(`unexpected response: ${line.slice(0, 200)}`);
      const text = line.slice(tag.length + 1);
      const status = text.slice(0, text.indexOf(" ") === -1 ? undefined : text.indexOf(" "));
      return { tag, status: status as ImapReply["status"], text, untagged };
    }
  }

  /** Like command, but throws unless the server answered OK. */
  async ok(...parts: Array<string | Buffer | { literal8: Buffer }>): Promise<ImapReply> {
    const reply = await this.command(...parts);
    if (reply.status !== "OK") throw new Error(`${String(parts[0]).slice(0, 80)} -> ${reply.text}`);
    return reply;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.socket.end();
    await new Promise<void>((resolve) => {
      if (this.closed) resolve();
      else this.socket.once("close", () => resolve());
      setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, 2000).unref();
    });
  }
}
