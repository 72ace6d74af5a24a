import { ImapFlow } from "imapflow";
import type { TestSandbox } from "./sandbox.js";

/**
 * An imapflow client logged in to the sandbox's plain IMAP port with an inbox address and run
 * token, INBOX open. It turns COMPRESS=DEFLATE on, as imapflow does, unless `compress` is false.
 */
export async function openInbox(
  sb: TestSandbox,
  address: string,
  token: string,
  { compress = true }: { compress?: boolean } = {},
): Promise<ImapFlow> {
  const client = new ImapFlow({
    disableCompression: !compress,
    host: "127.0.0.1",
    port: sb.ports.imap ?? 0,
    secure: false,
    doSTARTTLS: false,
    auth: { user: address, pass: token },
    logger: false,
  });
  await client.connect();
  await client.mailboxOpen("INBOX");
  return client;
}
