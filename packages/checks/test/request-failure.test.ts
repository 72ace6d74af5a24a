import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { describeRequestFailure } from "../src/links/request-failure.js";

// One wording for link checks and webhook deliveries, checked against undici's real errors.
describe("describeRequestFailure", () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
    server = undefined;
  });

  async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  it("words a server that never answers as a timeout", async () => {
    const url = await listen(() => {});
    const err = await request(url, { headersTimeout: 100 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeDefined();
    expect(describeRequestFailure(err, 100)).toBe("timed out after 100 ms");
  });

  it("words a body that stops coming as a timeout", async () => {
    const url = await listen((_req, res) => res.writeHead(200).write("x"));
    const res = await request(url, { bodyTimeout: 100 });
    const err = await res.body.text().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(describeRequestFailure(err, 100)).toBe("timed out after 100 ms");
  });

  it("names the network error's code when no one listens", async () => {
    const url = await listen(() => {});
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    const err = await request(url).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(describeRequestFailure(err, 1000)).toMatch(/ECONNREFUSED/);
  });
});
