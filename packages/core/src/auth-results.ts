/*
 * Authentication results (SPF, DKIM, DMARC, ARC) as sandmail reports them: stored with the
 * message, returned by the API and asserted on unchanged. The zod schemas are the one definition;
 * the types are inferred from them. They live in core because the store and mime packages use the
 * types and the API serves the schemas.
 */
import { z } from "zod";

/** RFC 8601 result values sandmail reports for SPF, DKIM, DMARC and ARC. */
export const AuthResultValues = [
  "pass",
  "fail",
  "softfail",
  "neutral",
  "none",
  "temperror",
  "permerror",
  "policy",
] as const;

export const AuthResultValue = z
  .enum(AuthResultValues)
  .describe("RFC 8601 result.")
  .meta({ examples: ["pass"] });

export const SpfResult = z
  .object({
    result: AuthResultValue,
    domain: z
      .string()
      .optional()
      .describe("The domain whose SPF policy was checked (envelope sender, or HELO for a null sender).")
      .meta({ examples: ["shop.example"] }),
    reason: z.string().optional(),
  })
  .meta({ id: "SpfResult" });

export const DkimResult = z
  .object({
    result: AuthResultValue,
    domain: z
      .string()
      .describe("The signing domain (d=).")
      .meta({ examples: ["shop.example"] }),
    selector: z
      .string()
      .describe("The selector (s=).")
      .meta({ examples: ["mail2026"] }),
    algorithm: z
      .string()
      .optional()
      .meta({ examples: ["rsa-sha256", "ed25519-sha256"] }),
    aligned: z.boolean().optional().describe("Whether d= aligns (relaxed) with the From domain."),
    reason: z.string().optional(),
  })
  .meta({ id: "DkimResult" });

export const DmarcResult = z
  .object({
    result: AuthResultValue,
    domain: z.string().optional().describe("The From domain the policy applies to."),
    policy: z
      .string()
      .optional()
      .describe("The policy the record asks for.")
      .meta({ examples: ["reject"] }),
    reason: z.string().optional(),
  })
  .meta({ id: "DmarcResult" });

export const ArcResult = z
  .object({
    result: AuthResultValue,
    instance: z.number().int().optional().describe("The highest ARC instance (i=) in the chain."),
    reason: z.string().optional(),
  })
  .meta({ id: "ArcResult" });

/** One result inside an Authentication-Results header, e.g. `spf=pass smtp.mailfrom=a@b.example`. */
export const ReceivedMethodResult = z.object({
  method: z
    .string()
    .describe("Lowercased method name: spf, dkim, dmarc, arc, iprev, auth, ...")
    .meta({ examples: ["dkim"] }),
  methodVersion: z.number().int().optional(),
  result: z
    .string()
    .describe("Lowercased result as written.")
    .meta({ examples: ["pass"] }),
  reason: z.string().optional(),
  comment: z.string().optional().describe("Comments attached to the result, joined by a space."),
  properties: z
    .record(z.string(), z.string())
    .describe("Keyed by `ptype.property`, lowercased, e.g. `header.d`.")
    .meta({ examples: [{ "header.d": "shop.example" }] }),
});

export const ReceivedAuthResult = z
  .object({
    authservId: z
      .string()
      .describe("Who wrote the header.")
      .meta({ examples: ["mx.forwarder.example"] }),
    version: z.number().int().optional(),
    results: z.array(ReceivedMethodResult).describe("Empty when the header says `none`."),
    raw: z.string().describe("The header value as received (unfolded)."),
  })
  .meta({ id: "ReceivedAuthResult" });

export const AuthSummary = z
  .object({
    spf: SpfResult.nullable().describe("null when SPF could not apply (no valid client address)."),
    dkim: z.array(DkimResult).describe("One entry per DKIM-Signature; empty when unsigned."),
    dmarc: DmarcResult.nullable().describe("null when there is no single From address to align."),
    arc: ArcResult.nullable(),
    received: z
      .array(ReceivedAuthResult)
      .describe("Authentication-Results headers the message already carried, most recent first."),
  })
  .describe(
    "SPF, DKIM, DMARC and ARC as checked when the message arrived over SMTP, against the run's DNS records (PUT /dns). null for mail that did not come over SMTP (IMAP APPEND).",
  )
  .meta({
    id: "AuthResults",
    examples: [
      {
        spf: { result: "pass", domain: "shop.example" },
        dkim: [
          { result: "pass", domain: "shop.example", selector: "s1", algorithm: "rsa-sha256", aligned: true },
        ],
        dmarc: { result: "pass", domain: "shop.example", policy: "reject" },
        arc: { result: "none" },
        received: [],
      },
    ],
  });

export type AuthResultValue = z.infer<typeof AuthResultValue>;
export type SpfResult = z.infer<typeof SpfResult>;
export type DkimResult = z.infer<typeof DkimResult>;
export type DmarcResult = z.infer<typeof DmarcResult>;
export type ArcResult = z.infer<typeof ArcResult>;
export type ReceivedMethodResult = z.infer<typeof ReceivedMethodResult>;
export type ReceivedAuthResult = z.infer<typeof ReceivedAuthResult>;
/** What the checks at ingest concluded, kept with the message. */
export type AuthSummary = z.infer<typeof AuthSummary>;
