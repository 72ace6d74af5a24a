import { afterEach, describe, expect, it } from "vitest";
import { MAX_DNS_RECORDS, MAX_TXT_LENGTH } from "../src/schemas/dns.js";
import { bearer, createRun, makeApp, problemOf, type TestApp } from "./helpers.js";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function setup() {
  t = await makeApp();
  const run = await createRun(t.app);
  return { t, run, headers: bearer(run.token), url: `/v1/runs/${run.id}/dns` };
}

// A 2048-bit RSA key's p= is about 400 characters: one string, never split into 255-byte chunks.
const longKey = `v=DKIM1; k=rsa; p=${"A".repeat(392)}IDAQAB`;

describe("PUT /v1/runs/{run}/dns", () => {
  it("stores the records, normalizing names, and GET returns them", async () => {
    const { t, run, headers, url } = await setup();
    const records = [
      { name: "Shop.Example.", type: "TXT", values: ["v=spf1 ip4:127.0.0.1 -all"] },
      { name: "s1._domainkey.shop.example", type: "TXT", values: [longKey] },
      { name: "_dmarc.shop.example", type: "TXT", values: ["v=DMARC1; p=reject"] },
      { name: "mail.shop.example", type: "A", values: ["127.0.0.1"] },
      { name: "mail.shop.example", type: "AAAA", values: ["::1"] },
      { name: "shop.example", type: "MX", values: ["10 mail.shop.example", "mx2.shop.example."] },
      { name: "www.shop.example", type: "CNAME", values: ["shop.example"] },
      { name: "1.0.0.127.in-addr.arpa", type: "PTR", values: ["mail.shop.example"] },
    ];
    const put = await t.app.inject({ method: "PUT", url, headers, payload: { records } });
    expect(put.statusCode).toBe(200);
    const expected = records.map((r) => ({ ...r, name: r.name.toLowerCase().replace(/\.$/, "") }));
    expect(put.json()).toEqual({ records: expected });
    expect(await t.store.getDnsRecords(run.id)).toEqual(expected);
    const get = await t.app.inject({ url, headers });
    expect(get.statusCode).toBe(200);
    expect(get.json()).toEqual({ records: expected });
    expect(get.json().records[1].values[0]).toBe(longKey);
  });

  it("replaces the previous records; an empty list clears them", async () => {
    const { t, headers, url } = await setup();
    const one = { name: "a.example", type: "TXT", values: ["one"] };
    const two = { name: "b.example", type: "TXT", values: ["two"] };
    await t.app.inject({ method: "PUT", url, headers, payload: { records: [one] } });
    await t.app.inject({ method: "PUT", url, headers, payload: { records: [two] } });
    expect((await t.app.inject({ url, headers })).json()).toEqual({ records: [two] });
    await t.app.inject({ method: "PUT", url, headers, payload: { records: [] } });
    expect((await t.app.inject({ url, headers })).json()).toEqual({ records: [] });
  });

  it("keeps each run's records to itself", async () => {
    const { t, headers, url } = await setup();
    const other = await createRun(t.app);
    await t.app.inject({
      method: "PUT",
      url,
      headers,
      payload: { records: [{ name: "a.example", type: "TXT", values: ["mine"] }] },
    });
    const theirs = await t.app.inject({ url: `/v1/runs/${other.id}/dns`, headers: bearer(other.token) });
    expect(theirs.json()).toEqual({ records: [] });
    const crossed = await t.app.inject({ url: `/v1/runs/${other.id}/dns`, headers });
    expect(crossed.statusCode).toBe(401);
  });

  const bad: Array<[string, unknown, string]> = [
    ["an unknown type", { records: [{ name: "a.example", type: "SRV", values: ["x"] }] }, "records.0.type"],
    [
      "a name with spaces",
      { records: [{ name: "a b.example", type: "TXT", values: ["x"] }] },
      "records.0.name",
    ],
    [
      "a label over 63 characters",
      { records: [{ name: `${"a".repeat(64)}.example`, type: "TXT", values: ["x"] }] },
      "records.0.name",
    ],
    [
      "an A value that is not IPv4",
      { records: [{ name: "a.example", type: "A", values: ["::1"] }] },
      "records.0.values.0",
    ],
    [
      "an AAAA value that is not IPv6",
      { records: [{ name: "a.example", type: "AAAA", values: ["1.2.3.4"] }] },
      "records.0.values.0",
    ],
    [
      "an MX value with a bad host",
      { records: [{ name: "a.example", type: "MX", values: ["10 bad host"] }] },
      "records.0.values.0",
    ],
    [
      "a TXT value with a newline",
      { records: [{ name: "a.example", type: "TXT", values: ["a\nb"] }] },
      "records.0.values.0",
    ],
    [
      "a TXT value over the cap",
      { records: [{ name: "a.example", type: "TXT", values: ["x".repeat(MAX_TXT_LENGTH + 1)] }] },
      "records.0.values.0",
    ],
    [
      "a record without values",
      { records: [{ name: "a.example", type: "TXT", values: [] }] },
      "records.0.values",
    ],
    [
      "an unknown member",
      { records: [{ name: "a.example", type: "TXT", values: ["x"], ttl: 5 }] },
      "records.0",
    ],
    [
      "too many records",
      {
        records: Array.from({ length: MAX_DNS_RECORDS + 1 }, (_, i) => ({
          name: `n${i}.example`,
          type: "TXT",
          values: ["x"],
        })),
      },
      "records",
    ],
    [
      "too many bytes in all",
      {
        records: Array.from({ length: 70 }, (_, i) => ({
          name: `n${i}.example`,
          type: "TXT",
          values: ["x".repeat(4000)],
        })),
      },
      "records",
    ],
    ["no records member", {}, "records"],
  ];
  it.each(bad)("refuses %s with 400 invalid_request naming the field", async (_what, payload, path) => {
    const { t, run, headers, url } = await setup();
    const res = await t.app.inject({ method: "PUT", url, headers, payload: payload as object });
    expect(res.statusCode).toBe(400);
    const problem = problemOf(res);
    expect(problem.code).toBe("invalid_request");
    expect(problem.errors?.map((e) => e.path)).toContain(path);
    expect(await t.store.getDnsRecords(run.id)).toEqual([]);
  });
});
