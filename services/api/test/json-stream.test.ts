import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { sendJson, Utf8Text } from "../src/support/json-stream.js";

/** What a route answering `sendJson(reply, value)` sends, read back as text. */
async function answered(value: unknown): Promise<{ body: string; type: string | undefined }> {
  const app = Fastify();
  app.get("/", async (_request, reply) => sendJson(reply, value));
  try {
    const res = await app.inject({ method: "GET", url: "/" });
    expect(res.statusCode).toBe(200);
    return { body: res.body, type: res.headers["content-type"] as string | undefined };
  } finally {
    await app.close();
  }
}

describe("sendJson", () => {
  it("streams a view with big strings as exactly the JSON of it", async () => {
    // Escapes throughout, a surrogate pair across every slice boundary, and a string of the
    // message that looks like the outline's markers.
    const text = `${'line "quoted" \\ back\r\n\t\u0001'.repeat(20_000)}😀${"é".repeat(300_000)}`;
    const value = {
      subject: "\u0000deadbeef:0\u0000",
      text,
      html: `<p>${"😀".repeat(200_000)}</p>`,
      headers: [{ name: "X-Big", value: "v".repeat(70_000) }],
      nested: { list: [1, null, true, "small"] },
    };
    const { body, type } = await answered(value);
    expect(type).toMatch(/^application\/json/);
    expect(body).toBe(JSON.stringify(value));
  });

  it("writes text held as UTF-8 bytes as exactly the JSON of its string", async () => {
    // Two-, three- and four-byte characters across every slice boundary, escapes throughout.
    const text = `${'a "q" \\ \r\n\t\u0001é€😀'.repeat(60_000)}end`;
    const html = "<p>€</p>";
    const value = {
      subject: "s",
      text: new Utf8Text(Buffer.from(text)),
      html: new Utf8Text(Buffer.from(html)),
    };
    const { body, type } = await answered(value);
    expect(type).toMatch(/^application\/json/);
    expect(body).toBe(JSON.stringify({ subject: "s", text, html }));
  });

  it("leaves a small view to fastify's own serializer", async () => {
    const value = { subject: "hello", text: "short" };
    const { body } = await answered(value);
    expect(JSON.parse(body)).toEqual(value);
  });
});
