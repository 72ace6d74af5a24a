/**
 * UTF8=ACCEPT (RFC 6855) from the outside: raw protocol for the exact bytes (mailbox names as
 * UTF-8 quoted strings once enabled, modified UTF-7 before, APPEND's UTF8 data item, 8-bit header
 * fields served as stored), imapflow (which enables it by itself) and Python's imaplib.
 * Dovecot 2.3, the differential oracle elsewhere, does not offer UTF8=ACCEPT.
 */
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPython } from "../../../test/support/python.js";
import { must } from "./support/imapflow-result.js";
import { RawClient } from "./support/raw-client.js";
import { startServer, type TestServer } from "./support/server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(() => server.close());

const utf8 = (latin1: string) => Buffer.from(latin1, "latin1").toString("utf8");

/** RawClient writes commands as UTF-8 and keeps replies as latin1 text: one char per byte. */
async function login(): Promise<RawClient> {
  const c = await RawClient.open(server.port);
  expect(await c.command(`LOGIN ${server.address} ${server.token}`)).toMatch(/OK/);
  return c;
}

const eightBit = Buffer.from(
  "From: Jörg <jörg@exämple.com>\r\nTo: alice@runa.sandmail.test\r\nSubject: Grüße aus Köln\r\n" +
    "Date: Mon, 01 Jan 2024 10:00:00 +0000\r\nMessage-ID: <u1@example.com>\r\n\r\nHallo.\r\n",
  "utf8",
);

describe("UTF8=ACCEPT", () => {
  it("is advertised and enabled; names go out as UTF-8 quoted strings only once enabled", async () => {
    const c = await login();
    expect(await c.command("CAPABILITY")).toMatch(/ UTF8=ACCEPT[ \r]/);
    expect(await c.command('CREATE "Gr&APw-n"')).toMatch(/OK/);
    expect(await c.command('LIST "" "Gr*"')).toContain('* LIST (\\HasNoChildren) "/" "Gr&APw-n"\r\n');
    expect(await c.command("ENABLE UTF8=ACCEPT")).toMatch(/^\* ENABLED UTF8=ACCEPT\r\n/);
    // Enabled once: a second ENABLE lists nothing.
    expect(await c.command("ENABLE UTF8=ACCEPT")).toMatch(/^\* ENABLED\r\n/);
    expect(utf8(await c.command('LIST "" "Gr*"'))).toContain('* LIST (\\HasNoChildren) "/" "Grün"\r\n');
    // A UTF-8 name in a quoted string; `&` is now just a character, no modified UTF-7.
    expect(await c.command('CREATE "Tom & Jerry/Café"')).toMatch(/OK/);
    expect(utf8(await c.command('LIST "" "Tom*"'))).toContain('"/" "Tom & Jerry/Café"\r\n');
    expect(utf8(await c.command('STATUS "Tom & Jerry/Café" (MESSAGES)'))).toContain(
      '* STATUS "Tom & Jerry/Café" (MESSAGES 0)\r\n',
    );
    expect(utf8(await c.command('SELECT "Grün"'))).toMatch(/OK \[READ-WRITE\]/);
    expect(utf8(await c.command('LIST "" "Grün" RETURN (STATUS (MESSAGES))'))).toContain(
      '* STATUS "Grün" (MESSAGES 0)\r\n',
    );
    expect(utf8(await c.command('GETQUOTAROOT "Grün"'))).toContain('* QUOTAROOT "Grün" ""\r\n');
    c.close();
    // What it created is what a client without UTF8=ACCEPT sees in modified UTF-7.
    const plain = await login();
    expect(await plain.command('LIST "" "Tom*"')).toContain('"Tom &- Jerry/Caf&AOk-"');
    plain.close();
  });

  it("takes APPEND's UTF8 data item once enabled and serves 8-bit header fields as stored", async () => {
    const c = await login();
    const append = (tag: string) => {
      c.take();
      c.write(`${tag} APPEND INBOX (\\Seen) UTF8 (~{${eightBit.length}+}\r\n`);
      c.write(eightBit);
      c.write(")\r\n");
      return c.until((t) => new RegExp(`(^|\r\n)${tag} (OK|NO|BAD)[^\r]*\r\n`).test(t));
    };
    expect(await append("x1")).toMatch(/^x1 BAD /m);
    expect(await c.command("ENABLE UTF8=ACCEPT")).toMatch(/ENABLED UTF8=ACCEPT/);
    expect(await append("x2")).toMatch(/^x2 OK \[APPENDUID \d+ 1\]/m);
    await c.command("SELECT INBOX");
    const header = await c.command("FETCH 1 (BODY.PEEK[HEADER])");
    const headerBytes = eightBit.subarray(0, eightBit.indexOf("\r\n\r\n") + 4);
    expect(header).toContain(`{${headerBytes.length}}\r\n${headerBytes.toString("latin1")})`);
    expect(utf8(await c.command("FETCH 1 (BODY.PEEK[])"))).toContain(eightBit.toString("utf8"));
    expect(utf8(await c.command("FETCH 1 (ENVELOPE)"))).toContain("Grüße aus Köln");
    c.close();
  });

  it("works with imapflow, which enables it: names with & and non-ASCII letters round-trip", async () => {
    const client = new ImapFlow({
      host: "127.0.0.1",
      port: server.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: server.address, pass: server.token },
      logger: false,
    });
    client.on("error", () => {});
    await client.connect();
    try {
      expect(client.enabled.has("UTF8=ACCEPT")).toBe(true);
      for (const path of ["Reisen & Pläne", "Reisen & Pläne/日本"]) await client.mailboxCreate(path);
      const paths = (await client.list()).map((m) => m.path);
      expect(paths).toEqual(expect.arrayContaining(["Reisen & Pläne", "Reisen & Pläne/日本"]));
      await client.append("Reisen & Pläne/日本", eightBit);
      const status = must(await client.status("Reisen & Pläne/日本", { messages: true }));
      expect(status.messages).toBe(1);
      const lock = await client.getMailboxLock("Reisen & Pläne/日本");
      try {
        const msg = must(await client.fetchOne("1", { source: true, envelope: true }));
        expect(msg.source?.equals(eightBit)).toBe(true);
        expect(msg.envelope?.subject).toBe("Grüße aus Köln");
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
  });

  it("works with Python's imaplib in UTF-8 mode", async () => {
    const script = `
import imaplib, json, sys
m = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]))
m.login(sys.argv[2], sys.argv[3])
out = {'enable': m.enable('UTF8=ACCEPT')[0]}
out['create'] = m.create('"Ünïcode"')[0]
out['list'] = [l.decode('utf-8') for l in m.list('""', '"Ün*"')[1]]
out['select'] = m.select('"Ünïcode"')[0]
m.logout()
print(json.dumps(out))
`;
    const out = JSON.parse(await runPython(script, [String(server.port), server.address, server.token]));
    expect(out).toEqual({
      enable: "OK",
      create: "OK",
      list: ['(\\HasNoChildren) "/" "Ünïcode"'],
      select: "OK",
    });
  });
});
