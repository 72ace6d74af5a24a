import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runPython } from "../support/python.js";
import { startTestSandbox, type TestRun, type TestSandbox } from "../support/sandbox.js";
import { SseClient, type SseEvent } from "../support/sse-client.js";

const smtplib = `
import smtplib, sys
host, port, sender, rcpt, subject = sys.argv[1:6]
s = smtplib.SMTP(host, int(port))
s.sendmail(sender, [rcpt], f"From: {sender}\\r\\nTo: {rcpt}\\r\\nSubject: {subject}\\r\\n\\r\\nhi\\r\\n")
s.quit()
print("250")
`;

type Summary = { subject: string; inbox: string; id: string; seq: number };
const summary = (e: SseEvent) => e.json.message as Summary;

describe("event stream end to end: real SMTP in, SSE out", () => {
  let sb: TestSandbox;
  let run: TestRun;
  const clients: SseClient[] = [];
  const stream = async (query: string, headers: Record<string, string> = {}) => {
    const client = await SseClient.connect(`${sb.apiUrl}/v1/runs/${run.id}/events${query}`, headers);
    clients.push(client);
    return client;
  };
  const transport = () =>
    nodemailer.createTransport({
      host: "127.0.0.1",
      port: sb.ports.smtp,
      ignoreTLS: true,
      pool: true,
      maxConnections: 2,
    });

  beforeAll(async () => {
    sb = await startTestSandbox();
    run = await sb.createRun({ label: "events" });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await sb.close();
  });

  it("a browser-style stream (?token=) gets message.added with the summary for nodemailer and smtplib mail", async () => {
    const es = await stream(`?token=${encodeURIComponent(run.token)}&types=message.added`);
    expect(es.status).toBe(200);
    const t = transport();
    await t.sendMail({
      from: "app@example.com",
      to: run.address("alice"),
      subject: "Welcome, Alice",
      text: "hi",
    });
    t.close();
    const [added] = await es.take(1);
    expect(added!.event).toBe("message.added");
    expect(summary(added!)).toMatchObject({ subject: "Welcome, Alice", inbox: run.address("alice") });
    expect(Number(added!.id)).toBe(summary(added!).seq);

    expect(
      await runPython(smtplib, [
        "127.0.0.1",
        String(sb.ports.smtp),
        "a@example.com",
        run.address("bob"),
        "From Python",
      ]),
    ).toContain("250");
    const [py] = await es.take(1);
    expect(summary(py!)).toMatchObject({ subject: "From Python", inbox: run.address("bob") });
    expect(Number(py!.id)).toBeGreaterThan(Number(added!.id));
  });

  it("reconnecting with Last-Event-ID while SMTP mail keeps arriving loses and repeats nothing", async () => {
    const total = 24;
    const start = (await (await sb.api(run, `/v1/runs/${run.id}/messages?limit=1`)).json()) as {
      messages: Summary[];
    };
    const after = start.messages[0]?.seq ?? 0;
    const first = await stream(`?after=${after}&types=message.added`, {
      authorization: `Bearer ${run.token}`,
    });
    const t = transport();
    const sending = Promise.all(
      Array.from({ length: total }, (_, i) =>
        t.sendMail({
          from: "app@example.com",
          to: run.address("load"),
          subject: `load ${i}`,
          text: `n ${i}`,
        }),
      ),
    );
    const head = await first.take(8);
    first.close();
    const second = await stream("?types=message.added", {
      authorization: `Bearer ${run.token}`,
      "last-event-id": head[head.length - 1]!.id!,
    });
    await sending;
    t.close();
    const rest = await second.take(total - head.length);
    const subjects = [...head, ...rest].map((e) => summary(e).subject);
    expect([...subjects].sort()).toEqual(Array.from({ length: total }, (_, i) => `load ${i}`).sort());
    expect(new Set(subjects).size).toBe(total);
    const seqs = [...head, ...rest].map((e) => Number(e.id));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // Nothing more was pending for this filter.
    expect(second.pending).toEqual([]);
  });

  it("PATCH and DELETE over the API show up as message.flags and message.expunged", async () => {
    const es = await stream("?types=message.flags,message.expunged", {
      authorization: `Bearer ${run.token}`,
    });
    const list = (await (await sb.api(run, `/v1/runs/${run.id}/messages?limit=1`)).json()) as {
      messages: Summary[];
    };
    const id = list.messages[0]!.id;
    const patch = await sb.api(run, `/v1/runs/${run.id}/messages/${id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ flagged: true }),
    });
    expect(patch.status).toBe(200);
    expect((await sb.api(run, `/v1/runs/${run.id}/messages/${id}`, { method: "DELETE" })).status).toBe(204);
    const [flags, gone] = await es.take(2);
    expect(flags).toMatchObject({ event: "message.flags" });
    expect(flags!.json).toMatchObject({ messageId: id, flags: ["\\Flagged"] });
    expect(gone).toMatchObject({ event: "message.expunged" });
    expect(gone!.json).toMatchObject({ messageId: id });
  });
});

describe("event stream across processes sharing Redis", () => {
  let smtpSide: TestSandbox;
  let apiSide: TestSandbox;

  beforeAll(async () => {
    const env = { REDIS_URL: inject("redisUrl") };
    apiSide = await startTestSandbox(env, { services: ["api"] });
    smtpSide = await startTestSandbox(env, { services: ["smtp"] });
  });
  afterAll(async () => {
    await smtpSide.close();
    await apiSide.close();
  });

  it("mail ingested by one process reaches a stream served by another", async () => {
    const run = await apiSide.createRun();
    const es = await SseClient.connect(`${apiSide.apiUrl}/v1/runs/${run.id}/events?types=message.added`, {
      authorization: `Bearer ${run.token}`,
    });
    const t = nodemailer.createTransport({ host: "127.0.0.1", port: smtpSide.ports.smtp, ignoreTLS: true });
    await t.sendMail({
      from: "app@example.com",
      to: `x@${run.domain}`,
      subject: "across processes",
      text: "hi",
    });
    t.close();
    const [added] = await es.take(1);
    expect(summary(added!)).toMatchObject({ subject: "across processes", inbox: `x@${run.domain}` });
    es.close();
  });
});
