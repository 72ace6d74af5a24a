import { isIP } from "node:net";
import { z } from "zod";

export const MAX_DNS_RECORDS = 200;
export const MAX_DNS_VALUES = 50;
/** One TXT value, joined: a 4096-bit DKIM key is about 740 characters, so this is ample. */
export const MAX_TXT_LENGTH = 4096;
/** Sum of every value's length in one PUT. */
export const MAX_DNS_TOTAL = 256 * 1024;

const LABEL = "[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?";
const HOST_NAME = new RegExp(`^(?:${LABEL}\\.)*${LABEL}$`);

/** Lowercase, trimmed, without the trailing dot of a fully qualified name, as the resolver looks names up. */
function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, "");
}

// zod leaves examples out of the request schema for anything behind a .transform, so the example
// sits on the string before it.
const DnsName = z
  .string()
  .min(1)
  .max(254)
  .meta({ examples: ["s1._domainkey.shop.example"] })
  .transform(normalizeName)
  .refine((name) => name.length <= 253 && HOST_NAME.test(name), {
    message: "a DNS name: dot-separated labels of letters, digits, '-' and '_', each at most 63 characters",
  })
  .describe("The owner name, e.g. `s1._domainkey.shop.example`; case and a trailing dot are ignored.")
  .meta({ examples: ["s1._domainkey.shop.example"] });

export const DnsRecordType = z.enum(["TXT", "A", "AAAA", "MX", "CNAME", "PTR"]);

function valueProblem(type: z.infer<typeof DnsRecordType>, value: string): string | undefined {
  switch (type) {
    case "TXT":
      if (value.length > MAX_TXT_LENGTH) return `a TXT value is at most ${MAX_TXT_LENGTH} characters`;
      // Chunk boundaries are not kept: write a long DKIM key as one string, without zone-file quotes.
      if (/[\x00-\x1f\x7f]/.test(value)) return "a TXT value may not contain control characters";
      return undefined;
    case "A":
      return isIP(value) === 4 ? undefined : "an A value is an IPv4 address";
    case "AAAA":
      return isIP(value) === 6 ? undefined : "an AAAA value is an IPv6 address";
    case "MX": {
      const match = /^(?:(\d{1,5})\s+)?(\S+)$/.exec(value.trim());
      const host = match?.[2] ? normalizeName(match[2]) : "";
      const priority = Number(match?.[1] ?? 0);
      return match && priority <= 65535 && HOST_NAME.test(host)
        ? undefined
        : 'an MX value is "<priority> <host>" or "<host>"';
    }
    default:
      return HOST_NAME.test(normalizeName(value)) ? undefined : `a ${type} value is a host name`;
  }
}

export const DnsRecordInput = z
  .strictObject({
    name: DnsName,
    type: DnsRecordType.describe("Record type; SPF, DKIM keys and DMARC policies are TXT records."),
    values: z
      .array(z.string().min(1).max(MAX_TXT_LENGTH))
      .min(1)
      .max(MAX_DNS_VALUES)
      .meta({ examples: [["v=spf1 ip4:127.0.0.1 -all"]] })
      .describe(
        "The record's values. A TXT value is one whole string (a long DKIM key need not be split into 255-character chunks).",
      ),
  })
  .superRefine((record, ctx) => {
    record.values.forEach((value, i) => {
      const problem = valueProblem(record.type, value);
      if (problem) ctx.addIssue({ code: "custom", message: problem, path: ["values", i] });
    });
  })
  .meta({
    id: "DnsRecord",
    examples: [{ name: "shop.example", type: "TXT", values: ["v=spf1 ip4:127.0.0.1 -all"] }],
  });

export const DnsRecordView = z
  .object({
    name: z.string().meta({ examples: ["_dmarc.shop.example"] }),
    type: DnsRecordType,
    values: z.array(z.string()),
  })
  .meta({ id: "DnsRecordView" });

export const PutDnsBody = z
  .strictObject({
    records: z
      .array(DnsRecordInput)
      .max(MAX_DNS_RECORDS)
      .superRefine((records, ctx) => {
        const total = records.reduce((sum, r) => sum + r.values.reduce((n, v) => n + v.length, 0), 0);
        if (total > MAX_DNS_TOTAL) {
          ctx.addIssue({
            code: "custom",
            message: `all values together are at most ${MAX_DNS_TOTAL} characters`,
          });
        }
      })
      .describe(`Every record of the run (replaces what was set before); at most ${MAX_DNS_RECORDS}.`),
  })
  .describe(
    "The DNS the run's SPF, DKIM, DMARC and ARC checks resolve against. Names not listed answer 'no such name' (unless the server is configured to fall back to the system resolver). Applies to mail arriving after the PUT.",
  )
  .meta({
    examples: [
      {
        records: [
          { name: "shop.example", type: "TXT", values: ["v=spf1 ip4:127.0.0.1 -all"] },
          { name: "s1._domainkey.shop.example", type: "TXT", values: ["v=DKIM1; k=rsa; p=MIIBIjANBgkqh..."] },
          { name: "_dmarc.shop.example", type: "TXT", values: ["v=DMARC1; p=reject"] },
        ],
      },
    ],
  });

export const DnsRecords = z.object({ records: z.array(DnsRecordView) }).meta({
  id: "DnsRecords",
  examples: [{ records: [{ name: "shop.example", type: "TXT", values: ["v=spf1 -all"] }] }],
});
