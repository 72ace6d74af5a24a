import net from "node:net";
import { loadConfig } from "@sandmail/core";
import { silentLogger } from "@sandmail/runtime";
import { MemoryStore } from "@sandmail/store";
import { afterAll, describe, expect, it } from "vitest";
import { createSmtpService } from "../src/index.js";
import { startHarness, testTls } from "./support/harness.js";
import { LineClient } from "./support/line-client.js";

const store = new MemoryStore();
afterAll(() => store.close());

async function inData(port: number, to: string): Promise<LineClient> {
  const c = await LineClient.connect(port);
  expect((await c.read()).code).toBe(220);
  c.write(`EHLO c.test\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<${to}>\r\nDATA\r\n`);
  for (const code of [250, 250, 250, 354]) expect((await c.read()).code).toBe(code);
  c.write("Subject: in flight\r\n\r\nfirst half\r\n");
  return c;
}

const refused = (port: number) =>
  new Promise<string>((resolve) => {
    const s = net.connect({ port, host: "127.0.0.1" });
    s.once("connect", () => {
      s.destroy();
      resolve("connected");
    });
    s.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? "error"));
  });

describe("graceful close", () => {
  it("tells idle sessions 421 at once, finishes a message in flight with 250, then stops", async () => {
    const h = await startHarness({ store });
    const run = await h.createRun();
    const to = `c@${run.id}.sandmail.test`;

    const idle = await LineClient.connect(h.port);
    expect((await idle.read()).code).toBe(220);
    expect((await idle.command("EHLO idle.test")).code).toBe(250);
    const busy = await inData(h.port, to);

    const closed = h.service.close();
    expect((await idle.read()).code).toBe(421);
    await idle.waitClosed();

    busy.write("second half\r\n.\r\n");
    expect((await busy.read()).code).toBe(250);
    expect((await busy.read()).code).toBe(421);
    await busy.waitClosed();
    await closed;

    expect(await refused(h.port)).toBe("ECONNREFUSED");
    expect(await refused(h.tlsPort)).toBe("ECONNREFUSED");
    const msgs = await store.listMessages(run.id);
    expect(msgs.map((m) => m.summary.subject)).toEqual(["in flight"]);
    expect((await store.getRaw(run.id, msgs[0]!.id))?.toString()).toMatch(/first half\r\nsecond half\r\n$/);
  });

  it("drops a transaction that never finishes once the close timeout passes", async () => {
    const h = await startHarness({ store, closeTimeoutMs: 200 });
    const run = await h.createRun();
    const stalled = await inData(h.port, `s@${run.id}.sandmail.test`);
    await h.service.close();
    await stalled.waitClosed();
    expect(await store.listMessages(run.id)).toHaveLength(0);
  });

  it("close() is idempotent", async () => {
    const h = await startHarness({ store });
    await Promise.all([h.service.close(), h.service.close()]);
    await h.service.close();
    expect(await refused(h.port)).toBe("ECONNREFUSED");
  });
});

describe("listen", () => {
  it("rejects (and does not crash) when a port is taken", async () => {
    const h = await startHarness({ store });
    try {
      const clash = createSmtpService({
        config: loadConfig({ SANDMAIL_SMTP_PORT: String(h.port), SANDMAIL_SMTPS_PORT: "0" }),
        store,
        tls: await testTls(),
        logger: silentLogger(),
      });
      await expect(clash.listen()).rejects.toMatchObject({ code: "EADDRINUSE" });
      await clash.close();
    } finally {
      await h.stop();
    }
  });
});
