import type { TimeSlicer } from "./time-slice.js";

/**
 * A stable bottom-up merge sort that pauses when the slicer's time is up: Array.sort on 100,000
 * SORT or THREAD entries with string keys would hold the event loop for tens of milliseconds in
 * one go. Returns a new array; `items` is left as it was.
 */
export async function slicedSort<T>(
  items: readonly T[],
  compare: (a: T, b: T) => number,
  slicer: TimeSlicer,
): Promise<T[]> {
  let src = items.slice();
  let dst = new Array<T>(src.length);
  const n = src.length;
  let steps = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) dst[k++] = compare(src[j]!, src[i]!) < 0 ? src[j++]! : src[i++]!;
      while (i < mid) dst[k++] = src[i++]!;
      while (j < hi) dst[k++] = src[j++]!;
      steps += hi - lo;
      if (steps >= 4096) {
        steps = 0;
        if (slicer.due()) await slicer.pause();
      }
    }
    [src, dst] = [dst, src];
  }
  return src;
}
