const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const pad = (n: number) => String(n).padStart(2, "0");

/** RFC 5322 date-time in UTC, e.g. `Tue, 25 Nov 2025 18:37:00 +0000`. */
export function rfc5322Date(date: Date): string {
  return (
    `${DAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

export interface ReceivedInput {
  /** What the client said in HELO/EHLO (client-controlled). */
  helo: string;
  clientAddress: string;
  /** This server's name. */
  host: string;
  /** SMTP, ESMTP, ESMTPS, ESMTPA or ESMTPSA (RFC 3848). */
  protocol: string;
  id: string;
  /** The recipient this copy is for. */
  recipient: string;
  date: Date;
}

/**
 * Client-supplied text ends up inside a header: anything that could break the header apart or
 * unbalance its comments is replaced, and the length is bounded so the line stays far below the
 * 998-octet limit.
 */
function token(value: string, max: number): string {
  const cleaned = value.replace(/[^\x21-\x7e\u0080-\uffff]|[()<>;\\]/g, "?").slice(0, max);
  return cleaned.length > 0 ? cleaned : "unknown";
}

/** The value of the Received header sandmail prepends (RFC 5321 §4.4 time stamp line). */
export function receivedHeader(input: ReceivedInput): string {
  const address = input.clientAddress.replace(/^::ffff:/i, "");
  return (
    `from ${token(input.helo, 255)} ([${token(address, 64)}]) by ${token(input.host, 255)} ` +
    `with ${token(input.protocol, 16)} id ${input.id} for <${token(input.recipient, 320)}>; ${rfc5322Date(input.date)}`
  );
}
