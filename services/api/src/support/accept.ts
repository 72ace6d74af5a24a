/**
 * Which of `offered` (media types, preferred first) the Accept header asks for most (RFC 9110
 * §12.5.1): each type takes the q of the most specific range matching it (`text/plain`, then
 * `text/*`, then any); ties go to the earlier offer, and no or an unreadable header to the first.
 */
export function preferredType<T extends string>(
  accept: string | undefined,
  offered: readonly [T, ...T[]],
): T {
  if (!accept) return offered[0];
  const ranges = accept.split(",").map((part) => {
    const [range = "", ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(p)).find(Boolean);
    return { range: range.trim(), q: q ? Number(q[1]) : 1 };
  });
  let best = offered[0];
  let bestQ = -1;
  for (const type of offered) {
    const [major] = type.split("/");
    const match =
      ranges.find((r) => r.range === type) ??
      ranges.find((r) => r.range === `${major}/*`) ??
      ranges.find((r) => r.range === "*/*");
    const q = match ? match.q : 0;
    if (q > bestQ) {
      best = type;
      bestQ = q;
    }
  }
  return bestQ > 0 ? best : offered[0];
}
