import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPython } from "../support/python.js";
import { startTestSandbox, type TestRun, type TestSandbox } from "../support/sandbox.js";

/** Strips the Received header sandmail prepends, leaving the bytes the client sent. */
function withoutPrepended(raw: Buffer): Buffer {
  let offset = 0;
  // Prepended trace headers (Received, Authentication-Results) are folded lines at the top.
  for (;;) {
    const text = raw.subarray(offset, offset + 40).toString("latin1");
    if (!/^(Received|Authentication-Results):/i.test(text)) return raw.subarray(offset);
    let end = raw.indexOf("\r\n", offset);
    while (raw[end + 2] === 0x20 || raw[end + 2] === 0x09) end = raw.indexOf("\r\n", end + 2);
    offset = end + 2;
  }
}

async function messages(sb: TestSandbox, run: Pick<TestRun, "id" | "token">) {
  const res = await sb.api(run, `/v1/runs/${run.id}/messages`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { messages: Array<{ id: string; subject: string; inbox: string }> }).messages;
}

const smtplib = `
import smtplib, ssl, sys
mode, host, port, sender, rcpt = sys.argv[1:6]
data = sys.stdin.buffer.read()
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
if mode == "ssl":
    s = smtplib.SMTP_SSL(host, int(port), context=ctx)
else:
    s = smtplib.SMTP(host, int(port))
    if mode == "starttls":
        s.starttls(context=ctx)
if len(sys.argv) > 7:
    s.login(sys.argv[6], sys.argv[7])
try:
    s.sendmail(sender, [rcpt], data)
    print("250")
except smtplib.SMTPResponseException as e:
    print(e.smtp_code)
except smtplib.SMTPRecipientsRefused as e:
    print(list(e.recipients.values())[0][0])
s.quit()
`;

describe("SMTP ingest, read back over HTTP", () => {
  let sb: TestSandbox;
  let run: TestRun;
  beforeAll(async () => {
    sb = await startTestSandbox({ SANDMAIL_MAX_MESSAGE_BYTES: "200000" });
    run = await sb.createRun({ label: "ingest" });
  });
  afterAll(() => sb.close());

  const transport = (extra: Record<string, unknown> = {}) =>
    nodemailer.createTransport({
      host: "127.0.0.1",
      port: sb.ports.smtp,
      secure: false,
      tls: { rejectUnauthorized: false },
      ...extra,
    });

  it.each([
    ["plain", { ignoreTLS: true }, false],
    ["STARTTLS", { requireTLS: true }, false],
    ["implicit TLS", { secure: true }, true],
  ] as const)("nodemailer over %s", async (name, extra, implicit) => {
    const t = transport({ ...extra, ...(implicit ? { port: sb.ports.smtps } : {}) });
    const info = await t.sendMail({
      from: "app@example.com",
      to: run.address("alice"),
      subject: `hello over ${name}`,
      text: "body",
    });
    expect(info.accepted).toEqual([run.address("alice")]);
    const found = (await messages(sb, run)).find((m) => m.subject === `hello over ${name}`);
    expect(found?.inbox).toBe(run.address("alice"));
    const full = (await (await sb.api(run, `/v1/runs/${run.id}/messages/${found?.id}`)).json()) as {
      envelope: { tls: boolean; mailFrom: string };
    };
    expect(full.envelope.tls).toBe(name !== "plain");
    expect(full.envelope.mailFrom).toBe("app@example.com");
  });

  it.each(["plain", "starttls", "ssl"])("Python smtplib (%s) delivers byte for byte", async (mode) => {
    const subject = `smtplib ${mode} ${Date.now()}`;
    const sent = `From: a@example.com\r\nTo: ${run.address("bob")}\r\nSubject: ${subject}\r\n\r\nline one\r\nline two\r\n`;
    const port = mode === "ssl" ? sb.ports.smtps : sb.ports.smtp;
    const code = await runPython(
      smtplib,
      [mode, "127.0.0.1", String(port), "a@example.com", run.address("bob")],
      sent,
    );
    expect(code.trim()).toBe("250");
    const found = (await messages(sb, run)).find((m) => m.subject === subject);
    expect(found).toBeDefined();
    const raw = Buffer.from(
      await (await sb.api(run, `/v1/runs/${run.id}/messages/${found?.id}/raw`)).arrayBuffer(),
    );
    expect(withoutPrepended(raw).toString("latin1")).toBe(sent);
  });

  it("routes by SMTP AUTH whatever the recipient domain", async () => {
    const t = transport({ ignoreTLS: true, auth: { user: run.id, pass: run.token } });
    await t.sendMail({
      from: "app@example.com",
      to: "someone@real-looking.example",
      subject: "auth routed",
      text: "x",
    });
    const found = (await messages(sb, run)).find((m) => m.subject === "auth routed");
    expect(found?.inbox).toBe("someone@real-looking.example");
  });

  it("rejects AUTH with another run's token (535)", async () => {
    const other = await sb.createRun();
    const t = transport({ ignoreTLS: true, auth: { user: run.id, pass: other.token } });
    await expect(t.sendMail({ from: "a@example.com", to: "x@example.com", text: "x" })).rejects.toMatchObject(
      {
        responseCode: 535,
      },
    );
  });

  it("catches mail for no run in the default run", async () => {
    const t = transport({ ignoreTLS: true });
    await t.sendMail({ from: "a@example.com", to: "nobody@nowhere.example", subject: "caught", text: "x" });
    const def = sb.defaultRun;
    expect(def?.id).toBe("default");
    const list = await messages(sb, { id: "default", token: def?.token ?? "" });
    expect(list.some((m) => m.subject === "caught" && m.inbox === "nobody@nowhere.example")).toBe(true);
  });

  it("answers 552 to a message over the size limit, by SIZE and during DATA", async () => {
    const big = "x".repeat(300_000);
    const t = transport({ ignoreTLS: true });
    await expect(
      t.sendMail({ from: "a@example.com", to: run.address("big"), text: big }),
    ).rejects.toMatchObject({
      responseCode: 552,
    });
    // smtplib sends no SIZE parameter here (mail_options empty), so the limit is enforced on the DATA stream.
    const raw = `Subject: big\r\n\r\n${big}\r\n`;
    const code = await runPython(
      smtplib,
      ["plain", "127.0.0.1", String(sb.ports.smtp), "a@example.com", run.address("big")],
      raw,
    );
    expect(code.trim()).toBe("552");
    expect((await messages(sb, run)).some((m) => m.inbox === run.address("big"))).toBe(false);
  });

  it("stores malformed MIME exactly as received", async () => {
    const junk = Buffer.concat([
      Buffer.from(`Subject: broken\r\nContent-Type: multipart/mixed; boundary="nope"\r\nX-Bin: `),
      Buffer.from([0xff, 0xfe, 0x80, 0x81]),
      Buffer.from("\r\n\r\n--wrong\r\nno end boundary, 8-bit: \u00e9\r\n", "utf8"),
    ]);
    const code = await runPython(
      smtplib,
      ["plain", "127.0.0.1", String(sb.ports.smtp), "a@example.com", run.address("junk")],
      junk,
    );
    expect(code.trim()).toBe("250");
    const found = (await messages(sb, run)).find((m) => m.inbox === run.address("junk"));
    const raw = Buffer.from(
      await (await sb.api(run, `/v1/runs/${run.id}/messages/${found?.id}/raw`)).arrayBuffer(),
    );
    expect(withoutPrepended(raw).equals(junk)).toBe(true);
  });
});

describe("SMTP without catch-all", () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox({ SANDMAIL_CATCH_ALL: "false" });
  });
  afterAll(() => sb.close());

  it("answers 550 5.1.1 for mail to no run, over nodemailer and smtplib", async () => {
    const t = nodemailer.createTransport({ host: "127.0.0.1", port: sb.ports.smtp, ignoreTLS: true });
    await expect(
      t.sendMail({ from: "a@example.com", to: "x@norun.sandmail.test", text: "x" }),
    ).rejects.toMatchObject({
      responseCode: 550,
    });
    const code = await runPython(
      smtplib,
      ["plain", "127.0.0.1", String(sb.ports.smtp), "a@example.com", "x@example.org"],
      "Subject: x\r\n\r\nx\r\n",
    );
    expect(code.trim()).toBe("550");
  });
});
