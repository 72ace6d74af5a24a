#!/usr/bin/env node
// The workspace ships TypeScript sources; tsx's loader compiles them on import, so the command
// needs no build step (esbuild transforms each module once, at load).
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
