const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A random local part such as `user-k3x9q2m7`: unique enough that parallel tests never share an inbox. */
export function randomLocalPart(prefix = "user"): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  let id = "";
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return `${prefix}-${id}`;
}
