import { z } from "zod";
import { RunId, Timestamp } from "./common.js";

/** The create-run body; the TTL cap comes from configuration, hence a factory. */
export function createRunBody(maxTtlSeconds: number, defaultTtlSeconds: number) {
  const body = z
    .strictObject({
      ttlSeconds: z
        .number()
        .int()
        .min(1)
        .max(maxTtlSeconds)
        .optional()
        .describe(
          `How long the run and its mail live, in seconds; default ${defaultTtlSeconds}, at most ${maxTtlSeconds}.`,
        )
        .meta({ examples: [3600] }),
      label: z
        .string()
        .max(200)
        .optional()
        .describe("Free text to recognise the run by, e.g. the CI job.")
        .meta({ examples: ["checkout-flow #1234"] }),
    })
    .describe("All fields are optional; the body may be omitted.");
  // Fastify hands a missing body over as null.
  return z.preprocess((value) => value ?? {}, body);
}

export const RunLimits = z
  .object({
    maxMessages: z.number().int().describe("Deliveries past this many messages are refused."),
    maxBytes: z.number().int().describe("Deliveries past this many stored bytes are refused."),
  })
  .meta({ id: "RunLimits" });

export const SmtpSettings = z
  .object({
    host: z.string().meta({ examples: ["localhost"] }),
    port: z
      .number()
      .int()
      .describe("Plain SMTP port; STARTTLS is offered.")
      .meta({ examples: [2525] }),
    tlsPort: z
      .number()
      .int()
      .describe("Implicit-TLS SMTP port.")
      .meta({ examples: [4650] }),
    username: z
      .string()
      .describe("SMTP AUTH user: the run id.")
      .meta({ examples: ["k3x9q2m7za"] }),
    password: z.string().describe("SMTP AUTH password: the run token."),
  })
  .describe(
    "Ready-to-paste SMTP settings. Authenticated mail goes into this run whatever the recipient domain.",
  )
  .meta({ id: "SmtpSettings" });

export const ImapSettings = z
  .object({
    host: z.string().meta({ examples: ["localhost"] }),
    port: z
      .number()
      .int()
      .optional()
      .describe("Plain IMAP port; STARTTLS is offered.")
      .meta({ examples: [1143] }),
    tlsPort: z
      .number()
      .int()
      .optional()
      .describe("Implicit-TLS IMAP port.")
      .meta({ examples: [9933] }),
    usernameHint: z
      .string()
      .describe("The IMAP login user is an inbox address of this run.")
      .meta({ examples: ["<inbox>@k3x9q2m7za.sandmail.test"] }),
    password: z.string().describe("IMAP password: the run token."),
  })
  .describe("Ready-to-paste IMAP settings; present only when this server runs IMAP.")
  .meta({ id: "ImapSettings" });

const runFields = {
  id: RunId,
  domain: z
    .string()
    .describe("Any address at this domain is delivered into the run.")
    .meta({ examples: ["k3x9q2m7za.sandmail.test"] }),
  label: z.string().optional(),
  createdAt: Timestamp,
  expiresAt: Timestamp.describe("After this the run and all its mail are gone."),
  limits: RunLimits,
};

export const CreatedRun = z
  .object({
    ...runFields,
    token: z
      .string()
      .describe("Secret bearer token for this run's API calls, SMTP AUTH and IMAP login. Shown only once.")
      .meta({ examples: ["q0pG2yq8r0m3bX0Kf1o8m0i1mXc6wq1A"] }),
    smtp: SmtpSettings,
    imap: ImapSettings.optional(),
    uiUrl: z
      .string()
      .optional()
      .describe(
        "The run's page in the web UI, with the token in the URL fragment (never sent to a server); " +
          "present when the server serves the UI.",
      )
      .meta({
        examples: ["http://127.0.0.1:8025/ui/#run=k3x9q2m7za&token=q0pG2yq8r0m3bX0Kf1o8m0i1mXc6wq1A"],
      }),
  })
  .meta({ id: "CreatedRun" });

export const ConnectionSettings = z
  .object({ smtp: SmtpSettings, imap: ImapSettings.optional() })
  .describe("The run's SMTP and IMAP settings, as POST /v1/runs gave them (the password is the run token).")
  .meta({ id: "ConnectionSettings" });

export const RunCounts = z
  .object({
    messages: z.number().int(),
    bytes: z.number().int().describe("Total stored raw bytes."),
    inboxes: z.number().int().describe("Addresses that have received mail."),
  })
  .meta({ id: "RunCounts" });

export const RunInfo = z
  .object({ ...runFields, counts: RunCounts })
  .describe("A run without its token (the caller already has it).")
  .meta({ id: "RunInfo" });

export const RunListItem = z
  .object({
    ...runFields,
    counts: RunCounts,
    token: z.string().describe("The run's token, for the operator who may read every run."),
  })
  .meta({ id: "RunListItem" });

export const RunList = z
  .object({ runs: z.array(RunListItem).describe("Live runs, newest first (at most 1000).") })
  .meta({ id: "RunList" });

export const Inbox = z
  .object({
    address: z.string().meta({ examples: ["alice@k3x9q2m7za.sandmail.test"] }),
    messages: z.number().int().describe("Messages in all of the address's folders."),
    unseen: z.number().int().describe("Of those, messages without \\Seen."),
  })
  .meta({ id: "Inbox" });

export const InboxList = z.object({ inboxes: z.array(Inbox) }).meta({ id: "InboxList" });

export const InboxParams = z.object({
  run: RunId,
  address: z
    .string()
    .min(1)
    .max(512)
    .describe("An inbox address of the run (any case).")
    .meta({ examples: ["alice@k3x9q2m7za.sandmail.test"] }),
});

export const Folder = z
  .object({
    name: z
      .string()
      .describe("Folder name, `/`-separated hierarchy.")
      .meta({ examples: ["INBOX"] }),
    specialUse: z
      .string()
      .optional()
      .describe("RFC 6154 role, e.g. \\Sent, \\Trash.")
      .meta({ examples: ["\\Trash"] }),
    messages: z.number().int(),
    unseen: z.number().int().describe("Of those, messages without \\Seen."),
  })
  .meta({ id: "Folder" });

export const FolderList = z.object({ folders: z.array(Folder) }).meta({ id: "FolderList" });
