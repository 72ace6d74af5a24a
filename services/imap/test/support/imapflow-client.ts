/** An imapflow client for the test server's plain port (not connected yet; errors are the test's). */
import { ImapFlow, type ImapFlowOptions } from "imapflow";
import type { TestServer } from "./server.js";

export function imapflowClient(server: TestServer, extra: Partial<ImapFlowOptions> = {}): ImapFlow {
  const c = new ImapFlow({
    host: "127.0.0.1",
    port: server.port,
    secure: false,
    auth: { user: server.address, pass: server.token },
    logger: false,
    tls: { rejectUnauthorized: false },
    disableAutoIdle: true,
    ...extra,
  });
  // Failures reach the test through the rejected command; the event would be unhandled.
  c.on("error", () => {});
  return c;
}
