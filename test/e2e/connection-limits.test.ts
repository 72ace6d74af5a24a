import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AttackServer, startAttackServer } from "../support/attack-server.js";

/*
 * issue 13: 3,000 idle IMAP and 3,000 idle SMTP connections were all accepted, and a trickle of
 * input kept unauthenticated sessions open. Limits here are small (5 per client address, a login
 * deadline of 1.5 s) so the attacks cross them in a moment. The attacker connects from 127.0.0.2
 * and 127.0.0.3 (loopback, other client addresses); the probes from 127.0.0.1 are not refused.
 */
const PER_CLIENT = 5;
const LOGIN_TIMEOUT_MS = 1500;

let attack: AttackServer;
beforeAll(async () => {
  attack = await startAttackServer({
    SANDMAIL_MAX_CONNECTIONS_PER_CLIENT: String(PER_CLIENT),
    SANDMAIL_MAX_CONNECTIONS: "200",
    SANDMAIL_LOGIN_TIMEOUT_MS: String(LOGIN_TIMEOUT_MS),
  });
}, 60_000);
afterAll(() => attack?.stop());

/** Connects from `from`, optionally writes `hello`, and resolves with everything read until the server closes or `until` matches. */
function exchange(
  port: number,
  from: string,
  until: RegExp,
  hello?: string,
): { socket: Socket; done: Promise<string> } {
  const socket = connect({ port, host: "127.0.0.1", localAddress: from });
  let text = "";
  const done = new Promise<string>((resolve) => {
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("latin1");
      if (until.test(text)) resolve(text);
    });
    socket.on("error", () => {});
    socket.on("close", () => resolve(text));
  });
  if (hello) socket.write(hello);
  return { socket, done };
}

describe("connection limits", () => {
  const cases = [
    ["SMTP", "smtp", /^220 /m, /^421 4\.7\.0 /m, undefined],
    ["IMAP", "imap", /^\* OK /m, /^\* BYE \[UNAVAILABLE\] /m, undefined],
    ["POP3", "pop3", /^\+OK /m, /^-ERR \[SYS\/TEMP\] /m, undefined],
    [
      "HTTP",
      "api",
      /^HTTP\/1\.1 200 /m,
      /^HTTP\/1\.1 503 [\s\S]*too_many_requests/m,
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
    ],
  ] as const;

  for (const [name, service, greeting, refusal, hello] of cases) {
    it(`${name}: ${PER_CLIENT} connections per client address, the next refused; other clients unaffected`, {
      timeout: 60_000,
    }, async () => {
      const port = attack.server.ports[service]!;
      let open: Socket[] = [];
      await attack.underAttack(
        `${name}: ${PER_CLIENT + 20} connections from one address`,
        async () => {
          const admitted = Array.from({ length: PER_CLIENT }, () =>
            exchange(port, "127.0.0.2", greeting, hello),
          );
          const texts = await Promise.all(admitted.map((c) => c.done));
          for (const t of texts) expect(t).toMatch(greeting);
          open = admitted.map((c) => c.socket);
          const refused = Array.from({ length: 20 }, () => exchange(port, "127.0.0.2", refusal, hello));
          for (const t of await Promise.all(refused.map((c) => c.done))) expect(t).toMatch(refusal);
          for (const c of refused) c.socket.destroy();
          // Another address still gets in while this one is at its limit.
          const other = exchange(port, "127.0.0.4", greeting, hello);
          expect(await other.done).toMatch(greeting);
          other.socket.destroy();
        },
        {
          prepare: async () => {
            // The last try's sockets go; the server counts them out as they close.
            await Promise.all(
              open.map(
                (s) =>
                  new Promise((resolve) =>
                    s.destroyed ? resolve(null) : s.once("close", resolve).destroy(),
                  ),
              ),
            );
            open = [];
          },
        },
      );
      for (const s of open) s.destroy();
    });
  }

  for (const [name, service, greeting, hello] of [
    ["IMAP", "imap", /^\* OK /m, "a CAPABILITY\r\n"],
    ["POP3", "pop3", /^\+OK /m, "CAPA\r\n"],
  ] as const) {
    it(`${name}: a client that trickles commands without logging in is closed at the login deadline`, async () => {
      const port = attack.server.ports[service]!;
      const bye = name === "IMAP" ? /^\* BYE Login timeout/m : /^-ERR \[SYS\/TEMP\] Login timeout/m;
      const started = performance.now();
      const client = exchange(port, "127.0.0.3", /$^/, undefined);
      // A command every 200 ms keeps the idle timer from ever firing; the deadline does not move.
      const trickle = setInterval(() => client.socket.write(hello), 200);
      const text = await client.done;
      clearInterval(trickle);
      const lived = performance.now() - started;
      expect(text).toMatch(greeting);
      expect(text).toMatch(bye);
      expect(lived).toBeGreaterThanOrEqual(LOGIN_TIMEOUT_MS - 50);
    });
  }
});
