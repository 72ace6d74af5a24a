import { useSandmailRun as useJestRun } from "@sandmail/sdk/jest";
import {
  type SandmailFixtures as PlaywrightFixtures,
  sandmailFixtures as playwrightFixtures,
} from "@sandmail/sdk/playwright";
import { sandmailFixtures, useSandmailRun } from "@sandmail/sdk/vitest";
import { afterAll, afterEach, test as base, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestSandbox, type TestSandbox } from "../../../test/support/sandbox.js";
import { send } from "./support.js";

let sb: TestSandbox;

beforeAll(async () => {
  sb = await startTestSandbox({}, { services: ["smtp", "api"] });
});

afterAll(async () => {
  await sb?.close();
});

async function runExists(id: string, token: string): Promise<number> {
  return (await sb.api({ token }, `/v1/runs/${id}`)).status;
}

// Fixtures resolve when a test first asks for them, after beforeAll started the server.
const test = base.extend(sandmailFixtures({ client: () => ({ url: sb.apiUrl }) }));

describe("vitest fixture", () => {
  const seen: Array<{ id: string; token: string }> = [];

  test("gives each test its own run, labelled with the test's name", async ({ run }) => {
    seen.push({ id: run.id, token: run.token });
    const to = run.address("fixture");
    await send(run, { to, subject: "From the fixture", text: "code 734019" });
    const msg = await run.waitForMessage({ to });
    expect(msg.code()).toBe("734019");
    expect((await run.info()).label).toBe("gives each test its own run, labelled with the test's name");
  });

  test("a second test gets another run; the first one is gone", async ({ run, sandmail }) => {
    expect(run.id).not.toBe(seen[0]?.id);
    expect(sandmail.url).toBe(sb.apiUrl);
    const first = seen[0]!;
    expect(await runExists(first.id, first.token)).toBe(404);
    seen.push({ id: run.id, token: run.token });
  });

  it("deleted the second test's run too", async () => {
    const second = seen[1]!;
    expect(await runExists(second.id, second.token)).toBe(404);
  });
});

describe("beforeEach/afterEach helper (vitest export)", () => {
  const mail = useSandmailRun({ beforeEach, afterEach }, { client: () => ({ url: sb.apiUrl }) });
  const ids: Array<{ id: string; token: string }> = [];

  it("has a run inside a test", async () => {
    ids.push({ id: mail.run.id, token: mail.run.token });
    expect(await runExists(mail.run.id, mail.run.token)).toBe(200);
  });

  it("has a fresh one in the next, the last one deleted", async () => {
    expect(mail.run.id).not.toBe(ids[0]?.id);
    expect(await runExists(ids[0]!.id, ids[0]!.token)).toBe(404);
  });
});

describe("jest helper", () => {
  // jest's hooks have the same shape; vitest's stand in for them here.
  const mail = useJestRun(
    { beforeEach, afterEach },
    { client: () => ({ url: sb.apiUrl }), run: { label: "jest" } },
  );

  it("creates the run with the given options", async () => {
    expect((await mail.run.info()).label).toBe("jest");
  });
});

it("the helper's run is unavailable outside a test", () => {
  const hooks = { beforeEach: () => undefined, afterEach: () => undefined };
  const mail = useSandmailRun(hooks);
  expect(() => mail.run).toThrow(/only while a test runs/);
});

/**
 * The part of Playwright's `test.extend` the fixtures rely on: option tuples give defaults that
 * `use` overrides; a fixture function gets the fixtures it names, a `use` callback and testInfo;
 * code after `use` is teardown and runs after the test, even when it fails.
 */
function extend<T extends object>(fixtures: Record<string, unknown>) {
  const names = Object.keys(fixtures);
  return (overrides: Partial<T>, body: (fixtures: T) => Promise<void>, testInfo = { title: "pw test" }) => {
    const resolved: Record<string, unknown> = {};
    const setUp = async (index: number): Promise<void> => {
      const name = names[index];
      if (name === undefined) return body(resolved as T);
      const definition = fixtures[name];
      if (Array.isArray(definition)) {
        resolved[name] = name in overrides ? (overrides as Record<string, unknown>)[name] : definition[0];
        return setUp(index + 1);
      }
      const fn = definition as (
        deps: unknown,
        use: (value: unknown) => Promise<void>,
        info: unknown,
      ) => Promise<void>;
      let used = false;
      await fn(
        resolved,
        async (value) => {
          used = true;
          resolved[name] = value;
          await setUp(index + 1);
        },
        testInfo,
      );
      if (!used) throw new Error(`fixture ${name} never called use()`);
    };
    return setUp(0);
  };
}

describe("playwright fixtures", () => {
  it("give a test a run labelled with its title and delete it afterwards, even when the test fails", async () => {
    const pwTest = extend<PlaywrightFixtures>(playwrightFixtures);
    let made = { id: "", token: "" };
    await pwTest(
      { sandmailOptions: { url: sb.apiUrl } },
      async ({ run, sandmail }) => {
        made = { id: run.id, token: run.token };
        expect(sandmail.url).toBe(sb.apiUrl);
        expect((await run.info()).label).toBe("sign-up sends a code");
        await send(run, { to: run.address("pw"), subject: "Hi", text: "https://app.example/magic?x=1" });
        expect((await run.waitForMessage()).link("magic")).toBe("https://app.example/magic?x=1");
      },
      { title: "sign-up sends a code" },
    );
    expect(await runExists(made.id, made.token)).toBe(404);

    const failing = pwTest({ sandmailOptions: { url: sb.apiUrl } }, async ({ run }) => {
      made = { id: run.id, token: run.token };
      throw new Error("assertion in the test failed");
    });
    await expect(failing).rejects.toThrow("assertion in the test failed");
    expect(await runExists(made.id, made.token)).toBe(404);
  });

  it("declares its option as a Playwright option tuple", () => {
    expect(playwrightFixtures.sandmailOptions).toEqual([{}, { option: true }]);
  });
});
