import { createHash } from "node:crypto";
import { PRELUDE } from "./common.js";
import { KEY_GUARD } from "./key-guard.js";
import { DELIVER, PLAN_TARGET } from "./messages.js";
import { READ_PRELUDE } from "./reads.js";

/** A script as the library registers it: a function of that name running `lua` as its body. */
export interface LibraryScript {
  name: string;
  lua: string;
  /** Registered with the `no-writes` flag, called with FCALL_RO. */
  readOnly: boolean;
}

/** A library's source as Redis loads it, and the names it gives its functions. */
export interface Library {
  /** `sandmail_<hash of the body>`. */
  name: string;
  source: string;
  /** A script's function name: `<script>_<hash>`. */
  fn(script: string): string;
}

/**
 * The globals the library uses, as locals bound on its first call: a global is a lookup through
 * the sandbox's read-only globals table at every use, a local of the library an upvalue. While
 * the library loads only the loading API (`redis.register_function`) is there.
 */
const GLOBALS = [
  "redis",
  "string",
  "table",
  "cjson",
  "tonumber",
  "ipairs",
  "pairs",
  "type",
  "error",
  "unpack",
  "math",
  "next",
  "pcall",
  "tostring",
];

/** The function the key guard adds (checkKeys): the names of the scripts it saw called. */
export const GUARD_CALLS = "guardCalls";

/**
 * Every script as one Redis Functions library: the prelude's helpers are built once, when Redis
 * loads it, and a call runs only its script's body (EVALSHA built all of them again on every
 * call). Everything is a local of the library, which Redis requires (a library may not write a
 * global). KEYS and ARGV are locals too, set as each function starts, so the bodies read them
 * as scripts do. `expungedKept` (a store option) and the key guard are part of the source, and
 * so of its hash.
 */
export function libraryBody(
  scripts: readonly LibraryScript[],
  expungedKept: number,
  checkKeys: boolean,
): string {
  const out = [
    "local KEYS, ARGV",
    `local EXPUNGED_KEPT = ${expungedKept}`,
    "local register = redis.register_function",
    `local function globals() return ${GLOBALS.join(", ")} end`,
    `local ${GLOBALS.join(", ")}`,
    `local function bind() ${GLOBALS.join(", ")} = globals() end`,
    checkKeys ? KEY_GUARD : "",
    PRELUDE,
    READ_PRELUDE,
    PLAN_TARGET,
    DELIVER,
    "local function enter(keys, args, name)",
    "  if not ipairs then bind() end",
    "  KEYS, ARGV = keys, args",
    checkKeys ? "  guard(name)" : "",
    "  begin()",
    "end",
  ];
  for (const s of scripts) {
    out.push(
      `register{function_name = '${s.name}' .. SUFFIX, callback = function(keys, args)`,
      `enter(keys, args, '${s.name}')`,
      s.lua,
      `end${s.readOnly ? ", flags = {'no-writes'}" : ""}}`,
    );
  }
  if (checkKeys) {
    out.push(
      `register{function_name = '${GUARD_CALLS}' .. SUFFIX, callback = guard_calls, flags = {'no-writes'}}`,
    );
  }
  return `${out.join("\n")}\n`;
}

/**
 * The library of a body, named by its hash: two sandmail versions (or options) sharing one Redis
 * load two libraries side by side instead of replacing each other's, and a library of that name
 * already loaded is this one.
 */
export function library(body: string): Library {
  const hash = createHash("sha1").update(body).digest("hex").slice(0, 16);
  return {
    name: `sandmail_${hash}`,
    source: `#!lua name=sandmail_${hash}\nlocal SUFFIX = '_${hash}'\n${body}`,
    fn: (script) => `${script}_${hash}`,
  };
}
