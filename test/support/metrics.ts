/** The value of one series (`name{labels}`) in a /metrics scrape, or undefined when absent. */
export function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/**
 * Scrapes the server's /metrics until `series` reads `value`: the server notices a client
 * opening or leaving on its own time, so a test waits for what it counts rather than sleeping.
 */
export async function gaugeReaches(apiUrl: string, series: string, value: number): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const text = await (await fetch(`${apiUrl}/metrics`)).text();
    if (sample(text, series) === value) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${series} never reached ${value}`);
}
