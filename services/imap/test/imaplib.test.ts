import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { message, seed, startServer, type TestServer } from "./support/server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
  await seed(
    server,
    [1, 2, 3, 4].map((n) => message(n)),
  );
});

afterAll(() => server.close());

function runScript(): Promise<Record<string, unknown>> {
  const script = fileURLToPath(new URL("./support/imaplib_session.py", import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(
      "python3",
      [script, String(server.port), String(server.tlsPort), server.address, server.token],
      { timeout: 20_000 },
      (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    );
  });
}

describe("Python imaplib against sandmail IMAP", () => {
  it("runs every command and extension the way imaplib sends them", async () => {
    const out = await runScript();
    expect(out.tls_login).toBe("OK");
    expect(out.starttls).toBe("OK");
    expect(out.capabilities).toEqual(
      expect.arrayContaining(["IMAP4REV1", "IDLE", "UIDPLUS", "MOVE", "LITERAL+"]),
    );
    expect(out.auth_plain).toBe("OK");
    expect(out.namespace).toEqual(['(("" "/")) NIL NIL']);
    expect(out.list).toEqual(
      expect.arrayContaining(['(\\HasNoChildren \\Sent) "/" "Sent"', '(\\HasNoChildren) "/" "INBOX"']),
    );
    expect(out.lsub).toContain('(\\HasNoChildren) "/" "INBOX"');
    expect(out.xlist).toContain('(\\HasNoChildren \\Inbox) "/" "INBOX"');
    expect(out.xlist).toContain('(\\HasNoChildren \\Spam) "/" "Junk"');
    expect(out.select).toEqual(["OK", ["4"]]);
    const sel = out.select_untagged as Record<string, string[]>;
    expect(sel.FLAGS).toEqual(["(\\Answered \\Flagged \\Deleted \\Seen \\Draft)"]);
    expect(sel.PERMANENTFLAGS![0]).toContain("\\*");
    expect(sel.RECENT).toEqual(["4"]);
    expect(Number(sel.UIDVALIDITY![0])).toBeGreaterThan(0);
    expect(sel.UIDNEXT).toEqual(["5"]);
    expect(sel.UNSEEN).toEqual(["1"]);
    expect(out.fetch_partial).toEqual([`1 (BODY[]<0> {20}|${message(1).subarray(0, 20).toString()}`]);
    expect(out.fetch_header_fields).toEqual([
      "2 (BODY[HEADER.FIELDS (SUBJECT)] {22}|Subject: Message 2\r\n\r\n",
    ]);
    expect((out.fetch_text as string[])[0]).toContain("Hello number 2.");
    expect(out.flags_after_text).toEqual(["2 (FLAGS (\\Seen \\Recent))"]);
    expect(out.uid_fetch).toEqual(["3 (UID 3 FLAGS (\\Recent))", "4 (UID 4 FLAGS (\\Recent))"]);
    expect(out.store_silent).toEqual(["None"]);
    expect(out.store_plus).toEqual(["1 (FLAGS (\\Flagged \\Answered \\Recent))"]);
    expect(out.store_minus).toEqual(["1 (FLAGS (\\Flagged \\Recent))"]);
    expect(out.store_set).toEqual(["3 (FLAGS (\\Deleted \\Recent $Work))"]);
    expect(out.search_all).toEqual(["1 2 3 4"]);
    expect(out.search_or).toEqual(["1 3"]);
    expect(out.search_not).toEqual(["1 3 4"]);
    expect(out.search_utf8).toEqual(["1 2 3 4"]);
    expect(out.search_badcharset).toEqual(["NO", expect.stringContaining("[BADCHARSET (US-ASCII UTF-8)]")]);
    expect(out.uid_search).toEqual(["2 3 4"]);
    expect(out.copy).toEqual([expect.stringMatching(/^\[COPYUID \d+ 1:2 1:2\] COPY completed$/)]);
    expect(out.expunge).toEqual(["3"]);
    expect(out.uid_move).toBe("OK");
    expect(out.status).toEqual([
      '"Archive" (MESSAGES 2 RECENT 2 UIDNEXT 3 UIDVALIDITY ' +
        (out.status as string[])[0]!.match(/UIDVALIDITY (\d+)/)![1] +
        " UNSEEN 1)",
    ]);
    expect(out.create).toBe("OK");
    expect(out.create_dup).toBe("NO");
    expect(out.rename).toBe("OK");
    expect(out.subscribe).toBe("OK");
    expect(out.lsub_after).toEqual(['(\\HasNoChildren) "/" "Renamed"']);
    expect(out.unsubscribe).toBe("OK");
    expect(out.delete).toBe("OK");
    expect(out.delete_inbox).toBe("NO");
    expect((out.append as [string, string[]])[0]).toBe("OK");
    expect((out.append as [string, string[]])[1][0]).toMatch(/^\[APPENDUID \d+ 5\] APPEND completed$/);
    expect(out.check).toBe("OK");
    expect(out.unselect).toBe("OK");
    expect((out.examine as unknown[])[0]).toBe("OK");
    expect(out.store_readonly).toBe("NO");
    expect(out.close).toBe("OK");
    expect(out.enable).toBe("OK");
    expect(out.logout).toBe("BYE");
    // The store saw it all: the copies, the move, the expunge, the append.
    const names = Object.fromEntries(
      (await server.store.listMailboxes(server.runId, server.address)).map((m) => [m.name, m.messages]),
    );
    expect(names).toMatchObject({ INBOX: 3, Archive: 2, Trash: 1 });
  });
});
