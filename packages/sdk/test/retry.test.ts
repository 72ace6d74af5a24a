import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSandbox, type TestSandbox } from "../../../test/support/sandbox.js";
import { ConnectionError, type FetchLike, Sandmail, ServerError, UnauthorizedError } from "../src/index.js";

type Action = "reset" | "503" | "pipe";

/** A TCP proxy in front of the API whose first connections misbehave as planned, then pass through. */
class FlakyProxy {
  connections = 0;
  /** What connections beyond the plan get. */
  fallback: Action = "pipe";
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();

  constructor(target: number, plan: Action[]) {
    this.#server = net.createServer((socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
      socket.on("error", () => {});
      const action = plan[this.connections++] ?? this.fallback;
      if (action === "reset") {
        socket.resetAndDestroy();
      } else if (action === "503") {
        const body = JSON.stringify({ code: "store_unavailable", status: 503, detail: "store down" });
        socket.once("data", () =>
          socket.end(
            "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/problem+json\r\n" +
              `content-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
          ),
        );
      } else {
        const upstream = net.connect(target, "127.0.0.1");
        upstream.on("error", () => socket.destroy());
        socket.on("close", () => upstream.destroy());
        socket.pipe(upstream).pipe(socket);
      }
    });
  }

  listen(port = 0): Promise<number> {
    return new Promise((resolve) => {
      this.#server.listen(port, "127.0.0.1", () => resolve((this.#server.address() as net.AddressInfo).port));
    });
  }

  /** From now on every connection is reset, open ones included. */
  breakDown(): void {
    this.fallback = "reset";
    for (const socket of this.#sockets) socket.resetAndDestroy();
  }

  close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** Counts the attempts the SDK makes; the network below is real. */
function countingFetch(onFailure?: () => Promise<void>) {
  const counter = { attempts: 0 };
  const fetchImpl: FetchLike = async (url, init) => {
    counter.attempts++;
    try {
      return await fetch(url, init);
    } catch (err) {
      await onFailure?.();
      throw err;
    }
  };
  return { counter, fetchImpl };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const fastBackoff = { baseMs: 20, maxMs: 50 };
let sb: TestSandbox;
const proxies: FlakyProxy[] = [];

beforeAll(async () => {
  sb = await startTestSandbox({}, { services: ["smtp", "api"] });
});

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await sb?.close();
});

async function proxy(plan: Action[]): Promise<{ proxy: FlakyProxy; url: string }> {
  const p = new FlakyProxy(sb.ports.api!, plan);
  proxies.push(p);
  return { proxy: p, url: `http://127.0.0.1:${await p.listen()}` };
}

describe("retries", () => {
  it("retries a refused connection until the server is up", async () => {
    const port = await freePort();
    const p = new FlakyProxy(sb.ports.api!, []);
    proxies.push(p);
    let up = false;
    // The server comes up only after the first attempt was refused.
    const { counter, fetchImpl } = countingFetch(async () => {
      if (!up) {
        up = true;
        await p.listen(port);
      }
    });
    const client = new Sandmail({ url: `http://127.0.0.1:${port}`, fetch: fetchImpl, backoff: fastBackoff });
    const run = await client.createRun();
    expect(run.id).toBeTruthy();
    expect(counter.attempts).toBe(2);
    await run.delete();
  });

  it("retries a reset connection and a 503 answer", async () => {
    const direct = new Sandmail({ url: sb.apiUrl });
    const run = await direct.createRun();
    const reset = await proxy(["reset"]);
    const viaReset = await new Sandmail({ url: reset.url, backoff: fastBackoff }).run(run.id, run.token);
    expect(viaReset.domain).toBe(run.domain);
    expect(reset.proxy.connections).toBe(2);

    const unavailable = await proxy(["503", "503"]);
    const { counter, fetchImpl } = countingFetch();
    const client = new Sandmail({ url: unavailable.url, fetch: fetchImpl, backoff: fastBackoff });
    expect((await client.run(run.id, run.token)).id).toBe(run.id);
    expect(counter.attempts).toBe(3);
    await run.delete();
  });

  it("gives up after the configured retries with a ConnectionError, or a ServerError for a lasting 503", async () => {
    const refused = `http://127.0.0.1:${await freePort()}`;
    const { counter, fetchImpl } = countingFetch();
    const client = new Sandmail({ url: refused, fetch: fetchImpl, retries: 2, backoff: fastBackoff });
    const err = await client.createRun().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).code).toBe("network_error");
    expect((err as ConnectionError).message).toMatch(/ECONNREFUSED.*after 3 attempts/);
    expect(counter.attempts).toBe(3);

    const down = await proxy(["503", "503", "503"]);
    const lasting = await new Sandmail({ url: down.url, retries: 1, backoff: fastBackoff })
      .createRun()
      .catch((e: unknown) => e);
    expect(lasting).toBeInstanceOf(ServerError);
    expect((lasting as ServerError).status).toBe(503);
    expect(down.proxy.connections).toBe(2);
  });

  it("never retries a 4xx answer", async () => {
    const { counter, fetchImpl } = countingFetch();
    const client = new Sandmail({ url: sb.apiUrl, fetch: fetchImpl, backoff: fastBackoff });
    const run = await client.createRun();
    counter.attempts = 0;
    await expect(client.run(run.id, "wrong-token")).rejects.toBeInstanceOf(UnauthorizedError);
    expect(counter.attempts).toBe(1);
    await run.delete();
  });

  it("never retries a wait past its timeout", async () => {
    const run = await new Sandmail({ url: sb.apiUrl }).createRun();
    const flaky = await proxy([]);
    const { counter, fetchImpl } = countingFetch();
    const retries = 20;
    const client = new Sandmail({ url: flaky.url, fetch: fetchImpl, retries, backoff: fastBackoff });
    const attached = await client.run(run.id, run.token);
    flaky.proxy.breakDown();
    counter.attempts = 0;
    const err = await attached.waitForMessage({}, { timeout: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    // Without the deadline it would make retries + 1 attempts; the 100 ms leave room for a few.
    expect(counter.attempts).toBeGreaterThanOrEqual(1);
    expect(counter.attempts).toBeLessThan(retries + 1);
    await run.delete();
  });
});
