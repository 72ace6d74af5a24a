import { indexMessage } from "@sandmail/mime";
import type { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawClient } from "../../services/imap/test/support/raw-client.js";
import { openInbox } from "../support/imap-client.js";
import { loopStallUnder } from "../support/loop-delay.js";
import { imapProbes } from "../support/responsiveness.js";
import { startTestSandbox, type TestRun, type TestSandbox } from "../support/sandbox.js";

/**
 * SORT and THREAD over 10,000 messages (one reply chain 10,000 deep, subjects of 2,000 "[x]"
 * blobs and Re: leaders) run in time slices: the server's event loop is never held 100 ms
 * meanwhile, as the server measures it (loop-delay.ts; a probe timed by the test's clock measured
 * the machine's load), and a NOOP on another connection and GET /healthz keep answering.
 */
const COUNT = 10_000;

function chainMessage(i: number): Buffer {
  const refs = i > 0 ? `References: <m${i - 1}@chain.test>\r\n` : "";
  return Buffer.from(
    `From: =?UTF-8?Q?S=C3=A9nder_${i % 97}?= <s${i % 89}@example.com>\r\nTo: t${i % 83}@example.com\r\n` +
      `Subject: ${"Re: ".repeat(i % 7)}${"[x]".repeat(2000)} topic ${i % 131}\r\n` +
      `Date: Mon, ${(i % 28) + 1} Jan 2024 10:00:00 +0000\r\nMessage-ID: <m${i}@chain.test>\r\n${refs}\r\nbody ${i}\r\n`,
  );
}

describe("SORT and THREAD keep the server responsive", () => {
  let sb: TestSandbox;
  let run: TestRun;
  let noopClient: ImapFlow;
  let attacker: RawClient;

  beforeAll(async () => {
    sb = await startTestSandbox();
    run = await sb.createRun();
    const address = run.address("sorter");
    await sb.store.ensureInbox(run.id, address);
    for (let i = 0; i < COUNT; i++) {
      const raw = chainMessage(i);
      await sb.store.appendMessage(run.id, { address, raw, meta: indexMessage(raw) });
    }
    noopClient = await openInbox(sb, address, run.token);
    attacker = await RawClient.open(sb.ports.imap ?? 0);
    expect(await attacker.command(`LOGIN ${address} ${run.token}`)).toMatch(/OK/);
    expect(await attacker.command("SELECT INBOX")).toMatch(/OK/);
  }, 240_000);
  afterAll(async () => {
    attacker?.close();
    await noopClient?.logout().catch(() => {});
    await sb?.close();
  });

  const probes = imapProbes(
    () => noopClient,
    () => sb.apiUrl,
  );

  for (const command of [
    "SORT (SUBJECT REVERSE DISPLAYFROM) UTF-8 ALL",
    "THREAD REFERENCES UTF-8 ALL",
    "THREAD ORDEREDSUBJECT UTF-8 ALL",
  ]) {
    it(command, async () => {
      await loopStallUnder(sb.apiUrl, command, () => attacker.command(command), {
        probes,
        // Every message answered once: 10,000 numbers in the one data line.
        check: (reply) => {
          expect(reply).toMatch(/^\* (SORT|THREAD) .*OK/s);
          expect(reply.split("\r\n")[0]!.match(/\d+/g)).toHaveLength(COUNT);
        },
      });
    }, 240_000);
  }
});
