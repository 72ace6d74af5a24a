/**
 * The API's JSON shapes as the SDK receives them, named as the SDK has always named them. They are
 * generated from the server's OpenAPI document (src/generated/openapi.ts, made from the API's zod
 * schemas), so the published package depends on nothing and cannot drift from the server:
 * test/sdk-types.test.ts regenerates the file and fails when it differs.
 */
import type { components } from "./generated/openapi.js";

type Schemas = components["schemas"];

export type Address = Schemas["Address"];
export type RunLimits = Schemas["RunLimits"];
export type SmtpSettingsData = Schemas["SmtpSettings"];
export type ImapSettings = Schemas["ImapSettings"];
/** POST /v1/runs answer. */
export type CreatedRunData = Schemas["CreatedRun"];
/** GET /v1/runs/{run} answer. */
export type RunInfo = Schemas["RunInfo"];
export type RunListItem = Schemas["RunListItem"];
export type Inbox = Schemas["Inbox"];
export type MessageSummaryData = Schemas["MessageSummary"];
/** What the SMTP transaction said. */
export type Envelope = Schemas["SmtpEnvelope"];
export type Header = Schemas["Header"];
export type AttachmentInfo = Schemas["AttachmentInfo"];
export type Link = Schemas["ExtractedLink"];
export type LinkSource = Link["sources"][number];
export type Code = Schemas["ExtractedCode"];
export type CodeSource = Code["source"];
/** RFC 8601 result values. */
export type AuthResultValue = Schemas["SpfResult"]["result"];
export type SpfResult = Schemas["SpfResult"];
export type DkimResult = Schemas["DkimResult"];
export type DmarcResult = Schemas["DmarcResult"];
export type ArcResult = Schemas["ArcResult"];
export type ReceivedAuthResult = Schemas["ReceivedAuthResult"];
export type ReceivedMethodResult = ReceivedAuthResult["results"][number];
/** SPF, DKIM, DMARC and ARC as checked when the message arrived over SMTP. */
export type AuthResults = Schemas["AuthResults"];
/** GET /v1/runs/{run}/messages/{id} answer. */
export type MessageData = Schemas["MessageDetail"];
export type DnsRecord = Schemas["DnsRecord"];
/** One SMTP, IMAP or POP3 session of a run, without its lines. */
export type SessionSummary = Schemas["SessionSummary"];
/** A session with every line in both directions (bodies as sizes, secrets redacted). */
export type SessionTranscript = Schemas["SessionTranscript"];
export type TranscriptLine = Schemas["TranscriptLine"];
export type DnsRecordType = DnsRecord["type"];
/** One SMTP fault rule of PUT /v1/runs/{run}/faults. */
export type FaultRule = Schemas["FaultRule"];
export type FaultStage = FaultRule["stage"];
export type FaultAction = FaultRule["action"];
/** A fault rule as GET shows it: with what remains of its count and how often it fired. */
export type FaultRuleView = Schemas["FaultRuleView"];
export type PatternMatch = Schemas["PatternMatch"];
export type WebhookData = Schemas["Webhook"];
export type CreatedWebhook = Schemas["CreatedWebhook"];
export type WebhookDelivery = Schemas["WebhookDelivery"];
export type WebhookEvent = Schemas["Webhook"]["events"][number];
