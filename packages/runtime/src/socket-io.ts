/**
 * Socket plumbing shared by the line-protocol front ends (IMAP, POP3): binding a connection's
 * handlers, the in-place STARTTLS/STLS upgrade, waiting for drain and a bounded close.
 */
import type { Socket } from "node:net";
import type { Writable } from "node:stream";
import { type SecureContext, TLSSocket } from "node:tls";

export interface SocketHandlers {
  data(chunk: Buffer): void;
  /** The peer ended, the socket closed, or it failed: the session is over. */
  gone(err?: Error): void;
}

/** Binds a connection's handlers to a socket; returns what unbinds them. */
export function bindSocket(socket: Socket, handlers: SocketHandlers): () => void {
  const onData = (chunk: Buffer) => handlers.data(chunk);
  const onGone = () => handlers.gone();
  const onError = (err: Error) => handlers.gone(err);
  socket.on("data", onData);
  socket.on("end", onGone);
  socket.on("close", onGone);
  socket.on("error", onError);
  return () => {
    socket.off("data", onData);
    socket.off("end", onGone);
    socket.off("close", onGone);
    socket.off("error", onError);
  };
}

/**
 * Takes a plain socket over with TLS in place (STARTTLS, STLS). The caller has already written its
 * go-ahead reply and dropped anything pipelined after the command (CVE-2011-0411 class); the reply
 * must leave in clear text, so the plain socket is uncorked first. `rebind` moves the connection's
 * handlers to the TLS socket before any byte of the handshake is read. Resolves with the TLS socket
 * once the handshake is done or the socket closed.
 */
export async function upgradeToTls(
  plain: Socket,
  secureContext: SecureContext,
  rebind: (secure: TLSSocket) => void,
): Promise<TLSSocket> {
  while (plain.writableCorked) plain.uncork();
  const secure = new TLSSocket(plain, { isServer: true, secureContext });
  rebind(secure);
  await new Promise<void>((resolve) => {
    secure.once("secure", resolve);
    secure.once("close", resolve);
  });
  return secure;
}

/**
 * Resolves when the socket (or a stream in front of it: IMAP's deflater, an HTTP response) has
 * drained its write buffer or closed. One already destroyed has emitted its last 'close'.
 */
export function drained(socket: Writable): Promise<void> {
  if (!socket.writableNeedDrain || socket.destroyed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      socket.off("drain", done);
      socket.off("close", done);
      resolve();
    };
    socket.on("drain", done);
    socket.on("close", done);
  });
}

/** Ends the socket after what is queued (and `last`); a peer that never reads must not hold it open. */
export function endSocket(socket: Socket, last?: string): void {
  if (last === undefined) socket.end();
  else socket.end(last);
  setTimeout(() => socket.destroy(), 2_000).unref();
}
