import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

/**
 * prompt-greeting.ts replaces smtp-server's private `SMTPConnection.init` and the server's
 * `connect`, `onConnect` and `onSecure` with copies that greet at once. Those copies are only
 * right while the originals are what they copied: this test fails on any smtp-server whose
 * versions of these four functions differ (package.json pins the version exactly), so an
 * upgrade re-reads them instead of silently dropping a check the copy lacks.
 */
const require = createRequire(new URL("../package.json", import.meta.url));
const { SMTPServer } = require("smtp-server") as { SMTPServer: { prototype: Record<string, unknown> } };
const { SMTPConnection } = require("smtp-server/lib/smtp-connection.js") as {
  SMTPConnection: { prototype: Record<string, unknown> };
};

const fingerprint = (fn: unknown) =>
  createHash("sha256").update(String(fn).replace(/\s+/g, " ")).digest("hex").slice(0, 16);

describe("the smtp-server internals prompt-greeting.ts copies", () => {
  it("is smtp-server 3.21.6, as package.json pins it", () => {
    expect((require("smtp-server/package.json") as { version: string }).version).toBe("3.21.6");
  });

  it("has the four functions it replaces exactly as they were copied", () => {
    expect({
      init: fingerprint(SMTPConnection.prototype.init),
      connect: fingerprint(SMTPServer.prototype.connect),
      onConnect: fingerprint(SMTPServer.prototype.onConnect),
      onSecure: fingerprint(SMTPServer.prototype.onSecure),
    }).toEqual({
      init: "67b68fcaf9a0a35f",
      connect: "ad2b840e38109890",
      onConnect: "acefe2c52dab8860",
      onSecure: "480110e69ef6e9ea",
    });
  });

  it("still has the private members the copies call", () => {
    for (const name of ["_setListeners", "connectionReady", "send"]) {
      expect(typeof SMTPConnection.prototype[name], name).toBe("function");
    }
    for (const name of ["_onError", "_onClientConnect"]) {
      expect(typeof SMTPServer.prototype[name], name).toBe("function");
    }
  });
});
