import { setImmediate as nextTurn } from "node:timers/promises";
import { loopBusy } from "./loop-budget.js";

/** Bytes copied in one step: a fraction of a millisecond of memcpy and page faults. */
const STEP_BYTES = 256 * 1024;

/** True when `bytes` live in a SharedArrayBuffer: a worker thread can read them without a copy. */
export function isShared(bytes: Uint8Array): boolean {
  return bytes.buffer instanceof SharedArrayBuffer;
}

interface Job {
  parts: readonly Uint8Array[];
  size: number;
  room: number;
  out: Buffer | undefined;
  part: number;
  offset: number;
  at: number;
  resolve(out: Buffer): void;
  reject(err: unknown): void;
}

const jobs: Job[] = [];
let driving = false;

/**
 * `parts` one after the other in one new Buffer on a SharedArrayBuffer, copied a few ms per turn
 * of the event loop (loopBusy). A 25 MiB message copied in one go held the loop that SMTP, IMAP
 * and HTTP share for tens of ms, sixteen arriving at once for far longer; so the copies waiting
 * here take steps in turns, within one budget per turn, however many there are. On shared memory the copy is the
 * last one: a worker thread reads it as it is, where an ordinary buffer is copied again to get there.
 * `room` bytes of the same memory are left free in front of the result (head-room.ts).
 */
export function concatShared(parts: readonly Uint8Array[], room = 0): Promise<Buffer> {
  let size = 0;
  for (const part of parts) size += part.byteLength;
  return new Promise((resolve, reject) => {
    jobs.push({ parts, size, room, out: undefined, part: 0, offset: 0, at: 0, resolve, reject });
    if (!driving) void drive();
  });
}

/**
 * `parts` joined in one Buffer: at once on ordinary memory when the join is one step's copy or
 * less (most mail: no queue, no turn waited, no SharedArrayBuffer, and too small for any worker
 * thread, which sharedBytes would copy it for anyway), else through concatShared, with `room`.
 */
export function joinBytes(parts: readonly Uint8Array[], room = 0): Promise<Buffer> {
  let size = 0;
  for (const part of parts) size += part.byteLength;
  return size <= STEP_BYTES ? Promise.resolve(Buffer.concat(parts, size)) : concatShared(parts, room);
}

/** `bytes` on shared memory: as they are when they already are, else a copy (concatShared). */
export function sharedBytes(bytes: Uint8Array): Promise<Uint8Array> {
  return isShared(bytes) ? Promise.resolve(bytes) : concatShared([bytes]);
}

async function drive(): Promise<void> {
  driving = true;
  try {
    while (jobs.length > 0) {
      do {
        const job = jobs.shift() as Job;
        try {
          if (step(job)) job.resolve(job.out as Buffer);
          else jobs.push(job);
        } catch (err) {
          job.reject(err);
        }
      } while (jobs.length > 0 && !loopBusy());
      await nextTurn();
    }
  } finally {
    driving = false;
  }
}

/** Copies up to STEP_BYTES of `job`; true once it is complete. */
function step(job: Job): boolean {
  // Allocated here rather than at the call: zeroing a large SharedArrayBuffer costs time too.
  job.out ??= Buffer.from(new SharedArrayBuffer(job.room + job.size), job.room, job.size);
  let budget = STEP_BYTES;
  while (budget > 0 && job.part < job.parts.length) {
    const part = job.parts[job.part] as Uint8Array;
    const end = Math.min(part.byteLength, job.offset + budget);
    job.out.set(part.subarray(job.offset, end), job.at);
    job.at += end - job.offset;
    budget -= end - job.offset;
    job.offset = end;
    if (job.offset >= part.byteLength) {
      job.part++;
      job.offset = 0;
    }
  }
  return job.part >= job.parts.length;
}
