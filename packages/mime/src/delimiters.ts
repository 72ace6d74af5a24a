/**
 * The boundary delimiters ("--" + boundary) of the multiparts enclosing a point of a message,
 * innermost first. Looking a line up costs one map probe per distinct delimiter length, not one
 * comparison per enclosing multipart, so deep or hostile nesting stays linear in the input.
 */
export interface DelimiterStack {
  /** Delimiters as latin1 strings (one char per byte), innermost first. */
  readonly list: readonly string[];
  /** Delimiter -> its innermost index in `list`. */
  readonly index: ReadonlyMap<string, number>;
  /** Distinct delimiter lengths, longest first. */
  readonly lengths: readonly number[];
}

export const noDelimiters: DelimiterStack = { list: [], index: new Map(), lengths: [] };

/** The stack inside a multipart with this boundary. */
export function pushDelimiter(stack: DelimiterStack, boundary: string): DelimiterStack {
  const delim = Buffer.from(`--${boundary}`, "utf8").toString("latin1");
  const list = [delim, ...stack.list];
  const index = new Map<string, number>();
  for (let i = list.length - 1; i >= 0; i--) index.set(list[i]!, i);
  const lengths = [...new Set(list.map((d) => d.length))].sort((a, b) => b - a);
  return { list, index, lengths };
}

/**
 * The delimiter the line at `at` starts with: the longest one, the innermost among equals (as
 * Dovecot picks). Returns its index in the stack and its length, or undefined.
 */
export function matchDelimiter(
  raw: Buffer,
  at: number,
  end: number,
  stack: DelimiterStack,
): { level: number; length: number } | undefined {
  const longest = stack.lengths[0];
  if (longest === undefined) return undefined;
  const head = raw.toString("latin1", at, Math.min(at + longest, end));
  for (const length of stack.lengths) {
    if (length > head.length) continue;
    const level = stack.index.get(length === head.length ? head : head.slice(0, length));
    if (level !== undefined) return { level, length };
  }
  return undefined;
}
