import { ReplyError } from "ioredis";
import type { Arg } from "./scripts.js";

/** A delivery's script arguments (scripts.ts smAppendDelivery, one delivery) and extra keys. */
export interface GroupedDelivery {
  args: readonly Arg[];
  extra: readonly string[];
  /**
   * The bytes the script stores for it (every copy's message): an uploaded body is not in its
   * arguments, yet the script reads it whole (each string it makes is hashed byte for byte).
   */
  bytes: number;
}

/**
 * Sends one call for a group of deliveries: its answer holds, per delivery in order, its rows, or
 * its failure (a string from the script, or an Error, such as a replica that has not acknowledged).
 * A call that fails as a whole (connection, timeout) rejects.
 */
export type SendGroup = (runId: string, group: readonly GroupedDelivery[]) => Promise<readonly unknown[]>;

interface Waiting extends GroupedDelivery {
  resolve(rows: unknown): void;
  reject(err: unknown): void;
}

/**
 * At most this many deliveries in one call, and this many bytes stored past its first: a group
 * holds Redis for all of its deliveries, so a large one goes alone (sixteen 16 MiB deliveries in
 * one call held it for seconds).
 */
const GROUP_MAX = 32;
const GROUP_BYTES = 1024 * 1024;

/**
 * Group commit of a run's deliveries: while the run's delivery call is in flight, the deliveries
 * that come wait, and go together as the next call when it answers, which the script runs one by
 * one as separate calls would (lua/messages.ts APPEND_DELIVERY). No timer: a delivery with nothing
 * in flight for its run is sent at once, and a group is as large as what came during one call.
 * Per run, because a call's keys must share one slot (Redis Cluster) and its run's prefix.
 * redis-server pays its per-call costs (the call's parsing, the Lua entry, the run's counters
 * read and written, KEYS made into Lua strings, the keys every delivery shares counted once) once
 * per group, and the server once per reply instead of once per delivery.
 *
 * A delivery's outcome stays its own: a failure of one is answered to it alone (the caller asks
 * again with the keys or ids it needs, or refuses it), and a call that fails as a whole fails each
 * of its deliveries as their own call would have (the caller retries each with its delivery id,
 * which answers a stored delivery's rows again instead of storing it twice).
 */
export class DeliveryGroups {
  readonly #send: SendGroup;
  /** Per run with a call in flight, the deliveries waiting for the next. */
  readonly #waiting = new Map<string, Waiting[]>();

  constructor(send: SendGroup) {
    this.#send = send;
  }

  /** A delivery's rows, or its failure, as the script answered them. */
  deliver(runId: string, delivery: GroupedDelivery): Promise<unknown> {
    return new Promise((resolve, reject) => {
      // Named, not spread: an object spread took the slow path it takes for objects of any shape.
      const item: Waiting = {
        args: delivery.args,
        extra: delivery.extra,
        bytes: delivery.bytes,
        resolve,
        reject,
      };
      const queue = this.#waiting.get(runId);
      if (queue) {
        queue.push(item);
        return;
      }
      this.#waiting.set(runId, []);
      this.#flight(runId, [item]);
    });
  }

  #flight(runId: string, group: Waiting[]): void {
    this.#send(runId, group).then(
      (answers) => {
        this.#next(runId);
        for (let i = 0; i < group.length; i++) settle(group[i] as Waiting, answers[i]);
      },
      (err: unknown) => {
        this.#next(runId);
        for (const item of group) item.reject(err);
      },
    );
  }

  /** The waiting deliveries go as the next call (before the answered ones' callers go on), or none is in flight. */
  #next(runId: string): void {
    const queue = this.#waiting.get(runId) ?? [];
    if (queue.length === 0) {
      this.#waiting.delete(runId);
      return;
    }
    let n = 1;
    let bytes = (queue[0] as Waiting).bytes;
    while (n < queue.length && n < GROUP_MAX) {
      bytes += (queue[n] as Waiting).bytes;
      if (bytes > GROUP_BYTES) break;
      n++;
    }
    this.#flight(runId, queue.splice(0, n));
  }
}

/**
 * A delivery's answer as the group's script gives it (lua/messages.ts APPEND_DELIVERY): its rows
 * as JSON, '[[' first since a delivery has a copy at least (one string is cheaper for
 * redis-server to reply than a table of tables), or its failure, any other string.
 */
export function groupAnswer(answer: unknown): unknown {
  return typeof answer === "string" && answer.startsWith("[[") ? JSON.parse(answer) : answer;
}

function settle(item: Waiting, answer: unknown): void {
  if (answer instanceof Error) item.reject(answer);
  // The script's failure as Redis would have answered the delivery's own call.
  else if (typeof answer === "string") item.reject(new ReplyError(answer));
  else if (answer === undefined) item.reject(new ReplyError("no answer for a delivery of the group"));
  else item.resolve(answer);
}
