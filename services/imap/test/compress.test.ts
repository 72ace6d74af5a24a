/**
 * COMPRESS=DEFLATE (RFC 4978) from the outside: imapflow (which turns it on by itself when it is
 * advertised), Python's imaplib with zlib doing the compression by hand, and a raw socket sending
 * a decompression bomb and a corrupt stream.
 */
import { connect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { constants, createInflateRaw, deflateRawSync } from "node:zlib";
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPython } from "../../../test/support/python.js";
import { must } from "./support/imapflow-result.js";
import { message, seed, startServer, type TestServer } from "./support/server.js";

let server: TestServer;
const clients: ImapFlow[] = [];

beforeAll(async () => {
  server = await startServer();
  await seed(
    server,
    [1, 2, 3].map((n) => message(n)),
  );
});

afterAll(async () => {
  for (const c of clients) c.close();
  await server.close();
});

/** An imapflow client whose raw trace tells whether its writes went through its deflater. */
function imapflow(secure: boolean): { client: ImapFlow; compressedWrites: () => number } {
  let compressed = 0;
  const trace = (entry: { msg?: string; compress?: boolean }) => {
    if (entry.msg === "write to socket" && entry.compress) compressed++;
  };
  const noop = () => {};
  const client = new ImapFlow({
    host: "127.0.0.1",
    port: secure ? server.tlsPort : server.port,
    secure,
    doSTARTTLS: false,
    auth: { user: server.address, pass: server.token },
    logger: { trace, debug: noop, info: noop, warn: noop, error: noop },
    logRaw: true,
    tls: { rejectUnauthorized: false },
  });
  client.on("error", () => {});
  clients.push(client);
  return { client, compressedWrites: () => compressed };
}

describe("COMPRESS=DEFLATE", () => {
  for (const secure of [false, true]) {
    it(`carries a whole imapflow session, IDLE included${secure ? ", over implicit TLS" : ""}`, async () => {
      const { client, compressedWrites } = imapflow(secure);
      await client.connect();
      expect(client.capabilities.has("COMPRESS=DEFLATE")).toBe(true);
      const lock = await client.getMailboxLock("INBOX");
      try {
        const msg = must(await client.fetchOne("1", { source: true, envelope: true }));
        expect(msg.source?.equals(message(1))).toBe(true);
        expect(msg.envelope?.subject).toBe("Message 1");
        const big = message(90, { body: "x".repeat(200_000) });
        const appended = must(await client.append("INBOX", big, ["\\Seen"]));
        expect(appended.uid).toBeGreaterThan(3);
        const back = must(await client.fetchOne(String(appended.uid), { source: true }, { uid: true }));
        expect(back.source?.equals(big)).toBe(true);
        // An update pushed while idling must be flushed out of the compressor at once.
        const exists = new Promise<number>((resolve) => client.once("exists", (e) => resolve(e.count)));
        const idle = client.idle();
        await seed(server, [message(91)]);
        const count = await exists;
        expect(count).toBe(Number(appended.uid) + 1);
        await client.noop();
        await idle;
      } finally {
        lock.release();
      }
      // Every command after COMPRESS went through imapflow's deflater: it was negotiated.
      expect(compressedWrites()).toBeGreaterThan(4);
      await client.logout();
    });
  }

  it("works for Python's imaplib with zlib compressing by hand", async () => {
    const script = String.raw`
import imaplib, json, sys, zlib
imaplib.Commands['COMPRESS'] = ('AUTH', 'SELECTED')
class Z(imaplib.IMAP4):
    zin = None
    def compress(self):
        typ, dat = self._simple_command('COMPRESS', 'DEFLATE')
        self.zout = zlib.compressobj(6, zlib.DEFLATED, -15)
        self.zin = zlib.decompressobj(-15)
        self.zbuf = b''
        return typ
    def send(self, data):
        if self.zin is not None:
            data = self.zout.compress(data) + self.zout.flush(zlib.Z_SYNC_FLUSH)
        self.sock.sendall(data)
    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise imaplib.IMAP4.abort('socket closed')
        self.zbuf += self.zin.decompress(chunk)
    def read(self, size):
        if self.zin is None:
            return super().read(size)
        while len(self.zbuf) < size:
            self._fill()
        out, self.zbuf = self.zbuf[:size], self.zbuf[size:]
        return out
    def readline(self):
        if self.zin is None:
            return super().readline()
        while b'\n' not in self.zbuf:
            self._fill()
        i = self.zbuf.index(b'\n') + 1
        out, self.zbuf = self.zbuf[:i], self.zbuf[i:]
        return out
m = Z('127.0.0.1', int(sys.argv[1]))
m.login(sys.argv[2], sys.argv[3])
out = {'compress': m.compress()}
out['again'] = m._simple_command('COMPRESS', 'DEFLATE')[0]
out['select'] = m.select('INBOX')[1][0].decode()
out['fetch'] = m.fetch('2', '(BODY.PEEK[])')[1][0][1].decode()
raw = b'Subject: from python\r\n\r\n' + b'ok ' * 30000 + b'\r\n'
out['append'] = m.append('INBOX', None, None, raw)[0]
typ, data = m.search(None, 'SUBJECT', '"from python"')
uid = data[0].split()[-1]
out['roundtrip'] = m.fetch(uid, '(BODY.PEEK[])')[1][0][1] == raw
out['logout'] = m.logout()[0]
print(json.dumps(out))
`;
    const out = JSON.parse(await runPython(script, [String(server.port), server.address, server.token]));
    expect(out).toEqual({
      compress: "OK",
      again: "NO",
      select: expect.stringMatching(/^\d+$/),
      fetch: message(2).toString(),
      append: "OK",
      roundtrip: true,
      logout: "BYE",
    });
  });

  it("refuses an unknown mechanism and COMPRESS before login", async () => {
    const c = await Plain.open(server.port);
    expect(await c.command("a1 COMPRESS DEFLATE")).toMatch(/^a1 BAD /m);
    await c.command(`a2 LOGIN ${server.address} ${server.token}`);
    expect(await c.command("a3 COMPRESS LZ4")).toMatch(/^a3 BAD Unknown compression mechanism/m);
    expect(await c.command("a4 NOOP")).toMatch(/^a4 OK/m);
    c.socket.destroy();
  });

  it("closes a decompression bomb's connection after the first line limit, with bounded memory", async () => {
    const c = await Plain.open(server.port);
    await c.command(`a1 LOGIN ${server.address} ${server.token}`);
    expect(await c.command("a2 COMPRESS DEFLATE")).toMatch(/^a2 OK/m);
    c.compressed();
    // Blocks ending in a full flush refer to nothing before them, so one can be sent many times:
    // 2 GiB of one line without an end, from about 2 MB on the wire.
    const mib = deflateRawSync(Buffer.alloc(1 << 20, "A"), { finishFlush: constants.Z_FULL_FLUSH });
    const before = process.memoryUsage().rss;
    const sent = (async () => {
      for (let i = 0; i < 2048 && !c.closed; i++) {
        if (!c.socket.write(mib)) await new Promise((r) => c.socket.once("drain", r).once("close", r));
      }
    })();
    const reply = await c.untilClosed();
    await sent;
    expect(reply).toMatch(/^A{64} BAD \[TOOBIG\] Command line too long\r\n\* BYE /m);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
    // The service goes on.
    const other = await Plain.open(server.port);
    expect(await other.command(`b1 LOGIN ${server.address} ${server.token}`)).toMatch(/^b1 OK/m);
    other.socket.destroy();
  });

  it("closes a corrupt compressed stream with a BYE and keeps serving others, also over TLS", async () => {
    for (const tls of [false, true]) {
      const c = await Plain.open(tls ? server.tlsPort : server.port, tls);
      await c.command(`a1 LOGIN ${server.address} ${server.token}`);
      expect(await c.command("a2 COMPRESS DEFLATE")).toMatch(/^a2 OK/m);
      c.compressed();
      expect(await c.command("a3 NOOP")).toMatch(/^a3 OK/m);
      c.socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x13, 0x37]));
      expect(await c.untilClosed()).toMatch(/^\* BYE Compressed stream is corrupt/m);
    }
  });
});

/** A raw client that can switch its own side to DEFLATE after COMPRESS's OK. */
class Plain {
  private text = "";
  private waiters: Array<() => void> = [];
  closed = false;
  private deflating = false;

  private constructor(readonly socket: Socket) {
    socket.on("data", (d: Buffer) => {
      if (!this.deflating) this.received(d);
    });
    socket.on("close", () => {
      // Once compressed, the end is when the inflater has given out the last reply.
      if (this.deflating) return;
      this.closed = true;
      this.wake();
    });
    socket.on("error", () => {});
  }

  static async open(port: number, tls = false): Promise<Plain> {
    const socket = tls
      ? tlsConnect({ port, host: "127.0.0.1", rejectUnauthorized: false })
      : connect({ port, host: "127.0.0.1" });
    await new Promise<void>((resolve, reject) => {
      socket.once(tls ? "secureConnect" : "connect", () => resolve());
      socket.once("error", reject);
    });
    const c = new Plain(socket);
    await c.until((t) => t.includes("\r\n"));
    c.text = "";
    return c;
  }

  /** From now on the client's writes through `command` are compressed and replies inflated. */
  compressed(): void {
    this.deflating = true;
    const inflate = createInflateRaw();
    inflate.on("data", (d: Buffer) => this.received(d));
    const ended = () => {
      this.closed = true;
      this.wake();
    };
    inflate.on("end", ended);
    inflate.on("error", ended);
    this.socket.on("data", (d: Buffer) => inflate.write(d));
    this.socket.on("close", () => inflate.end());
  }

  private received(d: Buffer): void {
    this.text += d.toString("latin1");
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  async until(test: (text: string) => boolean): Promise<string> {
    while (!test(this.text) && !this.closed) await new Promise<void>((r) => this.waiters.push(r));
    return this.text;
  }

  untilClosed(): Promise<string> {
    return this.until(() => false);
  }

  async command(line: string): Promise<string> {
    this.text = "";
    const bytes = Buffer.from(`${line}\r\n`);
    this.socket.write(
      this.deflating ? deflateRawSync(bytes, { finishFlush: constants.Z_FULL_FLUSH }) : bytes,
    );
    const tag = line.split(" ")[0];
    return this.until((t) => new RegExp(`(^|\\r\\n)${tag} (OK|NO|BAD)[^\\r]*\\r\\n`).test(t));
  }
}
