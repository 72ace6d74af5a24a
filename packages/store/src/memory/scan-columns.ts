import { foldCase } from "@sandmail/matcher";
import type { ScanPrefilter } from "../contract.js";
import { recipientForms, senderForms } from "../shared/address-forms.js";
import { insertSorted, lowerBound } from "./sorted.js";
import type { MessageRecord } from "./state.js";

/**
 * A run's scan columns: per message, in seq order, its subject, its sender forms and its recipient
 * forms (shared/address-forms.ts), case-folded the one way the matcher folds (foldCase), kept as
 * a few long strings with each message's offset. A scan with a ScanPrefilter searches one of them
 * with indexOf for the criterion's needle and tests only the messages it is found in: a first
 * wait over a long history does work in proportion to its candidates, at some tens of nanoseconds
 * per message passed over instead of a test of each.
 *
 * Only ever appended to: a message that leaves the run stays in the text (its chunk goes once it
 * holds no live message), and a scan looks a candidate up in its own seq-ordered list, so a message
 * gone is no candidate. Flags and folders are not in the columns (the test reads those). The one
 * field that changes, the inbox address among the recipient forms, is covered by `unsure`.
 */

export type ScanField = "subject" | "from" | "to";
const FIELDS: readonly ScanField[] = ["subject", "from", "to"];

/** Messages per chunk: one indexOf pass over a chunk's column takes some tens of microseconds. */
export const CHUNK_RECORDS = 1024;
// After each form and each message. A needle holding it may be found across two forms: a candidate
// too many, which the test turns down; never one too few.
const SEP = "\u0000";

/** One field of a chunk's messages: the folded texts one after the other, and where each starts. */
class Column {
  readonly starts: number[] = [];
  length = 0;
  #text = "";
  // What was added since #text was last joined; undefined once the chunk is full and joined for good.
  #parts: string[] | undefined = [];
  #joined = 0;

  add(segment: string): void {
    this.starts.push(this.length);
    (this.#parts as string[]).push(segment, SEP);
    this.length += segment.length + 1;
  }

  text(): string {
    const parts = this.#parts;
    if (parts && this.#joined !== parts.length) {
      this.#text = parts.join("");
      this.#joined = parts.length;
    }
    return this.#text;
  }

  /** Full: joined once more, and the parts let go. */
  seal(): void {
    this.text();
    this.#parts = undefined;
  }
}

class Chunk {
  readonly seqs: number[] = [];
  readonly columns: Record<ScanField, Column> = {
    subject: new Column(),
    from: new Column(),
    to: new Column(),
  };
  /** Its messages still in the run. */
  live = 0;
}

/**
 * A message's forms of one field as one text, folded in one go. Taken from the last: a
 * `name <address>` comes after its name and address (address-forms.ts), which it holds, so they
 * are left out, as is an envelope address the header has given already. Folding the whole text
 * folds each form as it would alone: the only letter folded by its context (a capital sigma)
 * looks no further than the separator or a form's end, neither a letter nor skipped as one.
 */
function joinedForms(forms: string[]): string {
  let out = "";
  for (let i = forms.length - 1; i >= 0; i--) {
    const form = forms[i] as string;
    if (form === "" || out.includes(form)) continue;
    out = out === "" ? form : out + SEP + form;
  }
  return foldCase(out);
}

/** The longest needle the prefilter gives (the rarest, most likely), or undefined when none. */
export function pickNeedle(prefilter: ScanPrefilter): { field: ScanField; needle: string } | undefined {
  let best: { field: ScanField; needle: string } | undefined;
  for (const field of FIELDS) {
    const needle = prefilter[field];
    if (needle && (!best || needle.length > best.needle.length)) best = { field, needle };
  }
  return best;
}

const firstSeq = (c: Chunk) => c.seqs[0] as number;
const itself = (n: number) => n;

export class ScanColumns {
  readonly #chunks: Chunk[] = [];
  /** Seqs of messages whose recipient forms changed (moved to another inbox), ascending: candidates for every search. */
  readonly #unsure: number[] = [];

  /** A message that came into the run (seqs ascending). */
  add(rec: MessageRecord): void {
    let chunk = this.#chunks[this.#chunks.length - 1];
    if (!chunk || chunk.seqs.length >= CHUNK_RECORDS) {
      if (chunk) for (const field of FIELDS) chunk.columns[field].seal();
      chunk = new Chunk();
      this.#chunks.push(chunk);
    }
    chunk.seqs.push(rec.seq);
    chunk.live++;
    const { summary } = rec.meta;
    chunk.columns.subject.add(foldCase(summary.subject));
    chunk.columns.from.add(joinedForms(senderForms(summary, rec.envelope)));
    chunk.columns.to.add(joinedForms(recipientForms(rec.mailbox.address, summary, rec.envelope)));
  }

  /** A message moved to another inbox: its recipient forms in the columns are not all it has now. */
  unsure(rec: MessageRecord): void {
    const at = lowerBound(this.#unsure, rec.seq, itself);
    if (this.#unsure[at] !== rec.seq) insertSorted(this.#unsure, rec.seq, itself);
  }

  /** Messages that left the run: a chunk left with none goes. */
  remove(recs: readonly MessageRecord[]): void {
    for (const rec of recs) {
      const at = lowerBound(this.#chunks, rec.seq + 1, firstSeq) - 1;
      const chunk = this.#chunks[at];
      if (!chunk) continue;
      const i = lowerBound(chunk.seqs, rec.seq, itself);
      if (chunk.seqs[i] !== rec.seq) continue;
      if (--chunk.live === 0) this.#chunks.splice(at, 1);
      const u = lowerBound(this.#unsure, rec.seq, itself);
      if (this.#unsure[u] === rec.seq) this.#unsure.splice(u, 1);
    }
  }

  /** Messages above `afterSeq` whose `field` may hold `needle`, a chunk at a time (see ColumnSearch). */
  search(field: ScanField, needle: string, afterSeq: number): ColumnSearch {
    return new ColumnSearch(this.#chunks, this.#unsure, field, needle, afterSeq);
  }
}

/** ColumnSearch.next: every chunk was searched. */
export const SEARCH_END = -1;
/** ColumnSearch.next: a chunk's candidates are all out; `reached` moved. */
export const CHUNK_END = 0;

/**
 * The candidates of one search, seq ascending: messages whose folded field holds the needle, and
 * the unsure ones. Only for the synchronous step that made it: the columns may change after.
 */
export class ColumnSearch {
  /** Every message up to this seq was searched (afterSeq at first). */
  reached: number;
  #at = 0;
  #hits: number[] = [];
  #next = 0;
  #chunkDone = false;

  constructor(
    private readonly chunks: readonly Chunk[],
    private readonly unsure: readonly number[],
    private readonly field: ScanField,
    private readonly needle: string,
    private readonly afterSeq: number,
  ) {
    this.reached = afterSeq;
    // The chunk holding afterSeq + 1 or the first past it.
    const at = Math.max(0, lowerBound(chunks, afterSeq + 1, firstSeq) - 1);
    const seqs = chunks[at]?.seqs;
    this.#at = seqs && (seqs[seqs.length - 1] as number) <= afterSeq ? at + 1 : at;
  }

  /** The next candidate's seq, CHUNK_END after each chunk's last, SEARCH_END after the last chunk. */
  next(): number {
    for (;;) {
      if (this.#next < this.#hits.length) return this.#hits[this.#next++] as number;
      if (this.#chunkDone) {
        this.#chunkDone = false;
        return CHUNK_END;
      }
      const chunk = this.chunks[this.#at++];
      if (!chunk) return SEARCH_END;
      this.#hits = this.#searchChunk(chunk);
      this.#next = 0;
      this.#chunkDone = true;
    }
  }

  #searchChunk(chunk: Chunk): number[] {
    const { seqs } = chunk;
    const column = chunk.columns[this.field];
    const { starts } = column;
    const { needle, afterSeq } = this;
    const n = seqs.length;
    const hits: number[] = [];
    let k = lowerBound(seqs, afterSeq + 1, itself);
    if (k < n) {
      const text = column.text();
      let from = starts[k] as number;
      while (k < n) {
        const hit = text.indexOf(needle, from);
        if (hit < 0) break;
        // The message whose segment holds the hit: the last to start at or before it.
        let lo = k;
        let hi = n;
        while (hi - lo > 1) {
          const mid = (lo + hi) >>> 1;
          if ((starts[mid] as number) <= hit) lo = mid;
          else hi = mid;
        }
        k = lo;
        const next = k + 1 < n ? (starts[k + 1] as number) : column.length;
        if (hit + needle.length < next) {
          hits.push(seqs[k] as number);
          k++;
          from = next;
        } else from = hit + 1; // across into the next message: look on from there
      }
    }
    const last = seqs[n - 1] as number;
    const low = Math.max(this.reached, afterSeq);
    this.reached = last;
    return this.#withUnsure(hits, low, last);
  }

  /** The unsure seqs in (low, high] merged into `hits`. */
  #withUnsure(hits: number[], low: number, high: number): number[] {
    const { unsure } = this;
    let u = lowerBound(unsure, low + 1, itself);
    if (u >= unsure.length || (unsure[u] as number) > high) return hits;
    const out: number[] = [];
    let h = 0;
    while (h < hits.length || (u < unsure.length && (unsure[u] as number) <= high)) {
      const a = hits[h];
      const b = u < unsure.length && (unsure[u] as number) <= high ? (unsure[u] as number) : undefined;
      if (b === undefined || (a !== undefined && a < b)) {
        out.push(a as number);
        h++;
      } else {
        if (a === b) h++;
        out.push(b);
        u++;
      }
    }
    return out;
  }
}
