import { lowerBound } from "@sandmail/core";

export { lowerBound };

/** Removes the items (found by key) from a sorted array in place. */
export function removeSorted<T>(arr: T[], items: readonly T[], keyOf: (item: T) => number): void {
  if (items.length === 0) return;
  // Few removals: splice each (a memmove); many: one filtering pass instead of quadratic splices.
  if (items.length <= 16) {
    for (const item of items) {
      const i = lowerBound(arr, keyOf(item), keyOf);
      if (arr[i] === item) arr.splice(i, 1);
    }
    return;
  }
  const drop = new Set(items);
  let w = 0;
  for (let r = 0; r < arr.length; r++) {
    const item = arr[r] as T;
    if (!drop.has(item)) arr[w++] = item;
  }
  arr.length = w;
}

/** Inserts keeping ascending order (appends in O(1) when the key is the largest, the usual case). */
export function insertSorted<T>(arr: T[], item: T, keyOf: (item: T) => number): void {
  const last = arr[arr.length - 1];
  if (last === undefined || keyOf(last) < keyOf(item)) {
    arr.push(item);
    return;
  }
  arr.splice(lowerBound(arr, keyOf(item), keyOf), 0, item);
}
