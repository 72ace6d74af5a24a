import type { StoredMessage } from "@sandmail/core";
import type { MessageQuery, ScanQuery, ScanResult, ScanTest } from "../contract.js";

/** ScanOptions.limit as a count to stop at: at least one match, none given: no limit. */
export function scanLimit(limit: number | undefined): number {
  return limit === undefined || !Number.isFinite(limit)
    ? Number.POSITIVE_INFINITY
    : Math.max(1, Math.floor(limit));
}

/** Messages a paged scan reads per call. */
export const SCAN_PAGE = 200;

/**
 * MailStore.scanMessages for a store whose reads are batched round trips: one page of
 * listMessages per call, tested view by view.
 */
export async function pagedScan(
  list: (query: MessageQuery) => Promise<StoredMessage[]>,
  query: ScanQuery,
  test: ScanTest,
  limit: number,
): Promise<ScanResult> {
  const page = await list({ ...query, order: "asc", limit: SCAN_PAGE });
  const full = page.length >= SCAN_PAGE;
  const matched: StoredMessage[] = [];
  let scannedTo = query.afterSeq ?? 0;
  for (const [i, msg] of page.entries()) {
    scannedTo = msg.seq;
    if (test(msg)) {
      matched.push(msg);
      if (matched.length >= limit) return { matched, scannedTo, done: !full && i === page.length - 1 };
    }
  }
  return { matched, scannedTo, done: !full };
}
