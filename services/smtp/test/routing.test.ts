import { CatchAllRun, type MailStore, MemoryStore } from "@sandmail/store";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness, withoutReceived } from "./support/harness.js";
import { pythonSend } from "./support/python-smtp.js";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const transport = (auth?: { user: string; pass: string }) =>
  nodemailer.createTransport({
    host: "127.0.0.1",
    port: h.port,
    secure: false,
    ignoreTLS: true,
    ...(auth ? { auth } : {}),
  });

const domain = "sandmail.test";

describe("routing by domain", () => {
  it("delivers <local>@<run>.<domain> into that run, inbox = the address lowercased", async () => {
    const run = await h.createRun();
    const to = `Alice@${run.id}.SandMail.Test`;
    const info = await transport().sendMail({
      from: "app@example.com",
      to,
      subject: "hello",
      text: "first",
    });
    expect(info.response).toMatch(/^250 /);
    const [msg, ...rest] = await h.messages(run.id);
    expect(rest).toHaveLength(0);
    expect(msg?.address).toBe(`alice@${run.id}.sandmail.test`);
    expect(msg?.mailbox).toBe("INBOX");
    expect(msg?.summary.subject).toBe("hello");
    expect(msg?.envelope).toMatchObject({
      mailFrom: "app@example.com",
      // smtp-server lowercases the domain (IDN normalization); the local part stays as given.
      rcptTo: [`Alice@${run.id}.sandmail.test`],
      clientAddress: expect.stringMatching(/127\.0\.0\.1/),
      tls: false,
    });
    expect(msg?.envelope?.authUser).toBeUndefined();
  });

  it("prepends a Received header naming helo, client, host, protocol, id and recipient", async () => {
    const run = await h.createRun();
    const to = `bob@${run.id}.${domain}`;
    const info = await nodemailer
      .createTransport({ host: "127.0.0.1", port: h.port, ignoreTLS: true, name: "client.example" })
      .sendMail({ from: "a@example.com", to, subject: "r", text: "x" });
    const [msg] = await h.messages(run.id);
    const { received } = withoutReceived(await h.raw(run.id, msg!.id));
    const id = /queued as ([0-9A-F]+)/.exec(info.response)?.[1];
    expect(id).toBeTruthy();
    expect(received).toMatch(
      new RegExp(
        `^Received: from client\\.example \\(\\[127\\.0\\.0\\.1\\]\\) by mx\\.sandmail\\.test with ESMTP id ${id} for <${to}>; \\w{3}, \\d{2} \\w{3} \\d{4} \\d{2}:\\d{2}:\\d{2} \\+0000$`,
      ),
    );
    expect(msg?.envelope?.helo).toBe("client.example");
  });

  it("rejects mail for no run with 550 5.1.1 naming the expected domain", async () => {
    const err = await transport()
      .sendMail({ from: "a@example.com", to: "someone@example.org", subject: "x", text: "x" })
      .catch((e: { responseCode?: number; response?: string }) => e);
    expect(err).toMatchObject({ responseCode: 550 });
    expect((err as { response: string }).response).toMatch(/^550 5\.1\.1 .*@<run id>\.sandmail\.test/);
  });

  it("rejects a recipient at an unknown run id with 550 naming the run", async () => {
    const r = await pythonSend({
      port: h.port,
      mode: "plain",
      from: "a@example.com",
      to: [`x@nosuchrun.${domain}`],
      message: "Subject: x\r\n\r\nbody\r\n",
    });
    expect(r).toMatchObject({ ok: false, code: 550 });
    expect(r.error).toMatch(/5\.1\.1 .*nosuchrun/);
  });

  it("does not accept <local>@<run>.<another domain>", async () => {
    const run = await h.createRun();
    const err = await transport()
      .sendMail({ from: "a@example.com", to: `x@${run.id}.other.test`, subject: "x", text: "x" })
      .catch((e: { responseCode?: number }) => e);
    expect(err).toMatchObject({ responseCode: 550 });
    expect(await h.messages(run.id)).toHaveLength(0);
  });

  it("gives each of two runs one copy with only its own recipients in the envelope", async () => {
    const a = await h.createRun();
    const b = await h.createRun();
    const aTo = [`one@${a.id}.${domain}`, `two@${a.id}.${domain}`];
    const bTo = [`three@${b.id}.${domain}`];
    const info = await transport().sendMail({
      from: "app@example.com",
      to: [aTo[0]!, bTo[0]!, aTo[1]!],
      subject: "fan-out",
      text: "to everyone",
    });
    expect(info.accepted).toHaveLength(3);

    const inA = await h.messages(a.id);
    expect(inA.map((m) => m.address).sort()).toEqual([...aTo].sort());
    for (const m of inA) expect([...(m.envelope?.rcptTo ?? [])].sort()).toEqual([...aTo].sort());

    const inB = await h.messages(b.id);
    expect(inB.map((m) => m.address)).toEqual(bTo);
    expect(inB[0]?.envelope?.rcptTo).toEqual(bTo);
    const rawB = (await h.raw(b.id, inB[0]!.id)).toString("utf8");
    expect(rawB).not.toContain(`${a.id}.${domain}>;`);
    expect(withoutReceived(await h.raw(b.id, inB[0]!.id)).received).toContain(`for <${bTo[0]}>`);
  });

  it("accepts the run's recipients and refuses the others in one transaction", async () => {
    const run = await h.createRun();
    const r = await pythonSend({
      port: h.port,
      mode: "plain",
      from: "a@example.com",
      to: [`in@${run.id}.${domain}`, "out@example.org"],
      message: "Subject: partial\r\n\r\nbody\r\n",
    });
    expect(r.ok).toBe(true);
    expect(r.refused?.["out@example.org"]?.[0]).toBe(550);
    const msgs = await h.messages(run.id);
    expect(msgs).toHaveLength(1);
    expect(msgs[0]?.envelope?.rcptTo).toEqual([`in@${run.id}.${domain}`]);
  });
});

describe("routing by SMTP AUTH", () => {
  it("AUTH PLAIN delivers every recipient into the run, whatever the domain", async () => {
    const run = await h.createRun();
    const t = nodemailer.createTransport({
      host: "127.0.0.1",
      port: h.port,
      ignoreTLS: true,
      auth: { user: run.id, pass: run.token },
      authMethod: "PLAIN",
    });
    await t.sendMail({
      from: "noreply@shop.example",
      to: ["Customer@Gmail.com", "other@example.org"],
      subject: "order",
      text: "thanks",
    });
    const msgs = await h.messages(run.id);
    expect(msgs.map((m) => m.address).sort()).toEqual(["customer@gmail.com", "other@example.org"]);
    expect(msgs[0]?.envelope).toMatchObject({
      authUser: run.id,
      rcptTo: ["Customer@gmail.com", "other@example.org"],
    });
    expect(withoutReceived(await h.raw(run.id, msgs[0]!.id)).received).toContain(" with ESMTPA id ");
  });

  it("AUTH LOGIN works the same (Python smtplib)", async () => {
    const run = await h.createRun();
    const r = await pythonSend({
      port: h.port,
      mode: "plain",
      from: "py@example.com",
      to: ["user@real-looking.example"],
      message: "Subject: py\r\n\r\nhi\r\n",
      login: { user: run.id, password: run.token },
    });
    expect(r).toMatchObject({ ok: true });
    expect(r.features).toEqual(expect.arrayContaining(["auth"]));
    const msgs = await h.messages(run.id);
    expect(msgs.map((m) => m.address)).toEqual(["user@real-looking.example"]);
    expect(msgs[0]?.envelope?.authUser).toBe(run.id);
  });

  it("nodemailer with authMethod LOGIN", async () => {
    const run = await h.createRun();
    await nodemailer
      .createTransport({
        host: "127.0.0.1",
        port: h.port,
        ignoreTLS: true,
        auth: { user: run.id, pass: run.token },
        authMethod: "LOGIN",
      })
      .sendMail({ from: "a@example.com", to: "b@example.net", subject: "login", text: "x" });
    expect((await h.messages(run.id)).map((m) => m.summary.subject)).toEqual(["login"]);
  });

  it("answers a wrong password with 535 5.7.8 and stores nothing", async () => {
    const run = await h.createRun();
    const err = await transport({ user: run.id, pass: `${run.token}x` })
      .sendMail({ from: "a@example.com", to: "b@example.net", subject: "x", text: "x" })
      .catch((e: { responseCode?: number; response?: string }) => e);
    expect(err).toMatchObject({ responseCode: 535 });
    expect((err as { response: string }).response).toMatch(/^535 5\.7\.8 /);
    expect(await h.messages(run.id)).toHaveLength(0);
  });

  it("answers an unknown run id with 535 as well", async () => {
    const r = await pythonSend({
      port: h.port,
      mode: "plain",
      from: "a@example.com",
      to: ["b@example.net"],
      message: "Subject: x\r\n\r\nx\r\n",
      login: { user: "nosuchrun", password: "whatever-token" },
    });
    expect(r).toMatchObject({ ok: false, code: 535 });
  });

  it("does not let one run's token authenticate as another run", async () => {
    const a = await h.createRun();
    const b = await h.createRun();
    const err = await transport({ user: b.id, pass: a.token })
      .sendMail({ from: "a@example.com", to: "b@example.net", subject: "x", text: "x" })
      .catch((e: { responseCode?: number }) => e);
    expect(err).toMatchObject({ responseCode: 535 });
    expect(await h.messages(a.id)).toHaveLength(0);
    expect(await h.messages(b.id)).toHaveLength(0);
  });
});

describe("catch-all", () => {
  const catchAllOf = (store: MailStore) =>
    new CatchAllRun(store, {
      id: "default",
      token: "catch-all-token-0123456789",
      label: "catch-all",
      ttlSeconds: 3600,
      limits: { maxMessages: 100, maxBytes: 10_000_000 },
    });

  it("takes mail for no run into the catch-all run, inbox = the recipient; a gone run's address gets 550", async () => {
    const c = await startHarness();
    try {
      const other = await startHarness({ store: c.store, catchAll: catchAllOf(c.store) });
      try {
        const catchAll = await c.createRun({ id: "default" });
        const r = await pythonSend({
          port: other.port,
          mode: "plain",
          from: "a@example.com",
          to: ["Somebody@Example.org", `x@gone.${domain}`],
          message: "Subject: caught\r\n\r\nbody\r\n",
        });
        expect(r).toMatchObject({
          ok: true,
          refused: { [`x@gone.${domain}`]: [550, expect.stringContaining("5.1.1")] },
        });
        const msgs = await c.messages(catchAll.id);
        expect(msgs.map((m) => m.address)).toEqual(["somebody@example.org"]);

        // A real run gets its own mail, not the catch-all; once deleted, its address is refused.
        const run = await c.createRun();
        const send = () =>
          nodemailer
            .createTransport({ host: "127.0.0.1", port: other.port, ignoreTLS: true })
            .sendMail({ from: "a@example.com", to: `me@${run.id}.${domain}`, subject: "mine", text: "x" });
        await send();
        expect(await c.messages(run.id)).toHaveLength(1);
        await c.store.deleteRun(run.id);
        await expect(send()).rejects.toMatchObject({
          responseCode: 550,
          response: expect.stringContaining("5.1.1"),
        });
        expect(await c.messages(catchAll.id)).toHaveLength(1);
      } finally {
        await other.stop();
      }
    } finally {
      await c.stop();
    }
  });

  it("creates the catch-all run again, with the same token, when it went missing", async () => {
    const store = new MemoryStore();
    const catchAll = catchAllOf(store);
    const c = await startHarness({ store, catchAll });
    try {
      const send = (subject: string) =>
        nodemailer
          .createTransport({ host: "127.0.0.1", port: c.port, ignoreTLS: true })
          .sendMail({ from: "a@example.com", to: "x@example.org", subject, text: "x" });
      await send("first");
      const before = await store.getRun("default");
      expect(before?.token).toBe("catch-all-token-0123456789");
      // What a Redis that lost its data looks like to sandmail: the run is simply gone.
      await store.deleteRun("default");
      await send("second");
      const after = await store.getRun("default");
      expect(after?.token).toBe(before?.token);
      expect((await c.messages("default")).map((m) => m.summary.subject)).toEqual(["second"]);
    } finally {
      await c.stop();
      await store.close();
    }
  });
});
