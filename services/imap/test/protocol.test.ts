/** Protocol edges over raw sockets: ports, bad input, literals, limits, IDLE and update rules. */
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawClient } from "./support/raw-client.js";
import { message, seed, startServer, type TestServer } from "./support/server.js";

let server: TestServer;
const open: RawClient[] = [];

async function client(tls = false): Promise<RawClient> {
  const c = await RawClient.open(server.port === 0 ? 0 : tls ? server.tlsPort : server.port, tls);
  open.push(c);
  return c;
}

async function loggedIn(): Promise<RawClient> {
  const c = await client();
  expect(await c.command(`LOGIN ${server.address} ${server.token}`)).toMatch(/OK \[CAPABILITY/);
  return c;
}

beforeAll(async () => {
  server = await startServer({}, { SANDMAIL_MAX_MESSAGE_BYTES: "1000" });
  await seed(
    server,
    [1, 2, 3].map((n) => message(n)),
  );
});

afterAll(async () => {
  for (const c of open) c.close();
  await server.close();
});

function closedText(socket: ReturnType<typeof connect>): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    socket.on("data", (d: Buffer) => {
      text += d.toString("latin1");
    });
    socket.on("error", () => {});
    socket.on("close", () => resolve(text));
  });
}

describe("ports and TLS mismatches", () => {
  it("answers a TLS ClientHello on the plain port with a BYE naming the IMAPS port", async () => {
    const raw = connect({ port: server.port, host: "127.0.0.1" });
    const text = closedText(raw);
    // The first bytes of a TLS ClientHello record.
    raw.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]));
    expect(await text).toContain(
      `* BYE This port speaks plain IMAP with STARTTLS; use port ${server.tlsPort}`,
    );
  });

  it("answers plain text on the TLS port with a readable BYE", async () => {
    const raw = connect({ port: server.tlsPort, host: "127.0.0.1" });
    const text = closedText(raw);
    raw.write("a1 CAPABILITY\r\n");
    expect(await text).toContain(`* BYE This port expects TLS (implicit TLS); use port ${server.port}`);
  });

  it("does not run commands pipelined in clear text after STARTTLS", async () => {
    const c = await client();
    c.write("a STARTTLS\r\nb LOGIN x y\r\n");
    await c.until((b) => b.includes("a OK"));
    expect(c.take()).not.toContain("b ");
  });
});

describe("bad input", () => {
  it("closes a connection whose first command is unknown before login (cross-protocol)", async () => {
    const c = await client();
    const reply = await c.command("/ HTTP/1.1", "GET");
    expect(reply).toContain("GET BAD");
    await c.until(() => c.closed);
    expect(c.closed).toBe(true);
  });

  it("answers BAD and stays open after login, for unknown and malformed commands", async () => {
    const c = await loggedIn();
    expect(await c.command("FROBNICATE")).toMatch(/BAD Unknown command/);
    expect(await c.command('LOGIN "unterminated')).toMatch(/BAD/);
    expect(await c.command("SELECT")).toMatch(/BAD/);
    expect(await c.command("FETCH 1 FLAGS")).toMatch(/BAD/); // not selected
    expect(await c.command("SELECT INBOX")).toMatch(/OK \[READ-WRITE\]/);
    expect(await c.command("FETCH x:y FLAGS")).toMatch(/BAD/);
    expect(await c.command("FETCH 1 (BODY[1.FOO])")).toMatch(/BAD/);
    expect(await c.command("FETCH 1 (BODY[]<5>)")).toMatch(/BAD/);
    expect(await c.command("STORE 1 FLAGZ (\\Seen)")).toMatch(/BAD/);
    expect(await c.command("SEARCH FROBBED")).toMatch(/BAD/);
    expect(await c.command(`NOOP ${"x".repeat(70_000)}`)).toMatch(/BAD \[TOOBIG\]/);
    expect(await c.command("NOOP")).toMatch(/OK/);
  });

  it("survives random bytes on many connections and keeps serving", async () => {
    let seedValue = 7;
    const rand = (n: number) => {
      seedValue = (seedValue * 1103515245 + 12345) & 0x7fffffff;
      return seedValue % n;
    };
    for (let round = 0; round < 8; round++) {
      const c = await (round % 2 ? loggedIn() : client());
      const bytes = Buffer.alloc(2000);
      for (let i = 0; i < bytes.length; i++) bytes[i] = rand(4) === 0 ? 10 : rand(256);
      c.write(bytes);
      c.write("\r\nz NOOP\r\n");
      await c.until((b) => b.includes("z OK") || b.includes("z BAD") || c.closed);
      c.close();
    }
    const c = await loggedIn();
    expect(await c.command("NOOP")).toMatch(/OK/);
  });
});

describe("literals", () => {
  it("takes LOGIN arguments as synchronizing and non-synchronizing literals", async () => {
    const c = await client();
    c.write(`a LOGIN {${server.address.length}}\r\n`);
    expect(await c.until((b) => b.includes("+ "))).toMatch(/^\+ /);
    c.take();
    c.write(`${server.address} {${server.token.length}+}\r\n${server.token}\r\n`);
    expect(await c.until((b) => b.includes("a "))).toMatch(/a OK/);
  });

  it("refuses a synchronizing literal over APPENDLIMIT before it is sent", async () => {
    const c = await loggedIn();
    const reply = await c.command("APPEND INBOX {5000}");
    expect(reply).toMatch(/BAD \[TOOBIG\]/);
    expect(reply).not.toContain("+ ");
    expect(await c.command("NOOP")).toMatch(/OK/);
  });

  it("reads and discards a refused non-synchronizing literal", async () => {
    const c = await loggedIn();
    const body = "x LOGOUT\r\n".repeat(200);
    c.write(`a APPEND INBOX {${body.length}+}\r\n${body}\r\n`);
    await c.until((b) => b.includes("a BAD"));
    expect(c.take()).not.toContain("BYE");
    expect(await c.command("NOOP")).toMatch(/OK/);
  });

  it("appends through a literal and answers APPENDUID", async () => {
    const c = await loggedIn();
    const raw = "Subject: literal\r\n\r\nhi\r\n";
    c.write(`a APPEND INBOX (\\Flagged) "01-Feb-2024 10:00:00 +0100" {${raw.length}}\r\n`);
    await c.until((b) => b.includes("+ "));
    c.write(`${raw}\r\n`);
    const reply = await c.until((b) => b.includes("a OK") || b.includes("a NO") || b.includes("a BAD"));
    expect(reply).toMatch(/a OK \[APPENDUID \d+ 4\]/);
    await c.command("SELECT INBOX");
    const fetched = await c.command("UID FETCH 4 (INTERNALDATE FLAGS)");
    expect(fetched).toContain('INTERNALDATE "01-Feb-2024 09:00:00 +0000"');
    expect(fetched).toContain("FLAGS (\\Flagged \\Recent)");
    await c.command("UID STORE 4 +FLAGS.SILENT (\\Deleted)");
    expect(await c.command("UID EXPUNGE 4")).toMatch(/\* 4 EXPUNGE/);
  });
});

describe("FETCH details", () => {
  it("echoes only the start of a partial, serves part 1 of a single-part message, and RFC822.*", async () => {
    const c = await loggedIn();
    await c.command("EXAMINE INBOX");
    const raw = message(2);
    const body = raw.subarray(raw.indexOf("\r\n\r\n") + 4);
    const r = await c.command("FETCH 2 (BODY[]<10.5> BODY[1] BODY[TEXT]<1000.5> RFC822.HEADER RFC822.SIZE)");
    expect(r).toContain(`BODY[]<10> {5}\r\n${raw.subarray(10, 15).toString()}`);
    expect(r).toContain(`BODY[1] {${body.length}}\r\n${body.toString()}`);
    expect(r).toContain('BODY[TEXT]<1000> ""');
    expect(r).toContain(`RFC822.SIZE ${raw.length}`);
    expect(r).not.toContain("\\Seen"); // EXAMINE is read-only
    const full = await c.command("FETCH 1:* FAST");
    expect(full.match(/FETCH \(FLAGS/g)).toHaveLength(3);
    const all = await c.command("UID FETCH 2 ALL");
    expect(all).toMatch(/\* 2 FETCH \(UID 2 FLAGS/);
    expect(all).toContain("ENVELOPE");
  });

  it("sequence numbers and UIDs differ after an expunge, and `n:*` includes the last", async () => {
    const c = await loggedIn();
    await c.command("CREATE seqtest");
    await seed(
      server,
      [10, 11, 12, 13].map((n) => message(n)),
      { mailbox: "seqtest" },
    );
    await c.command("SELECT seqtest");
    await c.command("STORE 1 +FLAGS.SILENT (\\Deleted)");
    expect(await c.command("EXPUNGE")).toContain("* 1 EXPUNGE");
    expect(await c.command("FETCH 1 UID")).toContain("* 1 FETCH (UID 2)");
    expect(await c.command("UID FETCH 3 FLAGS")).toContain("* 2 FETCH (UID 3 FLAGS (\\Recent))");
    expect(await c.command("UID FETCH 99:* FLAGS")).toContain("* 3 FETCH (UID 4 FLAGS (\\Recent))");
    expect(await c.command("SEARCH ALL")).toContain("* SEARCH 1 2 3");
    expect(await c.command("UID SEARCH ALL")).toContain("* SEARCH 2 3 4");
  });
});

describe("updates from other sessions", () => {
  it("never sends EXPUNGE during a non-UID FETCH/STORE/SEARCH, but does at NOOP and UID FETCH", async () => {
    const a = await loggedIn();
    const b = await loggedIn();
    await a.command("CREATE shared");
    await seed(
      server,
      [20, 21, 22].map((n) => message(n)),
      { mailbox: "shared" },
    );
    await a.command("SELECT shared");
    await b.command("SELECT shared");
    await b.command("STORE 2 +FLAGS.SILENT (\\Deleted)");
    await b.command("EXPUNGE");
    await seed(
      server,
      [23].map((n) => message(n)),
      { mailbox: "shared" },
    );
    const fetch = await a.command("FETCH 1:* (UID)");
    expect(fetch).not.toContain("EXPUNGE");
    expect(fetch).toContain("* 4 EXISTS");
    expect(fetch).toContain("* 1 FETCH (UID 1)");
    expect(await a.command("SEARCH ALL")).not.toContain("EXPUNGE");
    expect(await a.command("STORE 1 +FLAGS (\\Seen)")).not.toContain("EXPUNGE");
    expect(await a.command("NOOP")).toContain("* 2 EXPUNGE");
    expect(await a.command("FETCH 1:* (UID)")).toContain("* 3 FETCH (UID 4)");
    // Flags set by another session arrive as untagged FETCH.
    await b.command("STORE 1 +FLAGS.SILENT (\\Flagged)");
    expect(await a.command("NOOP")).toMatch(/\* 1 FETCH \(UID 1 FLAGS \([^)]*\\Flagged/);
  });

  it("MOVE sends COPYUID in an untagged OK before the EXPUNGEs", async () => {
    const c = await loggedIn();
    await c.command("CREATE movesrc");
    await seed(
      server,
      [30, 31].map((n) => message(n)),
      { mailbox: "movesrc" },
    );
    await c.command("SELECT movesrc");
    const r = await c.command("MOVE 1 Archive");
    const copyuid = r.indexOf("* OK [COPYUID");
    const expunge = r.indexOf("* 1 EXPUNGE");
    expect(copyuid).toBeGreaterThanOrEqual(0);
    expect(expunge).toBeGreaterThan(copyuid);
    expect(await c.command("MOVE 1 NoSuchBox")).toMatch(/NO \[TRYCREATE\]/);
  });

  it("shows a new message as \\Recent to exactly one session", async () => {
    const a = await loggedIn();
    const b = await loggedIn();
    await a.command("CREATE recent");
    await a.command("SELECT recent");
    await b.command("SELECT recent");
    await seed(server, [message(40)], { mailbox: "recent" });
    const ra = await a.command("NOOP");
    const rb = await b.command("NOOP");
    const recents = [ra, rb].map((r) => Number(/\* (\d+) RECENT/.exec(r)?.[1] ?? -1));
    expect(recents.sort()).toEqual([0, 1]);
  });
});

describe("IDLE", () => {
  it("streams EXISTS and ends on a lowercase done", async () => {
    const c = await loggedIn();
    await c.command("CREATE idlebox");
    await c.command("SELECT idlebox");
    c.take();
    c.write("i1 IDLE\r\n");
    await c.until((b) => b.includes("+ idling"));
    await seed(server, [message(50)], { mailbox: "idlebox" });
    await c.until((b) => b.includes("* 1 EXISTS"));
    c.write("done\r\n");
    expect(await c.until((b) => b.includes("i1 OK"))).toContain("i1 OK IDLE terminated");
  });

  it("ends IDLE when a tagged command comes instead of DONE, then runs it", async () => {
    const c = await loggedIn();
    await c.command("SELECT INBOX");
    c.take();
    c.write("i2 IDLE\r\n");
    await c.until((b) => b.includes("+ idling"));
    c.write("n1 NOOP\r\n");
    const r = await c.until((b) => b.includes("n1 OK"));
    expect(r.indexOf("i2 OK")).toBeLessThan(r.indexOf("n1 OK"));
  });
});

describe("limits", () => {
  it("caps connections per run", async () => {
    const small = await startServer({ maxConnectionsPerRun: 1 });
    try {
      const a = await RawClient.open(small.port);
      const b = await RawClient.open(small.port);
      open.push(a, b);
      expect(await a.command(`LOGIN ${small.address} ${small.token}`)).toMatch(/OK/);
      expect(await b.command(`LOGIN ${small.address} ${small.token}`)).toMatch(/NO \[LIMIT\]/);
      await a.command("LOGOUT");
      await a.until(() => a.closed);
      expect(await b.command(`LOGIN ${small.address} ${small.token}`)).toMatch(/OK/);
    } finally {
      await small.close();
    }
  });

  it("ends an idle connection with BYE after the idle timeout", async () => {
    const short = await startServer({ idleTimeoutMs: 150 });
    try {
      const c = await RawClient.open(short.port);
      open.push(c);
      const text = await c.until(() => c.closed);
      expect(text).toContain("* BYE Idle timeout");
    } finally {
      await short.close();
    }
  });
});
