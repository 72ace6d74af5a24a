import { Gauge, type Registry } from "prom-client";

/**
 * A gauge of things alive right now (sessions, connections, waits). Its value is read when the
 * registry is scraped, so the hot path costs nothing beyond what the service already keeps:
 * - `track()` counts a collection the service holds anyway (a server's connection set); a
 *   connection that dies any way at all leaves the count with it.
 * - `hold()` counts one thing with a start and an end (a request being waited on).
 */
export class ActiveGauge {
  private held = 0;
  private readonly sources = new Set<() => number>();

  constructor(registry: Registry, name: string, help: string) {
    const value = () => this.value();
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(value());
      },
    });
  }

  /** Adds `source()` to the value at every scrape until the returned function is called. */
  track(source: () => number): () => void {
    // A fresh wrapper per call, so the same function tracked twice counts twice and unwinds once each.
    const entry = () => source();
    this.sources.add(entry);
    return () => {
      this.sources.delete(entry);
    };
  }

  /** One more until the returned release is called; calling it again does nothing. */
  hold(): () => void {
    this.held += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held -= 1;
    };
  }

  value(): number {
    let total = this.held;
    for (const source of this.sources) total += source();
    return total;
  }
}
