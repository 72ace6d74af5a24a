const MAX_LISTED = 20;
const MAX_CHARS = 500;

/** Keeps `actual` readable and bounded however much the message holds. */
export function listed(values: readonly string[]): string[] {
  const out = values
    .slice(0, MAX_LISTED)
    .map((v) => (v.length > MAX_CHARS ? `${v.slice(0, MAX_CHARS)}…` : v));
  if (values.length > MAX_LISTED) out.push(`… and ${values.length - MAX_LISTED} more`);
  return out;
}

/** The values quoted for a one-line message: `"a", "b"` or `none`. */
export function quoted(values: readonly string[]): string {
  if (values.length === 0) return "none";
  return listed(values)
    .map((v) => JSON.stringify(v))
    .join(", ");
}
