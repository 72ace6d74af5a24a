/** imapflow answers `false` where a command failed: this turns that into a thrown error. */
export function must<T>(value: T | false): T {
  if (value === false) throw new Error("the imapflow command failed");
  return value;
}
