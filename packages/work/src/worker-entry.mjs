// The worker thread's module. Plain JavaScript so that it loads the same way from the sources (tests
// run TypeScript through tsx's loader, which a worker thread does not inherit) and from dist/.
import { existsSync } from "node:fs";

const source = new URL("./tasks.ts", import.meta.url);
const fromSource = existsSync(source);
if (fromSource) {
  const { register } = await import("tsx/esm/api");
  register();
}
const tasks = await import(fromSource ? source.href : new URL("./tasks.js", import.meta.url).href);

/** Piscina calls this with `{ task, input }`; `task` names an export of tasks.ts. */
export default function run({ task, input }) {
  const fn = tasks.TASKS[task];
  if (typeof fn !== "function") throw new Error(`unknown worker task: ${task}`);
  return fn(input);
}
