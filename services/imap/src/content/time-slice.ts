import { setImmediate as nextTurn } from "node:timers/promises";

/**
 * Cooperative time slicing for long CPU work on one connection's behalf (SEARCH over many or
 * large messages): the work checks `due()` between steps and awaits `pause()` when its slice is
 * used up, so other connections, SMTP and the API get the event loop at least every few ms.
 */
export class TimeSlicer {
  #sliceStart = performance.now();

  constructor(private readonly sliceMs = 8) {}

  due(): boolean {
    return performance.now() - this.#sliceStart >= this.sliceMs;
  }

  async pause(): Promise<void> {
    await nextTurn();
    this.#sliceStart = performance.now();
  }
}
