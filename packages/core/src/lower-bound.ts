/**
 * Index of the first element whose key is >= `key` in an array sorted ascending by key (binary
 * search). The store's message and event lists and IMAP's UID lists all look up through this.
 */
export function lowerBound<T>(
  arr: ArrayLike<T>,
  key: number,
  keyOf: (item: T) => number,
  /** Search only the first `end` elements (a column with room to grow past its length). */
  end = arr.length,
): number {
  let lo = 0;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyOf(arr[mid] as T) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
