/**
 * The scaled-out deployment for real: a private redis-server (and then a private Redis Cluster)
 * and two processes each of SMTP,
 * IMAP and API (`sandmail serve --services X`, REDIS_URL, port 0). Mail through one SMTP
 * process wakes IDLE on the other IMAP process and a wait on the other API process; a flag set
 * through one IMAP process shows on a session of the other and in both APIs.
 */
import { ImapFlow } from "imapflow";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelClient } from "../../services/imap/test/live/support/model-client.js";
import { startRedisCluster } from "../support/redis-cluster.js";
import { startRedisServer } from "../support/redis-server.js";
import { type ServerProcess, startServerProcess } from "../support/server-process.js";

const serve = (service: "smtp" | "imap" | "api", redisUrl: string) =>
  startServerProcess({ services: service, env: { REDIS_URL: redisUrl, SANDMAIL_CATCH_ALL: "false" } });

describe.each([
  ["one Redis", startRedisServer],
  ["a Redis Cluster (3 masters, 3 replicas)", startRedisCluster],
] as const)("scale-out: 2 x SMTP, 2 x IMAP, 2 x API on %s", (_, startRedis) => {
  let redis: { url: string; stop(): Promise<void> };
  const procs: ServerProcess[] = [];
  let smtp: number[];
  let imap: number[];
  let api: string[];
  let run: { id: string; token: string; domain: string };
  const address = () => `qa@${run.domain}`;

  beforeAll(async () => {
    redis = await startRedis();
    const started = await Promise.all(
      (["smtp", "smtp", "imap", "imap", "api", "api"] as const).map((s) => serve(s, redis.url)),
    );
    procs.push(...started);
    smtp = started.slice(0, 2).map((p) => p.ports.smtp!);
    imap = started.slice(2, 4).map((p) => p.ports.imap!);
    api = started.slice(4, 6).map((p) => `http://127.0.0.1:${p.ports.api}`);
    const res = await fetch(`${api[0]}/v1/runs`, { method: "POST" });
    run = (await res.json()) as typeof run;
  }, 60_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await redis?.stop();
  });

  const send = (port: number, subject: string) =>
    nodemailer
      .createTransport({ host: "127.0.0.1", port, ignoreTLS: true })
      .sendMail({ from: "app@example.com", to: address(), subject, text: `body of ${subject}` });

  const apiGet = async (base: string, path: string) =>
    (
      await fetch(`${base}/v1/runs/${run.id}${path}`, { headers: { authorization: `Bearer ${run.token}` } })
    ).json();

  it("mail through SMTP #1 wakes IDLE on IMAP #2 and a wait on API #2", async () => {
    await send(smtp[0]!, "warm-up"); // creates the inbox
    const idler = await ModelClient.open(imap[1]!, address(), run.token, "idler");
    await idler.select();
    const before = idler.count;
    const waiting = fetch(`${api[1]}/v1/runs/${run.id}/messages/wait?subject=second&timeout=15000`, {
      headers: { authorization: `Bearer ${run.token}` },
    });
    await idler.idle();
    await send(smtp[0]!, "second");
    await idler.waitIdle(() => idler.count === before + 1, "EXISTS on the other IMAP process");
    expect(idler.idleLines).toContain(`${before + 1} EXISTS`);
    await idler.done();
    const waited = await waiting;
    expect(waited.status).toBe(200);
    expect(JSON.stringify(await waited.json())).toContain("second");
    expect(idler.violations).toEqual([]);
    await idler.close();
  });

  it("a flag set through IMAP #1 reaches a session on IMAP #2 and both APIs", async () => {
    const watcher = await ModelClient.open(imap[1]!, address(), run.token, "watcher");
    await watcher.select();
    const setter = new ImapFlow({
      host: "127.0.0.1",
      port: imap[0]!,
      secure: false,
      doSTARTTLS: false,
      auth: { user: address(), pass: run.token },
      logger: false,
    });
    await setter.connect();
    await setter.mailboxOpen("INBOX");
    await watcher.idle();
    await setter.messageFlagsAdd("1", ["\\Flagged"]);
    await watcher.waitIdle(
      () => watcher.idleLines.some((l) => /^1 FETCH .*\\Flagged/.test(l)),
      "FETCH FLAGS on the other process",
    );
    await watcher.done();
    for (const base of api) {
      const list = (await apiGet(base, "/messages?limit=50")) as {
        messages: Array<{ subject: string; flagged: boolean }>;
      };
      expect(list.messages.find((m) => m.subject === "warm-up")?.flagged).toBe(true);
    }
    // A SMTP #2 delivery and an API #2 delete reach the IMAP #1 session at its next command.
    await send(smtp[1]!, "third");
    const list = (await apiGet(api[1]!, "/messages?limit=50")) as {
      messages: Array<{ id: string; subject: string }>;
    };
    const second = list.messages.find((m) => m.subject === "second")!;
    const del = await fetch(`${api[1]}/v1/runs/${run.id}/messages/${second.id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${run.token}` },
    });
    expect(del.status).toBeLessThan(300);
    const noop = await watcher.ok("NOOP");
    expect(noop.untagged).toContain("2 EXPUNGE");
    expect(watcher.count).toBe(2);
    expect(watcher.violations).toEqual([]);
    await setter.logout();
    await watcher.close();
  });
});
