/** A DNS failure shaped like the ones node:dns rejects with, which is what mailauth inspects. */
export interface DnsError extends Error {
  code: string;
  hostname: string;
  syscall: string;
}

const syscallByType: Record<string, string> = {
  A: "queryA",
  AAAA: "queryAaaa",
  CNAME: "queryCname",
  MX: "queryMx",
  PTR: "queryPtr",
  TXT: "queryTxt",
};

/** code: ENOTFOUND (no such name), ENODATA (name exists, no records of that type), ETIMEOUT. */
export function dnsError(code: string, name: string, rrtype: string): DnsError {
  const syscall = syscallByType[rrtype] ?? "query";
  const err = new Error(`${syscall} ${code} ${name}`) as DnsError;
  err.code = code;
  err.hostname = name;
  err.syscall = syscall;
  return err;
}

/** "No such record" answers, as opposed to failures that make a result temperror. */
export function isNoRecord(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "ENOTFOUND" || code === "ENODATA";
}
