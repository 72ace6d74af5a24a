import addressparser, { type Address } from "nodemailer/lib/addressparser";
import { describe, expect, it } from "vitest";
import { decodeWords } from "../src/decode.js";
import { parseAddressList } from "../src/summary.js";

/** What parseAddressList returned before its fast path: addressparser, groups flattened. */
function viaAddressparser(value: string) {
  const flat = (e: Address): Address[] => (e.group ? e.group.flatMap(flat) : [e]);
  return addressparser(value)
    .flatMap(flat)
    .filter((e) => e.address || e.name)
    .map((e) => ({ name: decodeWords(e.name ?? "").trim(), address: e.address ?? "" }));
}

describe("parseAddressList", () => {
  // The fast path takes the plain forms; everything else falls through to addressparser. Either
  // way the answer must be addressparser's.
  const samples = [
    "a@b.com",
    "<a@b.com>",
    "  <x@y.z>  ",
    " Name <a@b.com> ",
    '"Example App" <no-reply@example.com>',
    "John Q. Public <jqp@x.org>",
    "O'Neil <o@x.io>",
    "Name<a@b.c>",
    '"" <a@b>',
    "a.b+c@d-e.f",
    "-x- <a@b>",
    "Émile <e@x.fr>",
    '"a \\" b" <a@b>',
    '"a, b" <a@b>',
    "a@b, c@d",
    "A <a@b.com> (comment)",
    "=?utf-8?q?J=C3=BCrgen?= <j@x.de>",
    '"=?utf-8?q?J=C3=BCrgen?=" <j@x.de>',
    "undisclosed-recipients:;",
    "team: a@b, c@d;",
    "x",
    "@b",
    "a@",
    "<>",
  ];
  for (const value of samples) {
    it(`reads ${JSON.stringify(value)} as addressparser does`, () => {
      expect(parseAddressList(value)).toEqual(viaAddressparser(value));
    });
  }
});
