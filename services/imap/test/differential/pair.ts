/**
 * A Dovecot and a sandmail IMAP service side by side, each with one logged-in client that the
 * same setup has filled, and the replay of one command script against both.
 */
import { type DovecotServer, startDovecot } from "../support/dovecot.js";
import { type ImapReply, RawImapClient } from "../support/imap-raw-client.js";
import { startServer, type TestServer } from "../support/server.js";
import { appendAll, loadFixtures } from "./fixtures.js";

export type Side = "dovecot" | "sandmail";

export interface ServerPair {
  clients: Record<Side, RawImapClient>;
  dovecot: DovecotServer;
  sandmail: TestServer;
  close(): Promise<void>;
}

export async function startPair(setup: (client: RawImapClient) => Promise<void>): Promise<ServerPair> {
  const [dovecot, sandmail] = await Promise.all([startDovecot(), startServer()]);
  const clients = {} as Record<Side, RawImapClient>;
  const logins: Array<[Side, number, string, string]> = [
    ["dovecot", dovecot.port, dovecot.user, dovecot.password],
    ["sandmail", sandmail.port, sandmail.address, sandmail.token],
  ];
  for (const [name, port, user, password] of logins) {
    const client = await RawImapClient.connect("127.0.0.1", port);
    await client.ok(`LOGIN "${user}" "${password}"`);
    await setup(client);
    clients[name] = client;
  }
  return {
    clients,
    dovecot,
    sandmail,
    async close() {
      await clients.dovecot.close();
      await clients.sandmail.close();
      await dovecot.stop();
      await sandmail.close();
    },
  };
}

/**
 * The pair with the 40-message corpus in INBOX and `generated` messages (see generated.ts) in
 * Gen, APPENDed in the same order to both, so both number their UIDs alike.
 */
export async function startCorpusPair(
  generated: ReadonlyArray<{ raw: Buffer; flags: string[]; internalDate: Date }>,
) {
  const fixtures = loadFixtures();
  return startPair(async (client) => {
    await client.ok("CREATE Gen");
    await appendAll(client, "INBOX", fixtures);
    await appendAll(client, "Gen", generated);
  });
}

/** Each command sent to both; where their answers (as `answer` reads them) differ, the diff. */
export async function scriptDiffs(
  pair: ServerPair,
  script: readonly string[],
  answer: (command: string, reply: ImapReply) => string[],
): Promise<string[]> {
  const diffs: string[] = [];
  for (const command of script) {
    const theirs = answer(command, await pair.clients.dovecot.command(command));
    const ours = answer(command, await pair.clients.sandmail.command(command));
    if (JSON.stringify(theirs) !== JSON.stringify(ours)) {
      const pad = "\n            ";
      diffs.push(`${command}\n  dovecot:  ${theirs.join(pad)}\n  sandmail: ${ours.join(pad)}`);
    }
  }
  return diffs;
}
