import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness, testTls } from "./support/harness.js";
import { LineClient } from "./support/line-client.js";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const features = (lines: string[]) => lines.slice(1).map((l) => l.slice(4));

describe("EHLO", () => {
  it("advertises PIPELINING, 8BITMIME, SMTPUTF8, SIZE, AUTH PLAIN LOGIN and STARTTLS on the plain port", async () => {
    const c = await LineClient.connect(h.port);
    try {
      expect((await c.read()).code).toBe(220);
      const ehlo = await c.command("EHLO client.test");
      expect(features(ehlo.lines)).toEqual(
        expect.arrayContaining([
          "PIPELINING",
          "8BITMIME",
          "SMTPUTF8",
          "STARTTLS",
          "AUTH PLAIN LOGIN",
          "SIZE 26214400",
        ]),
      );
    } finally {
      c.end();
    }
  });

  it("advertises the same on the implicit TLS port, without STARTTLS", async () => {
    const c = await LineClient.connect(h.tlsPort, { tls: true });
    try {
      expect((await c.read()).code).toBe(220);
      const list = features((await c.command("EHLO client.test")).lines);
      expect(list).toEqual(
        expect.arrayContaining(["PIPELINING", "8BITMIME", "SMTPUTF8", "AUTH PLAIN LOGIN"]),
      );
      expect(list).not.toContain("STARTTLS");
    } finally {
      c.end();
    }
  });
});

describe("greeting", () => {
  /** Connects and sends EHLO in the same tick as the connect, before any greeting can be read. */
  async function talkFirst(port: number) {
    const c = await LineClient.connect(port, { onConnect: (s) => s.write("EHLO early.test\r\n") });
    try {
      return [await c.read(), await c.read().catch(() => undefined)] as const;
    } finally {
      c.end();
    }
  }

  it("greets at once: a client that talks before the greeting is served, not refused as an early talker", async () => {
    const [greeting, ehlo] = await talkFirst(h.port);
    expect(greeting.code).toBe(220);
    expect(ehlo?.code).toBe(250);
  });

  it("(control) stock smtp-server refuses the same client with 421 'You talk too soon'", async () => {
    const tls = await testTls();
    const stock = new SMTPServer({ disableReverseLookup: true, logger: false, key: tls.key, cert: tls.cert });
    await new Promise<void>((resolve) => stock.listen(0, "127.0.0.1", resolve));
    const address = stock.server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      const [first] = await talkFirst(port);
      expect(first.code).toBe(421);
      expect(first.text).toMatch(/talk too soon/);
    } finally {
      await new Promise<void>((resolve) => stock.close(resolve));
    }
  });
});

describe("PIPELINING", () => {
  it("answers a whole pipelined transaction in order, refusing only the bad recipient", async () => {
    const run = await h.createRun();
    const a = `a@${run.id}.sandmail.test`;
    const b = `b@${run.id}.sandmail.test`;
    const c = await LineClient.connect(h.port);
    try {
      expect((await c.read()).code).toBe(220);
      expect((await c.command("EHLO pipe.test")).code).toBe(250);
      c.write(
        `MAIL FROM:<p@example.com>\r\nRCPT TO:<${a}>\r\nRCPT TO:<nobody@example.org>\r\nRCPT TO:<${b}>\r\nDATA\r\n`,
      );
      const codes = [];
      for (let i = 0; i < 5; i++) codes.push((await c.read()).code);
      expect(codes).toEqual([250, 250, 550, 250, 354]);
      // The message, a second whole transaction and QUIT in one write.
      c.write(
        "Subject: first\r\n\r\none\r\n.\r\n" + `MAIL FROM:<p@example.com>\r\nRCPT TO:<${a}>\r\nDATA\r\n`,
      );
      const next = [];
      for (let i = 0; i < 4; i++) next.push((await c.read()).code);
      expect(next).toEqual([250, 250, 250, 354]);
      c.write("Subject: second\r\n\r\ntwo\r\n.\r\nQUIT\r\n");
      expect((await c.read()).code).toBe(250);
      expect((await c.read()).code).toBe(221);
    } finally {
      c.end();
    }
    const msgs = await h.messages(run.id);
    expect(msgs.map((m) => `${m.summary.subject}:${m.address}`)).toEqual([
      `first:${a}`,
      `first:${b}`,
      `second:${a}`,
    ]);
    expect(msgs[0]?.envelope?.rcptTo).toEqual([a, b]);
    expect(msgs[2]?.envelope?.rcptTo).toEqual([a]);
  });

  it("keeps a transaction's routes apart from the next one after RSET", async () => {
    const run = await h.createRun();
    const a = `a@${run.id}.sandmail.test`;
    const b = `b@${run.id}.sandmail.test`;
    const c = await LineClient.connect(h.port);
    try {
      expect((await c.read()).code).toBe(220);
      c.write(`EHLO r.test\r\nMAIL FROM:<p@example.com>\r\nRCPT TO:<${a}>\r\nRSET\r\n`);
      c.write(`MAIL FROM:<p@example.com>\r\nRCPT TO:<${b}>\r\nDATA\r\n`);
      const codes = [];
      for (let i = 0; i < 7; i++) codes.push((await c.read()).code);
      expect(codes).toEqual([250, 250, 250, 250, 250, 250, 354]);
      expect((await c.command("Subject: after rset\r\n\r\nx\r\n.")).code).toBe(250);
    } finally {
      c.end();
    }
    const msgs = await h.messages(run.id);
    expect(msgs.map((m) => m.address)).toEqual([b]);
    expect(msgs[0]?.envelope?.rcptTo).toEqual([b]);
  });
});

describe("hostile or broken clients", () => {
  it("survives a client vanishing mid-DATA, garbage commands and an HTTP request", async () => {
    const run = await h.createRun();
    const to = `v@${run.id}.sandmail.test`;
    const gone = await LineClient.connect(h.port);
    expect((await gone.read()).code).toBe(220);
    gone.write(`EHLO v.test\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<${to}>\r\nDATA\r\n`);
    for (const code of [250, 250, 250, 354]) expect((await gone.read()).code).toBe(code);
    gone.write("Subject: never finished\r\n\r\npartial");
    gone.end();
    await gone.waitClosed();

    const junk = await LineClient.connect(h.port);
    expect((await junk.read()).code).toBe(220);
    expect((await junk.command("\x00\xff\x01 NONSENSE")).code).toBeGreaterThanOrEqual(500);
    expect((await junk.command("RCPT TO:<x@y>")).code).toBe(503);
    expect((await junk.command("EHLO junk.test")).code).toBe(250);
    expect((await junk.command("MAIL FROM:<not an address>")).code).toBe(501);
    junk.end();

    const http = await LineClient.connect(h.port);
    expect((await http.read()).code).toBe(220);
    expect((await http.command("GET / HTTP/1.1")).code).toBe(421);
    http.end();

    const c = await LineClient.connect(h.port);
    try {
      expect((await c.read()).code).toBe(220);
      c.write(`EHLO ok.test\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<${to}>\r\nDATA\r\n`);
      for (const code of [250, 250, 250, 354]) expect((await c.read()).code).toBe(code);
      expect((await c.command("Subject: fine\r\n\r\nx\r\n.")).code).toBe(250);
    } finally {
      c.end();
    }
    expect((await h.messages(run.id)).map((m) => m.summary.subject)).toEqual(["fine"]);
  });
});
