/**
 * The web inbox: first load of /ui/ on loopback in Debian's chromium, from navigation start to
 * the load event (index.html, the script and the stylesheet fetched and run; cache disabled, so
 * every load fetches them), and the size of what it loads, gzipped. The server runs in its own
 * process.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { launchChromium } from "../test/support/browser.js";
import { ensureWebUiBuilt } from "../test/support/web-ui.js";
import { startServerProcess } from "./lib/server.js";
import { ms, summarize, table } from "./lib/stats.js";

export async function benchUi({ quick }: { quick: boolean }): Promise<void> {
  const root = ensureWebUiBuilt();
  const files = ["index.html", ...readdirSync(join(root, "assets")).map((f) => `assets/${f}`)];
  const sizes = files.map((f) => {
    const bytes = readFileSync(join(root, f));
    return { file: f, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
  const total = sizes.reduce((sum, s) => sum + s.gzip, 0);
  console.log(
    table([...sizes, { file: "total", bytes: sizes.reduce((s, x) => s + x.bytes, 0), gzip: total }]),
  );

  const server = await startServerProcess();
  const chrome = await launchChromium();
  try {
    const samples: number[] = [];
    const rounds = quick ? 3 : 20;
    for (let i = 0; i < rounds + 1; i++) {
      const page = await chrome.context.newPage();
      const cdp = await chrome.context.newCDPSession(page);
      await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
      await page.goto(`${server.apiUrl}/ui/`);
      await page.getByLabel("Token").waitFor();
      const loaded = Number(
        await page.evaluate('performance.getEntriesByType("navigation")[0].loadEventEnd'),
      );
      if (i > 0) samples.push(loaded); // the first load warms the server's file cache
      await page.close();
    }
    const s = summarize(samples);
    console.log(
      table([{ what: "GET /ui/ to the load event", median: ms(s.median), p99: ms(s.p99), n: s.n }]),
    );
  } finally {
    await chrome.close();
    await server.stop();
  }
}
