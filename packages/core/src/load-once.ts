/**
 * A loader that runs once, on the first call, and hands every caller what that call made: for
 * modules loaded on first use because loading them up front would cost every process start-up
 * time or memory for something most processes never need. `loadOnce(() => import("x"))` for an
 * async caller (every caller gets the same promise); `loadOnce(() => require("x"))`, with the
 * caller's own `createRequire(import.meta.url)` so the name resolves from its package, where the
 * functions that need the module are synchronous (MIME decoding, HTML parsing).
 */
export function loadOnce<T>(load: () => T): () => T {
  let loaded: { value: T } | undefined;
  return () => {
    loaded ??= { value: load() };
    return loaded.value;
  };
}
