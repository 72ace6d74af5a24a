import type { AddressValue, Envelope, MessageSummary } from "@sandmail/core";

function addressForms(values: AddressValue[], out: string[]): void {
  for (const { name, address } of values) {
    out.push(address);
    if (name) out.push(name, `${name} <${address}>`);
  }
}

/**
 * The texts a `to` criterion is tested against, whoever the message was for: the inbox it landed
 * in, the header recipients (To, Cc: each address, display name and `name <address>`) and the SMTP
 * envelope's (BCC). The wait criteria and the memory store's scan columns both read them here.
 */
export function recipientForms(
  address: string,
  summary: MessageSummary,
  envelope: Envelope | undefined,
): string[] {
  const forms = [address];
  addressForms(summary.to, forms);
  addressForms(summary.cc, forms);
  if (envelope) forms.push(...envelope.rcptTo);
  return forms;
}

/** The texts a `from` criterion is tested against: the From header's forms and MAIL FROM. */
export function senderForms(summary: MessageSummary, envelope: Envelope | undefined): string[] {
  const forms: string[] = [];
  addressForms(summary.from, forms);
  if (envelope?.mailFrom) forms.push(envelope.mailFrom);
  return forms;
}
