/**
 * `pnpm bench`: every benchmark, one after another, printing tables. `pnpm bench --quick` runs
 * small rounds (a smoke test of the harness, not figures to quote). `pnpm bench smtp` runs one;
 * `pnpm bench smtp --focus` only the memory store at concurrency 10, both clients, three rounds;
 * `pnpm bench smtp --focus --redis` a memory and a Redis server side by side, rounds alternating, for the RedisStore's ratio.
 */
import { benchFolders } from "./bench-folders.js";
import { benchIdle } from "./bench-idle.js";
import { benchImap } from "./bench-imap.js";
import { benchScale } from "./bench-scale.js";
import { benchMemory, benchSmtp } from "./bench-smtp.js";
import { benchStartup } from "./bench-startup.js";
import { benchTranscripts } from "./bench-transcripts.js";
import { benchUi } from "./bench-ui.js";
import { benchWait } from "./bench-wait.js";
import { benchWebhooks } from "./bench-webhooks.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const focus = args.includes("--focus");
const withRedis = args.includes("--redis");
const only = args.filter((a) => !a.startsWith("--"));

const benches: Record<string, () => Promise<void>> = {
  smtp: () => benchSmtp({ quick, focus, redis: withRedis }),
  imap: () => benchImap({ quick }),
  idle: () => benchIdle({ quick }),
  // Part of `smtp`; runnable alone by name.
  memory: () => (only.includes("memory") ? benchMemory({ quick }) : Promise.resolve()),
  wait: () => benchWait({ quick }),
  ui: () => benchUi({ quick }),
  scale: () => benchScale({ quick }),
  startup: () => benchStartup({ quick }),
  transcripts: () => benchTranscripts({ quick }),
  webhooks: () => benchWebhooks({ quick }),
  // Store-level; runnable alone by name.
  folders: () => (only.includes("folders") ? benchFolders({ quick }) : Promise.resolve()),
};

for (const [name, run] of Object.entries(benches)) {
  if (only.length && !only.includes(name)) continue;
  console.log(`\n=== ${name} ===`);
  await run();
}
