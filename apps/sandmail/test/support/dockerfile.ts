import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { repoRoot } from "./outside.js";

export interface Stage {
  from: string;
  name?: string;
  /** Each instruction of the stage, continuation lines joined. */
  instructions: Array<{ op: string; args: string }>;
}

/** The repository's Dockerfile split into stages, enough to replay its runtime stage in a test. */
export async function readDockerfile(): Promise<Stage[]> {
  const text = await readFile(join(repoRoot, "Dockerfile"), "utf8");
  const lines = text
    .replace(/\\\r?\n/g, " ")
    .split(/\r?\n/)
    .map((line) => line.trim().replace(/\s+/g, " "))
    .filter((line) => line && !line.startsWith("#"));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op = "", args = ""] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    if (op.toUpperCase() === "FROM") {
      const [, from = "", name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      stages.push({ from, ...(name ? { name } : {}), instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ op: op.toUpperCase(), args });
    }
  }
  return stages;
}

export function exec(stage: Stage, op: "ENTRYPOINT" | "CMD"): string[] {
  const found = stage.instructions.findLast((i) => i.op === op);
  if (!found) return [];
  return JSON.parse(found.args) as string[];
}

/** `ENV A=1 B=2` lines of a stage. */
export function env(stage: Stage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { op, args } of stage.instructions) {
    if (op !== "ENV") continue;
    for (const [, key = "", value = ""] of args.matchAll(/(\w+)=("[^"]*"|\S+)/g))
      out[key] = value.replace(/^"|"$/g, "");
  }
  return out;
}
