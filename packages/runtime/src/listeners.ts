/**
 * TCP listeners shared by the mail front ends (IMAP, POP3): an implicit-TLS listener (RFC 8314)
 * that recognises a client speaking plain text to it, and a listen() that reports the port got.
 */
import { createServer, type Server, type Socket } from "node:net";
import { type SecureContext, TLSSocket } from "node:tls";
import type { ConnectionLimiter } from "./connection-limiter.js";
import type { Logger } from "./logger.js";
import { endSocket } from "./socket-io.js";

export interface ImplicitTlsOptions {
  secureContext: SecureContext;
  /** Every accepted socket, before anything is read (for tracking and shutdown). */
  onSocket(socket: Socket): void;
  /** The handshake completed. */
  onSecure(socket: TLSSocket): void;
  /** The first bytes were not a TLS record: say why (the protocol's own words) before closing. */
  plainTextReply(socket: Socket): string;
  onHandshakeError(err: Error): void;
}

export function createImplicitTlsServer(options: ImplicitTlsOptions): Server {
  return createServer((socket) => {
    options.onSocket(socket);
    socket.on("error", () => socket.destroy());
    socket.once("data", (first: Buffer) => {
      if (first[0] !== 0x16) {
        endSocket(socket, options.plainTextReply(socket));
        return;
      }
      // Hand the ClientHello back to the socket: the TLS layer reads what is buffered first.
      socket.pause();
      socket.unshift(first);
      const secure = new TLSSocket(socket, { isServer: true, secureContext: options.secureContext });
      secure.on("error", (err) => {
        options.onHandshakeError(err);
        secure.destroy();
      });
      secure.once("secure", () => options.onSecure(secure));
    });
  });
}

/** Listens on host:port; resolves with the port actually bound (port 0 picks a free one). */
export function listenOn(server: Server, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const addr = server.address();
      resolve(typeof addr === "object" && addr ? addr.port : port);
    });
  });
}

/** Stops accepting; resolves when the server is closed (at once if it never listened). */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
}

/** One client's session on a listener pair: started when admitted, told to end at shutdown. */
export interface ListenerSession {
  start(): void;
  /** Service shutdown: say goodbye in the protocol's words and close. */
  shutdown(): void;
}

export interface ListenerPairOptions {
  /** Names the protocol in log lines ("imap", "pop3"). */
  protocol: string;
  /** The service's logger: handshake failures and where it listens. */
  logger: Logger;
  /** Where to listen: the plain port, the implicit-TLS port and the host (port 0 picks a free one). */
  address: { port: number; tlsPort: number; host: string };
  secureContext: SecureContext;
  /** A client connected: on the plain port (`tls` false) or after the implicit-TLS handshake. */
  open(socket: Socket, tls: boolean): ListenerSession;
  /** What the implicit-TLS port answers to plain text, in the protocol's words. */
  plainTextReply(socket: Socket): string;
  /** Bounds open connections per client address and in all; without it, none. */
  limiter?: ConnectionLimiter;
  /** What a plain-port client over the limit is told before the connection closes (its protocol's words). */
  tooManyReply?: string;
}

export interface ListenerPair {
  /** Resolves with the ports actually bound. */
  listen(): Promise<{ port: number; tlsPort: number }>;
  /** Sessions whose socket is still open. */
  readonly sessionCount: number;
  /** Shuts every session down, stops accepting and destroys every socket still open. */
  close(): Promise<void>;
}

/** The plain (STARTTLS / STLS) and implicit-TLS listeners of one mail protocol. */
export function createListenerPair(options: ListenerPairOptions): ListenerPair {
  const sockets = new Set<Socket>();
  /** Admits the socket (false: refused and closing). */
  const track = (socket: Socket, plainText: boolean): boolean => {
    socket.on("error", () => socket.destroy());
    const release = options.limiter ? options.limiter.admit(socket.remoteAddress) : () => {};
    if (!release) {
      // On the implicit-TLS port nothing readable can be said before a handshake: just close.
      if (plainText && options.tooManyReply) endSocket(socket, options.tooManyReply);
      else socket.destroy();
      return false;
    }
    sockets.add(socket);
    socket.once("close", () => {
      sockets.delete(socket);
      release();
    });
    socket.setNoDelay(true);
    return true;
  };
  const sessions = new Set<ListenerSession>();
  const open = (socket: Socket, tls: boolean) => {
    const session = options.open(socket, tls);
    sessions.add(session);
    socket.once("close", () => sessions.delete(session));
    session.start();
  };
  const plain = createServer((socket) => {
    if (track(socket, true)) open(socket, false);
  });
  const implicit = createImplicitTlsServer({
    secureContext: options.secureContext,
    // A refused socket is destroyed here, so it never reaches the handshake.
    onSocket: (socket) => void track(socket, false),
    onSecure: (secure) => open(secure, true),
    plainTextReply: options.plainTextReply,
    onHandshakeError: (err) =>
      options.logger.info({ err: err.message }, `${options.protocol} TLS handshake failed`),
  });
  return {
    async listen() {
      const { port, tlsPort, host } = options.address;
      const ports = {
        port: await listenOn(plain, port, host),
        tlsPort: await listenOn(implicit, tlsPort, host),
      };
      options.logger.info({ host, ...ports }, `${options.protocol} listening`);
      return ports;
    },
    get sessionCount() {
      return sessions.size;
    },
    async close() {
      for (const session of [...sessions]) session.shutdown();
      const closing = [plain, implicit].map(closeServer);
      for (const socket of sockets) socket.destroy();
      await Promise.all(closing);
    },
  };
}
