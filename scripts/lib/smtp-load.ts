import { connect, type Socket } from "node:net";

/**
 * A minimal pipelining SMTP client for load generation. nodemailer spends more CPU per message
 * than the server under test would, so the benchmark speaks the protocol itself: it writes
 * MAIL/RCPT/DATA in one go (the server advertises PIPELINING) and counts replies.
 */
class ReplyReader {
  private buffer = "";
  private waiters: Array<{ resolve: (line: string) => void; reject: (err: Error) => void }> = [];
  private lines: string[] = [];
  private failure: Error | undefined;

  constructor(socket: Socket) {
    socket.setEncoding("latin1");
    const fail = (err: Error) => {
      this.failure = err;
      for (const w of this.waiters.splice(0)) w.reject(err);
    };
    socket.on("error", fail);
    socket.on("close", () => fail(new Error("connection closed")));
    socket.on("data", (chunk: string) => {
      this.buffer += chunk;
      let nl = this.buffer.indexOf("\n");
      while (nl >= 0) {
        const line = this.buffer.slice(0, nl).replace(/\r$/, "");
        this.buffer = this.buffer.slice(nl + 1);
        // Multi-line replies ("250-...") end with the line whose 4th character is a space.
        if (line.length < 4 || line[3] !== "-") this.push(line);
        nl = this.buffer.indexOf("\n");
      }
    });
  }

  private push(line: string) {
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(line);
    else this.lines.push(line);
  }

  next(): Promise<string> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }
}

async function expect(reader: ReplyReader, code: string, what: string): Promise<void> {
  const line = await reader.next();
  if (!line.startsWith(code)) throw new Error(`${what}: expected ${code}, got ${line}`);
}

export interface SmtpConnection {
  send(from: string, to: string, data: string): Promise<void>;
  close(): Promise<void>;
}

export async function openSmtp(host: string, port: number): Promise<SmtpConnection> {
  const socket = connect({ host, port });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  const reader = new ReplyReader(socket);
  await expect(reader, "220", "greeting");
  socket.write("EHLO bench.local\r\n");
  await expect(reader, "250", "EHLO");
  return {
    async send(from, to, data) {
      socket.write(`MAIL FROM:<${from}>\r\nRCPT TO:<${to}>\r\nDATA\r\n`);
      await expect(reader, "250", "MAIL");
      await expect(reader, "250", "RCPT");
      await expect(reader, "354", "DATA");
      socket.write(`${data}\r\n.\r\n`);
      await expect(reader, "250", "end of DATA");
    },
    async close() {
      socket.write("QUIT\r\n");
      await reader.next().catch(() => {});
      socket.destroy();
    },
  };
}

/** A ~2 KB message like a transactional email: headers, a text part and an HTML part. */
export function sampleMessage(i: number, to: string): string {
  const para =
    "Thanks for signing up. Confirm your address with the code below or the link; it expires in " +
    "15 minutes. If you did not ask for this, ignore this mail. ".repeat(9);
  const text = `Hello,\r\n\r\n${para}\r\n\r\nYour code: ${String(100000 + (i % 900000))}\r\n\r\nhttps://app.example.com/confirm?token=${i.toString(36)}abcdef\r\n`;
  const html = `<html><body><p>Hello,</p><p>${para}</p><p><b>${String(100000 + (i % 900000))}</b></p><p><a href="https://app.example.com/confirm?token=${i.toString(36)}abcdef">Confirm</a></p></body></html>`;
  return [
    `From: "Example App" <no-reply@example.com>`,
    `To: <${to}>`,
    `Subject: Confirm your account #${i}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <bench-${i}-${Date.now()}@example.com>`,
    "MIME-Version: 1.0",
    `Content-Type: multipart/alternative; boundary="b${i}"`,
    "",
    `--b${i}`,
    "Content-Type: text/plain; charset=utf-8",
    "",
    text,
    `--b${i}`,
    "Content-Type: text/html; charset=utf-8",
    "",
    html,
    `--b${i}--`,
    "",
  ].join("\r\n");
}
