import { connect, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** The slowest answer each probe got while an attack was in flight, and how many rounds ran. */
export interface Responsiveness {
  healthzMs: number;
  smtpGreetingMs: number;
  imapNoopMs: number;
  rounds: number;
}

function readUntil(socket: Socket, done: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const onData = (chunk: Buffer) => {
      text += chunk.toString("latin1");
      if (done(text)) {
        socket.off("data", onData);
        resolve(text);
      }
    };
    socket.on("data", onData);
    socket.once("error", reject);
  });
}

/** An IMAP connection logged in to an inbox, for NOOP probes. */
export async function imapSession(
  port: number,
  user: string,
  password: string,
): Promise<{ noop(): Promise<void>; close(): void }> {
  const socket = connect(port, "127.0.0.1");
  await readUntil(socket, (t) => t.includes("\r\n"));
  socket.write(`a LOGIN "${user}" "${password}"\r\n`);
  const login = await readUntil(socket, (t) => /^a (OK|NO|BAD)/m.test(t));
  if (!/^a OK/m.test(login)) throw new Error(`IMAP login failed: ${login}`);
  let n = 0;
  return {
    async noop() {
      const tag = `n${++n}`;
      socket.write(`${tag} NOOP\r\n`);
      await readUntil(socket, (t) => t.includes(`${tag} OK`));
    },
    close: () => socket.destroy(),
  };
}

async function smtpGreeting(port: number): Promise<void> {
  const socket = connect(port, "127.0.0.1");
  try {
    await readUntil(socket, (t) => t.includes("\r\n"));
  } finally {
    socket.destroy();
  }
}

/**
 * Probes /healthz, a fresh SMTP greeting and an IMAP NOOP, one after another, until `attack`
 * settles; returns the slowest of each. The server runs in another process, so these clocks
 * measure its event loop, not this one's.
 */
export async function probeWhile(
  attack: Promise<unknown>,
  target: { apiUrl: string; smtpPort: number; imap: { noop(): Promise<void> } },
): Promise<Responsiveness> {
  let settled = false;
  const done = attack.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  const worst: Responsiveness = { healthzMs: 0, smtpGreetingMs: 0, imapNoopMs: 0, rounds: 0 };
  const time = async (work: () => Promise<unknown>) => {
    const start = performance.now();
    await work();
    return performance.now() - start;
  };
  while (!settled) {
    worst.healthzMs = Math.max(
      worst.healthzMs,
      await time(() => fetch(`${target.apiUrl}/healthz`).then((r) => r.text())),
    );
    worst.smtpGreetingMs = Math.max(worst.smtpGreetingMs, await time(() => smtpGreeting(target.smtpPort)));
    worst.imapNoopMs = Math.max(worst.imapNoopMs, await time(() => target.imap.noop()));
    worst.rounds++;
    await Promise.race([done, sleep(10)]);
  }
  await attack;
  return worst;
}
