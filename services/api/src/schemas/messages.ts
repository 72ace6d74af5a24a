import { z } from "zod";
import { AuthView } from "./auth.js";
import { Address, MessageId, Timestamp } from "./common.js";
import { criteriaQueryShape } from "./criteria.js";
import { ExtractedCode, ExtractedLink } from "./extract.js";

export const MAX_PAGE = 500;
export const DEFAULT_PAGE = 50;

export const ListMessagesQuery = z.strictObject({
  inbox: z
    .string()
    .min(1)
    .max(512)
    .optional()
    .describe("Only mail of this inbox address (any case).")
    .meta({ examples: ["alice@k3x9q2m7za.sandmail.test"] }),
  mailbox: z
    .string()
    .min(1)
    .max(512)
    .optional()
    .describe("Only mail in this folder (e.g. INBOX, Trash); across all inboxes unless `inbox` is given.")
    .meta({ examples: ["INBOX"] }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE)
    .default(DEFAULT_PAGE)
    .describe(`Page size, at most ${MAX_PAGE}.`),
  cursor: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe("The `nextCursor` of the previous page: only messages older than it."),
  // The criteria of GET .../messages/wait, so a list shows what a wait would match.
  ...criteriaQueryShape,
});

const Flags = z
  .array(z.string())
  .describe("IMAP flags: system flags (\\Seen, \\Answered, \\Flagged, \\Deleted, \\Draft) and keywords.")
  .meta({ examples: [["\\Seen", "$Important"]] });

export const messageSummaryShape = {
  id: MessageId,
  seq: z.number().int().describe("Run-wide arrival sequence number; larger is newer."),
  inbox: z
    .string()
    .describe("The inbox address holding the message.")
    .meta({ examples: ["alice@k3x9q2m7za.sandmail.test"] }),
  mailbox: z
    .string()
    .describe("The folder holding the message.")
    .meta({ examples: ["INBOX"] }),
  subject: z.string().meta({ examples: ["Confirm your e-mail address"] }),
  from: Address.nullable().describe("The first From address, or null when there is none."),
  to: z.array(Address),
  cc: z.array(Address),
  date: Timestamp.optional().describe("The Date header, when it parses."),
  receivedAt: Timestamp.describe("When the message was received (IMAP INTERNALDATE)."),
  size: z.number().int().describe("Exact size of the stored raw message in bytes."),
  seen: z.boolean(),
  flagged: z.boolean(),
  flags: Flags,
};

export const MessageSummary = z.object(messageSummaryShape).meta({ id: "MessageSummary" });

export const MessageList = z
  .object({
    messages: z.array(MessageSummary).describe("Newest first."),
    nextCursor: z
      .number()
      .int()
      .optional()
      .describe("Pass as `cursor` for the next (older) page; absent on the last."),
  })
  .meta({ id: "MessageList" });

export const SmtpEnvelope = z
  .object({
    mailFrom: z
      .string()
      .describe("MAIL FROM; empty for a null sender.")
      .meta({ examples: ["bounce@shop.example"] }),
    rcptTo: z.array(z.string()).describe("Every RCPT TO of the transaction (so BCC shows here)."),
    clientAddress: z.string().meta({ examples: ["127.0.0.1"] }),
    helo: z.string().meta({ examples: ["mail.shop.example"] }),
    tls: z.boolean().describe("Whether the SMTP session was encrypted."),
    authUser: z.string().optional().describe("The SMTP AUTH user, when the client authenticated."),
  })
  .meta({ id: "SmtpEnvelope" });

export const Header = z
  .object({ name: z.string(), value: z.string() })
  .meta({ id: "Header", examples: [{ name: "Subject", value: "Confirm your e-mail address" }] });

export const AttachmentInfo = z
  .object({
    index: z.number().int().describe("Use as {n} in .../attachments/{n}."),
    filename: z
      .string()
      .optional()
      .meta({ examples: ["invoice.pdf"] }),
    contentType: z.string().meta({ examples: ["application/pdf"] }),
    size: z.number().int().describe("Decoded size in bytes."),
    contentId: z.string().optional().describe("Content-ID, for inline parts referenced by cid: links."),
    disposition: z.enum(["attachment", "inline"]),
  })
  .meta({ id: "AttachmentInfo" });

export const MessageDetail = z
  .object({
    ...messageSummaryShape,
    uid: z.number().int().describe("IMAP UID in its folder."),
    envelope: SmtpEnvelope.optional().describe(
      "Absent for messages not received over SMTP (e.g. IMAP APPEND).",
    ),
    bcc: z.array(Address),
    replyTo: z.array(Address),
    messageId: z
      .string()
      .optional()
      .meta({ examples: ["<1234@shop.example>"] }),
    inReplyTo: z.string().optional(),
    references: z.array(z.string()),
    headers: z.array(Header).describe("Top-level header fields in order, unfolded, encoded-words decoded."),
    text: z.string().optional().describe("The plain-text body."),
    html: z.string().optional().describe("The HTML body; cid: links kept as written."),
    attachments: z.array(AttachmentInfo),
    links: z
      .array(ExtractedLink)
      .describe("Every URL in the HTML (with anchor text) and text parts, deduplicated, in document order."),
    codes: z
      .array(ExtractedCode)
      .describe(
        "Likely one-time codes (subject, text, HTML as read), most likely first; `codes[0].value` is the usual pick.",
      ),
    auth: AuthView.nullable().describe(
      "SPF, DKIM, DMARC and ARC results from SMTP ingest; null for mail that did not arrive over SMTP (IMAP APPEND).",
    ),
    parseError: z
      .string()
      .optional()
      .describe("Set when the message could not be decoded; raw stays available."),
    contentOmitted: z
      .literal(true)
      .optional()
      .describe(
        "Set in a wait's answer for a message left out to keep the answer bounded: a wait answers messages whole " +
          "while their sizes add up to 64 MiB (the first always), the rest from their stored summary alone " +
          "(no headers, text, html, attachments, links or codes). Read it whole with GET .../messages/{id}.",
      ),
  })
  .meta({ id: "MessageDetail" });

export const PatchMessageBody = z
  .strictObject({
    seen: z.boolean().optional().describe("Sets or clears \\Seen."),
    flagged: z.boolean().optional().describe("Sets or clears \\Flagged."),
    flags: z
      .array(z.string().min(1).max(200))
      .max(100)
      .optional()
      .describe("Replaces every flag (system flags and keywords) before the other changes apply."),
    addFlags: z.array(z.string().min(1).max(200)).max(100).optional(),
    removeFlags: z.array(z.string().min(1).max(200)).max(100).optional(),
    mailbox: z
      .string()
      .min(1)
      .max(512)
      .optional()
      .describe(
        "Moves the message to this folder of its inbox, after the flag changes (IMAP MOVE semantics).",
      )
      .meta({ examples: ["Archive"] }),
  })
  .describe(
    "Flag changes, applied in order: `flags` (replace), then additions, then removals; then an optional move. " +
      "IMAP clients see them.",
  )
  .meta({ examples: [{ seen: true }, { addFlags: ["$Label1"], flagged: false }, { mailbox: "Archive" }] });

export type PatchMessage = z.infer<typeof PatchMessageBody>;

/** Bytes sent as they are (never serialized); documented as a binary string. */
export const Binary = z.custom<Buffer>((v) => Buffer.isBuffer(v)).meta({ type: "string", format: "binary" });
