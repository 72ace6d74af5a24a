/**
 * `pnpm bench`: every benchmark, one after another, printing tables. `pnpm bench --quick` runs
 * small rounds (a smoke test of the harness, not figures to quote). `pnpm bench smtp` runs one.
 */
import { benchSmtp } from "./bench-smtp.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const only = args.filter((a) => !a.startsWith("--"));

const benches: Record<string, () => Promise<void>> = {
  smtp: () => benchSmtp({ quick }),
};

for (const [name, run] of Object.entries(benches)) {
  if (only.length && !only.includes(name)) continue;
  console.log(`\n=== ${name} ===`);
  await run();
}
