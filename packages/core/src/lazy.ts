/**
 * A value made on its first use and kept. For libraries a server needs only once mail arrives or a
 * page is asked for (MIME decoding, HTML parsing): loading them before it listens would add to its
 * start-up time and to its idle memory for nothing. Callers pass
 * `() => require("name")` from their own `createRequire(import.meta.url)`, so the name is resolved
 * from their package, and the load stays synchronous like the functions that need it.
 */
export function lazy<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}
