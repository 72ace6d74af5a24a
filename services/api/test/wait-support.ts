import { EventEmitter, once } from "node:events";
import type { StoredMessage } from "@sandmail/core";
import {
  MemoryStore,
  type MessageQuery,
  type ScannedMessage,
  type ScanOptions,
  type ScanQuery,
  type ScanResult,
  type StoreListener,
} from "@sandmail/store";

/**
 * A MemoryStore that counts its live subscriptions, so tests can see how many a process holds
 * and await their release instead of sleeping.
 */
export class CountingStore extends MemoryStore {
  active = 0;
  opened = 0;
  readonly changes = new EventEmitter();
  /** Runs once, after the next listMessages or scanMessages has its answer and before it returns. */
  onNextList: (() => Promise<void>) | undefined;

  override async subscribe(runId: string, listener: StoreListener): Promise<() => void> {
    const unsubscribe = await super.subscribe(runId, listener);
    this.active++;
    this.opened++;
    this.changes.emit("change");
    let done = false;
    return () => {
      if (done) return;
      done = true;
      unsubscribe();
      this.active--;
      this.changes.emit("change");
    };
  }

  /** Messages scanMessages handed to a test (not those a prefilter passed over). */
  tested = 0;

  /** Every listMessages and scanMessages query, in order. */
  readonly queries: MessageQuery[] = [];

  override async listMessages(runId: string, query?: MessageQuery): Promise<StoredMessage[]> {
    this.queries.push({ ...query });
    return this.#afterRead(await super.listMessages(runId, query));
  }

  override async scanMessages(
    runId: string,
    query: ScanQuery,
    test: (msg: ScannedMessage) => boolean,
    options?: ScanOptions,
  ): Promise<ScanResult> {
    this.queries.push({ ...query });
    const counted = (msg: ScannedMessage) => {
      this.tested++;
      return test(msg);
    };
    return this.#afterRead(await super.scanMessages(runId, query, counted, options));
  }

  async #afterRead<T>(result: T): Promise<T> {
    const hook = this.onNextList;
    this.onNextList = undefined;
    if (hook) await hook();
    return result;
  }

  /** Resolves once exactly `n` subscriptions are live. */
  async untilActive(n: number): Promise<void> {
    while (this.active !== n) await once(this.changes, "change");
  }
}
