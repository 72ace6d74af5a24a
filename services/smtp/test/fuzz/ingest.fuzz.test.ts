import { loadConfig } from "@sandmail/core";
import { normalizeCrlf } from "@sandmail/mime";
import { silentLogger } from "@sandmail/runtime";
import { MemoryStore } from "@sandmail/store";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { createIngest } from "../../src/ingest.js";

/**
 * Property-based fuzzing of the SMTP ingest path after DATA (routing, authentication checks,
 * trace headers, summary, atomic store step, and the MIME tree on first read): any message bytes
 * and any envelope are stored exactly (line endings normalized, our headers on top), to every
 * recipient, and never throw. Hostile senders, addresses and DKIM/ARC headers included.
 */
const CASES = 10_000;
const domain = "sandmail.test";
const store = new MemoryStore();
afterAll(() => store.close());
const ingest = createIngest({
  config: loadConfig({ SANDMAIL_DOMAIN: domain }),
  store,
  logger: silentLogger(),
  hostname: "mx.sandmail.test",
});

// Signed-looking headers take mailauth's full path (a few ms each); one case in ~15 has one, so
// the 10,000 cases fit the test run's time while both paths get hundreds of cases.
const headerLine = fc.oneof(
  {
    weight: 12,
    arbitrary: fc
      .tuple(
        fc.constantFrom("From", "To", "Subject", "Content-Type", "Date", "Received"),
        fc.string({ maxLength: 60 }),
      )
      .map(([n, v]) => `${n}: ${v}`),
  },
  { weight: 2, arbitrary: fc.constantFrom("\tcontinued", "From: <>", "From: a@example.com") },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=x; h=from; bh=AA; b=AA",
      "ARC-Seal: i=1; a=rsa-sha256; cv=none; d=example.com; s=x; b=AA",
      "Authentication-Results: mx.example.com; spf=pass",
    ),
  },
);
const raw = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.array(headerLine, { maxLength: 6 }),
        fc.string({ maxLength: 200 }),
        fc.constantFrom("\r\n", "\n"),
      )
      .map(([h, body, eol]) => Buffer.from(`${h.join(eol)}${eol}${eol}${body}`, "utf8")),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
);
const address = fc.oneof(
  { weight: 6, arbitrary: fc.emailAddress() },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.constant("") },
);
const ip = fc.oneof(
  { weight: 6, arbitrary: fc.ipV4() },
  { weight: 1, arbitrary: fc.ipV6() },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
);

describe("SMTP ingest (fast-check)", () => {
  it(`stores ${CASES} random messages byte for byte under the trace headers`, async () => {
    const run = await store.createRun({
      ttlSeconds: 600,
      limits: { maxMessages: 1_000_000, maxBytes: 1e10 },
    });
    await fc.assert(
      fc.asyncProperty(
        raw,
        address,
        fc.string({ maxLength: 20 }),
        ip,
        fc.array(fc.stringMatching(/^[a-z0-9.+-]{1,12}$/), { minLength: 1, maxLength: 3 }),
        async (bytes, mailFrom, helo, clientAddress, locals) => {
          const routes = await Promise.all(locals.map((l) => ingest.route(`${l}@${run.id}.${domain}`)));
          const { stored } = await ingest.deliver({
            raw: bytes,
            routes,
            mailFrom,
            helo,
            clientAddress,
            tls: false,
            protocol: "ESMTP",
          });
          expect(stored).toHaveLength(locals.length);
          const expected = normalizeCrlf(bytes);
          for (const message of stored) {
            const kept = await store.getRaw(run.id, message.id);
            expect(kept?.subarray(kept.length - expected.length).equals(expected)).toBe(true);
            expect(kept?.subarray(0, 24).toString()).toBe("Authentication-Results: ");
            // The MIME tree is built on first read; it must cope with whatever was stored.
            const full = await store.getMessage(run.id, message.id);
            expect(full?.mime.bodyEnd).toBeLessThanOrEqual(kept?.length ?? 0);
          }
          await store.deleteMessages(
            run.id,
            stored.map((m) => m.id),
          );
        },
      ),
      { numRuns: CASES },
    );
  }, 120_000);
});
