/**
 * A loader that runs once, on the first call, and hands every caller the same promise: for
 * modules imported on first use (`loadOnce(() => import("x"))`) because loading them up front
 * would cost every process start-up time or memory for something most processes never need.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load();
    return loading;
  };
}
