import { connect, type Socket } from "node:net";

function readUntil(socket: Socket, done: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    // Both listeners go when done: a probe connection reads thousands of replies.
    const onError = (err: Error) => {
      socket.off("data", onData);
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      text += chunk.toString("latin1");
      if (done(text)) {
        socket.off("data", onData);
        socket.off("error", onError);
        resolve(text);
      }
    };
    socket.on("data", onData);
    socket.once("error", onError);
  });
}

/** An IMAP connection logged in to an inbox, over a plain socket, for NOOP probes. */
export async function imapNoopProbe(
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

/** Connects and waits for the SMTP greeting (a new session: the accept path, not a busy one). */
export async function smtpGreeting(port: number): Promise<void> {
  const socket = connect(port, "127.0.0.1");
  try {
    await readUntil(socket, (t) => t.includes("\r\n"));
  } finally {
    socket.destroy();
  }
}
