import { setFlagsFromString } from "node:v8";

/**
 * Start-up (compiling the bundle, building the API's schemas) allocates a burst of short-lived
 * objects; V8 answers it by doubling the young generation up to its maximum (2 x 16 MiB here), and
 * an idle server keeps those pages for good: about 20 MiB of its resident memory. Holding the
 * growth factor at 1 while the server starts keeps the young generation at its initial size (the
 * burst costs a few more, cheap, scavenges); restoring V8's default (2) once it listens lets real
 * traffic grow it as before, so throughput under load is unchanged. V8 reads this flag each time it
 * considers growing, so setting it at run time takes effect (unlike --max-semi-space-size).
 */
export function holdYoungGeneration(): void {
  setFlagsFromString("--semi-space-growth-factor=1");
}

export function releaseYoungGeneration(): void {
  setFlagsFromString("--semi-space-growth-factor=2");
}
