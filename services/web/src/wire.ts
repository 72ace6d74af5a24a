// The API's wire types, inferred from its zod schemas (the one source); type-only, nothing bundled.
import type { HtmlCheckResult, LinkCheckResult, SpamCheckResult } from "@sandmail/api/schemas/checks";
import type { StreamEventData } from "@sandmail/api/schemas/events";
import type { MessageDetail, MessageList, MessageSummary } from "@sandmail/api/schemas/messages";
import type { ProblemBody } from "@sandmail/api/schemas/problem";
import type {
  ConnectionSettings,
  FolderList,
  InboxList,
  RunInfo,
  RunList as RunListSchema,
} from "@sandmail/api/schemas/runs";
import type { SessionList, SessionTranscriptView } from "@sandmail/api/schemas/transcripts";
import type { z } from "zod";

export type Summary = z.infer<typeof MessageSummary>;
export type Detail = z.infer<typeof MessageDetail>;
export type Page = z.infer<typeof MessageList>;
export type Run = z.infer<typeof RunInfo>;
export type RunList = z.infer<typeof RunListSchema>;
export type Inboxes = z.infer<typeof InboxList>;
export type Folders = z.infer<typeof FolderList>;
export type Settings = z.infer<typeof ConnectionSettings>;
export type StreamEvent = z.infer<typeof StreamEventData>;
export type Problem = ProblemBody;
export type HtmlCheck = z.infer<typeof HtmlCheckResult>;
export type LinkCheck = z.infer<typeof LinkCheckResult>;
export type SpamCheck = z.infer<typeof SpamCheckResult>;
export type Sessions = z.infer<typeof SessionList>;
export type SessionTranscript = z.infer<typeof SessionTranscriptView>;
