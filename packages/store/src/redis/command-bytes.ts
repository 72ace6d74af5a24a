import { Command } from "ioredis";

/** Bytes of a command at most this long come from the shared slab; longer ones get their own. */
const SLAB_BYTES = 256 * 1024;
const SLAB_MAX_COMMAND = SLAB_BYTES / 8;
let slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
let slabUsed = 0;
/** Byte lengths of the arguments of the command being written (reused: no array per command). */
let lengths = new Uint32Array(64);

const CRLF = 0x0a0d; // "\r\n" as a little-endian uint16

/**
 * A command written straight into one Buffer (RESP: `*<n>\r\n` then `$<len>\r\n<bytes>\r\n` per
 * argument). ioredis builds a command's bytes as a string, concatenated piece by piece and
 * encoded again as the socket writes it: a delivery (40-odd arguments, the message among them)
 * allocated about twice its size in strings that way, and its message was first copied into a
 * string too, to keep every argument a string. Here a Buffer argument is copied once, a string is encoded
 * once, and nothing else is allocated for a command that fits the slab. The command is otherwise
 * ioredis's own (its reply, timeout, cluster routing by its keys).
 */
export class EncodedCommand extends Command {
  /**
   * The arguments are `first` then the items of `rest`, joined here in one pass: given nested,
   * ioredis flattens them with Array.prototype.flat, which took ~3 us for a delivery's 40-odd
   * arguments (a tenth of the Node side of a delivery, more than encoding them). The list is
   * then what ioredis makes of it (numbers as strings), but for the `keyPrefix` option and the
   * argument transformers (mset, hset), which would see the empty list given to it: the store
   * names its keys whole and sends FCALL.
   */
  constructor(
    name: string,
    first: unknown,
    rest: readonly unknown[],
    options?: { replyEncoding?: BufferEncoding | null },
  ) {
    super(name, [], options);
    const args: unknown[] = [first];
    for (const arg of rest) args.push(arg);
    this.args = args as never[];
    this.stringifyArguments();
  }

  override toWritable(_socket: object): Buffer {
    return encodeCommand(this.name, this.args);
  }
}

/** The RESP bytes of a command; its arguments are strings, Buffers or numbers (as ioredis takes them). */
export function encodeCommand(name: string, args: readonly unknown[]): Buffer {
  const count = args.length;
  if (lengths.length < count) lengths = new Uint32Array(count * 2);
  const nameBytes = Buffer.byteLength(name);
  let size = 1 + digits(count + 1) + 2 + 1 + digits(nameBytes) + 2 + nameBytes + 2;
  for (let i = 0; i < count; i++) {
    const bytes = byteLength(args[i]);
    lengths[i] = bytes;
    size += 1 + digits(bytes) + 2 + bytes + 2;
  }
  const out = take(size);
  let at = header(out, 0, 0x2a, count + 1);
  at = header(out, at, 0x24, nameBytes);
  at += out.write(name, at);
  out.writeUInt16LE(CRLF, at);
  at += 2;
  for (let i = 0; i < count; i++) {
    const arg = args[i];
    at = header(out, at, 0x24, lengths[i] as number);
    if (Buffer.isBuffer(arg)) at += arg.copy(out, at);
    else at += out.write(typeof arg === "string" ? arg : argText(arg), at);
    out.writeUInt16LE(CRLF, at);
    at += 2;
  }
  return out;
}

function byteLength(arg: unknown): number {
  if (typeof arg === "string") return Buffer.byteLength(arg);
  if (Buffer.isBuffer(arg)) return arg.length;
  return Buffer.byteLength(argText(arg));
}

/** An argument that is neither a string nor a Buffer, as ioredis sends it (utils toArg). */
function argText(arg: unknown): string {
  if (arg === null || arg === undefined) return "";
  if (typeof arg === "number" && Number.isInteger(arg) && !Number.isSafeInteger(arg)) {
    return BigInt(arg).toString();
  }
  return String(arg);
}

/** `<mark><n>\r\n` at `at`; returns where it ends. */
function header(out: Buffer, at: number, mark: number, n: number): number {
  out[at++] = mark;
  const end = at + digits(n);
  for (let i = end - 1, v = n; i >= at; i--, v = Math.floor(v / 10)) out[i] = 0x30 + (v % 10);
  out.writeUInt16LE(CRLF, end);
  return end + 2;
}

function digits(n: number): number {
  let d = 1;
  for (let v = n; v >= 10; v = Math.floor(v / 10)) d++;
  return d;
}

/**
 * `size` bytes for one command. Most commands share a slab, as Node's own Buffer pool does for
 * smaller ones: a slab is let go once every command cut from it has been written and dropped.
 */
function take(size: number): Buffer {
  if (size > SLAB_MAX_COMMAND) return Buffer.allocUnsafeSlow(size);
  if (slabUsed + size > SLAB_BYTES) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    slabUsed = 0;
  }
  const out = slab.subarray(slabUsed, slabUsed + size);
  // Aligned, as Node's pool keeps its slices.
  slabUsed += (size + 7) & ~7;
  return out;
}
