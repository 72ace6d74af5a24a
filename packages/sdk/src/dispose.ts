/**
 * `await using run = await sandmail.createRun()` needs Symbol.asyncDispose. Node defines it from
 * 20.4 on (so on every Node this package supports); other runtimes and older bundler targets may
 * not. Following the TypeScript 5.2 release notes, define it where it is missing, with
 * Symbol.for so that every copy of this module agrees on the same symbol.
 */
export function ensureAsyncDisposeSymbol(symbols: { asyncDispose?: symbol }): symbol {
  if (typeof symbols.asyncDispose !== "symbol") {
    Object.defineProperty(symbols, "asyncDispose", { value: Symbol.for("Symbol.asyncDispose") });
  }
  return symbols.asyncDispose as symbol;
}

ensureAsyncDisposeSymbol(Symbol as { asyncDispose?: symbol });
