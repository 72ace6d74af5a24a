import { compilePattern } from "./safe-pattern.js";

/** Exactly one of equals / contains / matches is set (the request schema sees to it). */
export interface TextMatcher {
  equals?: string | undefined;
  contains?: string | undefined;
  matches?: string | undefined;
  ignoreCase?: boolean | undefined;
}

export type TextTest = (value: string) => boolean;

export function textTest(m: TextMatcher): TextTest {
  const fold = m.ignoreCase ? (s: string) => s.toLowerCase() : (s: string) => s;
  if (m.equals !== undefined) {
    const want = fold(m.equals);
    return (value) => fold(value) === want;
  }
  if (m.contains !== undefined) {
    const want = fold(m.contains);
    return (value) => fold(value).includes(want);
  }
  if (m.matches !== undefined) {
    const re = compilePattern(m.matches);
    return (value) => re.test(value);
  }
  return () => false;
}

/** "equal to "x"" / "containing "x"" / "matching /x/", for messages. */
export function describeMatcher(m: TextMatcher): string {
  const nocase = m.ignoreCase ? " (ignoring case)" : "";
  if (m.equals !== undefined) return `equal to ${JSON.stringify(m.equals)}${nocase}`;
  if (m.contains !== undefined) return `containing ${JSON.stringify(m.contains)}${nocase}`;
  return `matching ${m.matches?.startsWith("/") ? m.matches : `/${m.matches}/`}`;
}

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
