import { describe, expect, it } from "vitest";
import { clientKey } from "../src/client-key.js";
import { LoginThrottle } from "../src/login-throttle.js";

describe("LoginThrottle (fixed clock)", () => {
  const make = (clock: { t: number }, maxTracked = 100) =>
    new LoginThrottle({
      freeFailures: 3,
      baseDelayMs: 250,
      maxDelayMs: 2000,
      refuseAfter: 10,
      windowMs: 60_000,
      maxTracked,
      now: () => clock.t,
    });

  it("free failures, then a doubling delay up to the cap, then refusal until the window passes", () => {
    const clock = { t: 1_000_000 };
    const throttle = make(clock);
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      const verdict = throttle.assess("a");
      expect("delayMs" in verdict).toBe(true);
      delays.push((verdict as { delayMs: number }).delayMs);
      throttle.failed("a");
    }
    expect(delays).toEqual([0, 0, 0, 250, 500, 1000, 2000, 2000, 2000, 2000]);
    expect(throttle.assess("a")).toEqual({ refusedForMs: 60_000 });
    expect(throttle.assess("b")).toEqual({ delayMs: 0 });
    clock.t += 59_999;
    expect(throttle.assess("a")).toEqual({ refusedForMs: 1 });
    clock.t += 1;
    expect(throttle.assess("a")).toEqual({ delayMs: 0 });
  });

  it("a delay already waited out is not owed again", () => {
    const clock = { t: 0 };
    const throttle = make(clock);
    for (let i = 0; i < 4; i++) throttle.failed("a");
    expect(throttle.assess("a")).toEqual({ delayMs: 500 });
    clock.t += 400;
    expect(throttle.assess("a")).toEqual({ delayMs: 100 });
  });

  it("remembers at most maxTracked addresses, forgetting the least recently failed", () => {
    const clock = { t: 0 };
    const throttle = make(clock, 2);
    for (let i = 0; i < 10; i++) throttle.failed("a");
    for (let i = 0; i < 10; i++) throttle.failed("b");
    throttle.failed("c");
    expect(throttle.assess("a")).toEqual({ delayMs: 0 });
    expect("refusedForMs" in throttle.assess("b")).toBe(true);
  });
});

describe("clientKey", () => {
  it("counts IPv4 (also IPv4-mapped) per address and IPv6 per /64", () => {
    expect(clientKey("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(clientKey("192.0.2.7")).toBe("192.0.2.7");
    expect(clientKey("2001:db8:0:1:aaaa::1")).toBe("2001:db8:0:1::/64");
    expect(clientKey("2001:db8:0:1:ffff:ffff:ffff:ffff")).toBe("2001:db8:0:1::/64");
    expect(clientKey("::1")).toBe("0:0:0:0::/64");
    expect(clientKey(undefined)).toBe("unknown");
  });
});
