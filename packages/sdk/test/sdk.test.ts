import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestSandbox, type TestSandbox } from "../../../test/support/sandbox.js";
import {
  AssertionFailedError,
  ExtractionError,
  Message,
  NotFoundError,
  Sandmail,
  SandmailError,
  UnauthorizedError,
  UnexpectedMessageError,
  ValidationError,
  WaitTimeoutError,
} from "../src/index.js";
import { send } from "./support.js";

let sb: TestSandbox;
let sandmail: Sandmail;

beforeAll(async () => {
  sb = await startTestSandbox();
  sandmail = new Sandmail({ url: sb.apiUrl });
});

afterAll(async () => {
  await sb?.close();
});

const signupHtml =
  '<p>Welcome! Your verification code is <b>482913</b>.</p><p><a href="https://shop.example/confirm?t=Zk2Lq9">Confirm your address</a></p>';

describe("runs", () => {
  it("creates a run with addresses, SMTP and IMAP settings, and reads its info", async () => {
    const run = await sandmail.createRun({ ttl: 120, label: "sdk runs test" });
    try {
      expect(run.id).toMatch(/^[a-z0-9-]+$/);
      expect(run.token.length).toBeGreaterThan(10);
      expect(run.domain).toBe(`${run.id}.sandmail.test`);
      expect(run.address("alice")).toBe(`alice@${run.domain}`);
      const random = [run.address(), run.address()];
      expect(random[0]).toMatch(new RegExp(`^user-[a-z0-9]{10}@${run.domain.replaceAll(".", "\\.")}$`));
      expect(random[0]).not.toBe(random[1]);
      expect(run.label).toBe("sdk runs test");
      expect(run.smtp.nodemailer).toEqual({
        host: "127.0.0.1",
        port: sb.ports.smtp,
        secure: false,
        auth: { user: run.id, pass: run.token },
        tls: { rejectUnauthorized: false },
      });
      expect(run.smtp.url).toBe(
        `smtp://${run.id}:${encodeURIComponent(run.token)}@127.0.0.1:${sb.ports.smtp}`,
      );
      expect(run.imap?.port).toBe(sb.ports.imap);
      expect(run.imap?.password).toBe(run.token);

      const info = await run.info();
      expect(info).toMatchObject({ id: run.id, label: "sdk runs test", counts: { messages: 0 } });
      const ttl = new Date(info.expiresAt).getTime() - new Date(info.createdAt).getTime();
      expect(ttl).toBe(120_000);
      expect(run.expiresAt.toISOString()).toBe(info.expiresAt);
      expect(await run.inboxes()).toEqual([]);

      const attached = await sandmail.run(run.id, run.token);
      expect(attached.domain).toBe(run.domain);
      expect(attached.smtp).toBeUndefined();
    } finally {
      await run.delete();
    }
    // delete() of a run that is already gone resolves: cleanup code may run twice.
    await run.delete();
    const res = await sb.api(run, `/v1/runs/${run.id}`);
    expect(res.status).toBe(404);
  });

  it("deletes the run when an `await using` block ends", async () => {
    let id = "";
    let token = "";
    {
      await using run = await sandmail.createRun();
      ({ id, token } = run);
      expect((await sb.api(run, `/v1/runs/${id}`)).status).toBe(200);
    }
    const res = await sb.api({ token }, `/v1/runs/${id}`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { code: string }).code).toBe("run_not_found");
  });

  it("deletes the run when the block throws, too", async () => {
    let id = "";
    let token = "";
    const body = async () => {
      await using run = await sandmail.createRun();
      ({ id, token } = run);
      throw new Error("test failed");
    };
    await expect(body()).rejects.toThrow("test failed");
    expect((await sb.api({ token }, `/v1/runs/${id}`)).status).toBe(404);
  });
});

describe("messages", () => {
  it("waits for a message and reads everything in it", async () => {
    await using run = await sandmail.createRun();
    const alice = run.address("alice");
    await run.setDns([{ name: "shop.example", type: "TXT", values: ["v=spf1 ip4:127.0.0.1 -all"] }]);
    expect(await run.dns()).toEqual([
      { name: "shop.example", type: "TXT", values: ["v=spf1 ip4:127.0.0.1 -all"] },
    ]);

    // The wait is open before the mail is sent.
    const waiting = run.waitForMessage({ to: alice, subject: /^welcome/i }, { timeout: 10_000 });
    await send(run, {
      to: alice,
      bcc: run.address("audit"),
      subject: "Welcome to Shop",
      text: "Your verification code is 482913.\nConfirm: https://shop.example/confirm?t=Zk2Lq9",
      html: signupHtml,
      headers: { "X-Campaign": "spring" },
      attachments: [{ filename: "terms.txt", content: "be nice", contentType: "text/plain" }],
    });
    const msg = await waiting;

    expect(msg).toBeInstanceOf(Message);
    expect(msg.subject).toBe("Welcome to Shop");
    expect(msg.from).toEqual({ name: "Shop", address: "no-reply@shop.example" });
    expect(msg.to).toEqual([{ name: "", address: alice }]);
    expect(msg.inbox).toBe(alice);
    expect(msg.text).toContain("482913");
    expect(msg.html).toContain("<b>482913</b>");
    expect(msg.code()).toBe("482913");
    expect(msg.code(/^\d{6}$/)).toBe("482913");
    expect(msg.link()).toBe("https://shop.example/confirm?t=Zk2Lq9");
    expect(msg.link("/confirm")).toBe("https://shop.example/confirm?t=Zk2Lq9");
    expect(msg.link(/t=\w+$/)).toBe("https://shop.example/confirm?t=Zk2Lq9");
    expect(msg.links[0]?.text).toBe("Confirm your address");
    expect(msg.header("x-campaign")).toBe("spring");
    expect(msg.headerValues("Received").length).toBeGreaterThan(0);
    expect(msg.envelope?.rcptTo).toEqual([alice, run.address("audit")]);
    expect(msg.envelope?.authUser).toBe(run.id);
    expect(msg.auth?.spf?.result).toBe("pass");
    expect(msg.attachments).toEqual([
      expect.objectContaining({ index: 0, filename: "terms.txt", contentType: "text/plain", size: 7 }),
    ]);
    expect(msg.receivedAt).toBeInstanceOf(Date);
    expect(msg.seen).toBe(false);
    expect(run.cursor).toBe(msg.seq);

    const raw = new TextDecoder().decode(await msg.raw());
    expect(raw).toMatch(/^(Received|Authentication-Results):/);
    expect(raw).toContain("Subject: Welcome to Shop");
    expect(new TextDecoder().decode(await msg.attachment(0))).toBe("be nice");
    expect(new TextDecoder().decode(await msg.attachment("terms.txt"))).toBe("be nice");
    await expect(msg.attachment("missing.pdf")).rejects.toThrow(
      /no attachment named "missing.pdf".*terms.txt/,
    );

    const matches = await msg.extract(/t=(?<token>\w+)/);
    expect(matches[0]).toMatchObject({ groups: ["Zk2Lq9"], namedGroups: { token: "Zk2Lq9" } });

    const report = await msg.assert([
      { type: "subject", contains: "Welcome" },
      { type: "header", name: "X-Campaign", equals: "spring" },
      { type: "recipient", address: run.address("audit") },
      { type: "spf", result: "pass" },
      { type: "link", matches: /confirm\?t=/ },
      { type: "code", value: "482913" },
      { type: "attachment", filename: "terms.txt" },
    ]);
    expect(report.pass).toBe(true);
    expect(report.results).toHaveLength(7);

    await msg.markSeen();
    expect(msg.seen).toBe(true);
    await msg.flag();
    await msg.updateFlags({ add: ["$Label1"] });
    expect(msg.flags).toEqual(expect.arrayContaining(["\\Seen", "\\Flagged", "$Label1"]));
    const again = await run.message(msg.id);
    expect(again.flags).toEqual(expect.arrayContaining(["\\Seen", "\\Flagged", "$Label1"]));
    await msg.unflag();
    await msg.markUnseen();
    expect(msg.flags).toEqual(["$Label1"]);

    await msg.delete();
    await expect(run.message(msg.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("keeps a cursor so consecutive waits never return the same message twice", async () => {
    await using run = await sandmail.createRun();
    const bob = run.address("bob");
    await send(run, { to: bob, subject: "first", text: "1" });
    const first = await run.waitForMessage({ to: bob });
    expect(first.subject).toBe("first");
    await send(run, { to: bob, subject: "second", text: "2" });
    const second = await run.waitForMessage({ to: bob });
    expect(second.subject).toBe("second");
    expect(run.cursor).toBe(second.seq);
    // after: 0 looks at everything again.
    expect((await run.waitForMessage({ to: bob }, { after: 0 })).subject).toBe("first");
    expect(run.cursor).toBe(second.seq);

    await send(run, { to: bob, subject: "third", text: "3" });
    await send(run, { to: bob, subject: "fourth", text: "4" });
    const both = await run.waitForMessages({ to: bob }, 2);
    expect(both.map((m) => m.subject)).toEqual(["third", "fourth"]);
  });

  it("matches strings (contains), RegExps, exact values and headers", async () => {
    await using run = await sandmail.createRun();
    const to = run.address("carol");
    await send(run, {
      to,
      subject: "Reset /your/ password",
      text: "Use https://shop.example/reset?token=abc",
      headers: { "X-Kind": "reset" },
    });
    const everything = { after: 0, timeout: 5000 };
    // A string is always a contains-match, even when it looks like the server's regex syntax.
    expect((await run.waitForMessage({ subject: "/your/" }, everything)).subject).toBe(
      "Reset /your/ password",
    );
    expect((await run.waitForMessage({ subject: /^RESET/i }, everything)).subject).toBe(
      "Reset /your/ password",
    );
    expect(
      (await run.waitForMessage({ subject: { equals: "Reset /your/ password" } }, everything)).to[0]?.address,
    ).toBe(to);
    expect((await run.waitForMessage({ text: "reset?token=" }, everything)).links[0]?.url).toBe(
      "https://shop.example/reset?token=abc",
    );
    expect(
      (await run.waitForMessage({ header: { name: "X-Kind", value: "reset" } }, everything)).id,
    ).toBeTruthy();
    expect((await run.waitForMessage({ header: { name: "x-kind" }, inbox: to }, everything)).id).toBeTruthy();

    const listed = await run.messages({ subject: "/your/", header: { name: "X-Kind", value: /^res/ } });
    expect(listed.map((m) => m.subject)).toEqual(["Reset /your/ password"]);
    expect(await run.messages({ subject: { equals: "Reset" } })).toEqual([]);
    expect(await run.messages({ unread: true }, { limit: 1 })).toHaveLength(1);
    expect(await run.inboxes()).toEqual([{ address: to, messages: 1, unseen: 1 }]);
  });

  it("expectNoMessage resolves when nothing matches and throws UnexpectedMessageError when something does", async () => {
    await using run = await sandmail.createRun();
    const dave = run.address("dave");
    await run.expectNoMessage({ to: dave }, 200);
    await send(run, { to: dave, subject: "Your invoice", text: "due" });
    const err = await run.expectNoMessage({ to: dave }, 5000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnexpectedMessageError);
    const unexpected = err as UnexpectedMessageError;
    expect(unexpected.status).toBe(409);
    expect(unexpected.code).toBe("unexpected_message");
    expect(unexpected.unexpected).toMatchObject({ subject: "Your invoice", inbox: dave });
    expect(unexpected.message).toContain("Your invoice");
  });

  it("throws WaitTimeoutError saying what arrived instead", async () => {
    await using run = await sandmail.createRun();
    await send(run, { to: run.address("erin"), subject: "Order shipped", text: "on its way" });
    const err = await run.waitForMessage({ subject: "Welcome" }, { timeout: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    const timeout = err as WaitTimeoutError;
    expect(timeout.status).toBe(408);
    expect(timeout.code).toBe("wait_timeout");
    expect(timeout.message).toContain("Order shipped");
    expect(timeout.seen).toMatchObject({
      matched: 0,
      unmatched: [expect.objectContaining({ subject: "Order shipped" })],
    });
    expect(run.cursor).toBe(0);
  });

  it("reports failed assertions and missing codes and links with what the message had", async () => {
    await using run = await sandmail.createRun();
    await send(run, {
      to: run.address("frank"),
      subject: "Newsletter",
      text: "Nothing to type here. Read more at https://shop.example/news",
    });
    const msg = await run.waitForMessage();
    const err = await msg
      .assert([
        { type: "subject", contains: "Newsletter" },
        { type: "subject", equals: "Welcome" },
        { type: "header", name: "List-Unsubscribe", exists: true },
      ])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AssertionFailedError);
    const failed = err as AssertionFailedError;
    expect(failed.message).toContain("2 of 3 assertions failed");
    expect(failed.message).toContain('"Newsletter"');
    expect(failed.message).toMatch(/List-Unsubscribe/);
    expect(failed.results.map((r) => r.pass)).toEqual([true, false, false]);

    expect(() => msg.code()).toThrow(ExtractionError);
    expect(() => msg.code()).toThrow(/no one-time code.*\n.*Nothing to type here/);
    expect(() => msg.link("/reset")).toThrow(
      /no link containing "\/reset"; links found:\n {2}- https:\/\/shop.example\/news/,
    );
  });
});

describe("message checks", () => {
  it("runs the HTML, link and spam checks and asserts on them", async () => {
    await using run = await sandmail.createRun();
    await send(run, {
      to: run.address("gina"),
      subject: "Layout",
      html: '<div style="display:flex"><img src="https://cdn.shop.example/a.png"></div>',
      text: "Layout",
    });
    const msg = await run.waitForMessage();
    const html = await msg.checks.html({ clients: ["outlook"] });
    expect(html.clients).toContain("outlook.windows");
    expect(html.warnings.find((w) => w.feature === "css-display-flex")?.support["outlook.windows"]).toBe(
      "no",
    );
    expect(html.warnings.find((w) => w.feature === "sandmail-img-missing-alt")?.count).toBe(1);
    // No links in the message: nothing to fetch, so healthy.
    expect(await msg.checks.links()).toEqual({ ok: true, links: [] });
    const spam = await msg.checks.spam().catch((e: unknown) => e);
    expect(spam).toBeInstanceOf(SandmailError);
    expect((spam as SandmailError).status).toBe(501);
    await expect(
      msg.assert([{ type: "html", clients: ["outlook.windows"], maxWarnings: 0 }]),
    ).rejects.toThrow(/expected at most 0 HTML warning.*css-display-flex/);
    const report = await msg.assert([{ type: "html", clients: ["apple-mail.macos"], maxWarnings: 5 }]);
    expect(report.pass).toBe(true);
  });
});

describe("fault injection", () => {
  it("sets, reads and clears the run's SMTP fault rules; the app under test meets them", async () => {
    await using run = await sandmail.createRun();
    const kept = await run.faults.set([{ stage: "rcpt", action: "reply", code: 451, count: 1 }]);
    expect(kept).toEqual([{ stage: "rcpt", action: "reply", code: 451, count: 1, remaining: 1, fired: 0 }]);
    await expect(send(run, { to: run.address("a"), subject: "refused" })).rejects.toMatchObject({
      responseCode: 451,
    });
    await send(run, { to: run.address("a"), subject: "accepted" });
    expect(await run.faults.get()).toMatchObject([{ remaining: 0, fired: 1 }]);
    await run.faults.clear();
    expect(await run.faults.get()).toEqual([]);
    await expect(run.faults.set([{ stage: "rcpt", action: "reply" }])).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect((await run.messages()).map((m) => m.subject)).toEqual(["accepted"]);
  });
});

describe("sessions", () => {
  it("lists the run's protocol sessions and reads one as JSON and as text, without the token", async () => {
    await using run = await sandmail.createRun();
    await send(run, { to: run.address("s"), subject: "transcribed", text: "hello" });
    // Kept once the server has seen the session end, just after the client did.
    const sessions = await vi.waitFor(
      async () => {
        const list = await run.sessions.list();
        if (list.length === 0) throw new Error("no session yet");
        return list;
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ protocol: "smtp", tls: true, user: run.id });
    const transcript = await run.sessions.get(sessions[0]!.id);
    expect(transcript.lines.map((l) => l.text)).toEqual(
      expect.arrayContaining(["STARTTLS", "AUTH PLAIN [redacted]", "DATA"]),
    );
    const text = await run.sessions.text(sessions[0]!.id);
    expect(text).toMatch(/^# SMTP session /);
    expect(text).toContain(" C: AUTH PLAIN [redacted]\n");
    for (const body of [JSON.stringify(transcript), text]) expect(body).not.toContain(run.token);
    await expect(run.sessions.get("nope")).rejects.toMatchObject({ status: 404, code: "session_not_found" });
  });
});

describe("errors", () => {
  it("maps 401, 404 and 400 answers onto error classes", async () => {
    await using run = await sandmail.createRun();
    const wrong = await sandmail.run(run.id, "not-the-token").catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(UnauthorizedError);
    expect(wrong).toBeInstanceOf(SandmailError);
    expect((wrong as UnauthorizedError).status).toBe(401);
    expect((wrong as UnauthorizedError).message).toContain(`GET /v1/runs/${run.id}`);

    const missing = await sandmail.run("no-such-run", run.token).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).code).toBe("run_not_found");
    await expect(run.message("nope")).rejects.toMatchObject({ status: 404, code: "message_not_found" });

    const invalid = await sandmail.createRun({ ttl: -5 }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ValidationError);
    expect((invalid as ValidationError).fields[0]).toMatchObject({ in: "body", path: "ttlSeconds" });
    // The server runs patterns on RE2, which has no lookbehind: it refuses the pattern up front.
    await expect(run.waitForMessage({ subject: /(?<=a)b(?:c+)+/ }, { timeout: 10 })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it("needs a run id and token to attach", async () => {
    const client = new Sandmail({ url: sb.apiUrl });
    await expect(client.run("", "")).rejects.toThrow(/needs a run id and its token/);
    expect(() => new Sandmail({ url: "not a url" })).toThrow(/not a URL/);
  });
});
