import type { StoredMessage } from "@sandmail/core";
import type { ParsedMessage } from "@sandmail/mime";
import type { z } from "zod";
import type { AttachmentInfo, MessageDetail, MessageSummary } from "../schemas/messages.js";
import { messageContent } from "./parsed-messages.js";
import { jsonText } from "./utf8-texts.js";

export type MessageSummaryView = z.infer<typeof MessageSummary>;
export type MessageDetailView = z.infer<typeof MessageDetail>;

/** What the list shows: everything known without reading the message's bytes. */
export function messageSummaryView(msg: StoredMessage): MessageSummaryView {
  const { summary } = msg;
  const first = summary.from[0];
  return {
    id: msg.id,
    seq: msg.seq,
    inbox: msg.address,
    mailbox: msg.mailbox,
    subject: summary.subject,
    from: first ? { name: first.name, address: first.address } : null,
    to: summary.to.map(({ name, address }) => ({ name, address })),
    cc: summary.cc.map(({ name, address }) => ({ name, address })),
    ...(summary.date && !Number.isNaN(summary.date.getTime()) ? { date: summary.date.toISOString() } : {}),
    receivedAt: msg.internalDate.toISOString(),
    size: msg.size,
    seen: msg.flags.includes("\\Seen"),
    flagged: msg.flags.includes("\\Flagged"),
    flags: [...msg.flags],
  };
}

function attachmentInfos(parsed: ParsedMessage): Array<z.infer<typeof AttachmentInfo>> {
  return parsed.attachments.map((a, index) => ({
    index,
    ...(a.filename !== undefined ? { filename: a.filename } : {}),
    contentType: a.contentType,
    size: a.size,
    ...(a.contentId !== undefined ? { contentId: a.contentId } : {}),
    disposition: a.disposition,
  }));
}

/**
 * The full message: the summary, where it lives, how it arrived and its decoded content. Later
 * derived fields (links, codes, authentication results) belong here too.
 */
export function messageDetailView(
  msg: StoredMessage,
  parsed: ParsedMessage,
  parseError?: string,
): MessageDetailView {
  const view: MessageDetailView = {
    ...messageSummaryView(msg),
    uid: msg.uid,
    bcc: parsed.bcc,
    replyTo: parsed.replyTo,
    references: parsed.references,
    headers: parsed.headers,
    attachments: attachmentInfos(parsed),
    // Memoized per decoded message: a test reading the same message again pays nothing.
    ...messageContent(parsed),
    auth: msg.auth ?? null,
  };
  if (msg.envelope) {
    const e = msg.envelope;
    view.envelope = {
      mailFrom: e.mailFrom,
      rcptTo: [...e.rcptTo],
      clientAddress: e.clientAddress,
      helo: e.helo,
      tls: e.tls,
      ...(e.authUser !== undefined ? { authUser: e.authUser } : {}),
    };
  }
  const messageId = parsed.messageId ?? msg.summary.messageId;
  if (messageId !== undefined) view.messageId = messageId;
  if (parsed.inReplyTo !== undefined) view.inReplyTo = parsed.inReplyTo;
  // Bytes standing in for a long text, never made a string here: only sendJson writes this view.
  const text = jsonText(parsed, "text");
  const html = jsonText(parsed, "html");
  if (text !== undefined) view.text = text;
  if (html !== undefined) view.html = html;
  if (parseError !== undefined) view.parseError = parseError;
  return view;
}
