/** A stretch of text: [start, end). */
export type Span = [number, number];

/**
 * The index range [first, last) of the spans that reach into [from, to), in a list sorted by start
 * whose spans do not overlap (as one regular expression's matches are). Binary search keeps long
 * bodies with many numbers and words linear.
 */
export function rangeNear(spans: readonly Span[], from: number, to: number): [number, number] {
  let low = 0;
  let high = spans.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((spans[mid]?.[1] ?? 0) <= from) low = mid + 1;
    else high = mid;
  }
  let last = low;
  while (last < spans.length && (spans[last]?.[0] ?? 0) < to) last++;
  return [low, last];
}

/** The spans that reach into [from, to); see rangeNear. */
export function spansNear(spans: readonly Span[], from: number, to: number): Span[] {
  const [first, last] = rangeNear(spans, from, to);
  return spans.slice(first, last);
}
