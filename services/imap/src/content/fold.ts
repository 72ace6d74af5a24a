const ASCII_ONLY = /^[\x00-\x7f]*$/;

/**
 * Case folding for SEARCH comparisons (an approximation of i;unicode-casemap that Dovecot uses):
 * compatibility decomposition, then lowercase. ASCII takes the fast path.
 */
export function fold(s: string): string {
  if (ASCII_ONLY.test(s)) return s.toLowerCase();
  return s.normalize("NFKD").toLowerCase();
}
