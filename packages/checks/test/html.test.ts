import { readFileSync } from "node:fs";
import { getAllFeatures } from "caniemail";
import { describe, expect, it } from "vitest";
import { ALL_CLIENTS, checkHtml, GMAIL_CLIP_BYTES, resolveClients } from "../src/index.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const { clients: families } = resolveClients(["gmail", "outlook", "apple-mail"]);
const check = (name: string, text?: string) =>
  checkHtml({ html: fixture(name), ...(text ? { text } : {}) }, families);
const feature = (result: ReturnType<typeof checkHtml>, slug: string) =>
  result.warnings.find((w) => w.feature === slug);

describe("client filter", () => {
  it("takes families, single clients and *", () => {
    expect(resolveClients(["outlook"]).clients).toEqual([
      "outlook.windows",
      "outlook.windows-mail",
      "outlook.macos",
      "outlook.ios",
      "outlook.android",
    ]);
    expect(resolveClients(["gmail.ios", "APPLE-MAIL.macos"]).clients).toEqual([
      "apple-mail.macos",
      "gmail.ios",
    ]);
    expect(resolveClients(undefined).clients).toHaveLength(ALL_CLIENTS.length);
    expect(resolveClients(["*"]).clients).toHaveLength(ALL_CLIENTS.length);
    expect(resolveClients(["gmail", "hotmail"]).unknown).toEqual(["hotmail"]);
  });

  it("names exactly the clients the caniemail package checks", () => {
    // The package exports no list; each of ours must be one it reports on.
    for (const client of ALL_CLIENTS) {
      const { supported, unsupported } = getAllFeatures([client]);
      expect([...supported.keys(), ...unsupported.keys()], client).toContain(client);
    }
  });
});

describe("HTML compatibility of real-world-shaped templates", () => {
  it("a table layout with inline styles: no layout warnings, alt present, https only", () => {
    const result = check("table-layout.html", "Thanks for your order");
    expect(feature(result, "css-display-flex")).toBeUndefined();
    expect(feature(result, "css-display-grid")).toBeUndefined();
    expect(feature(result, "sandmail-img-missing-alt")).toBeUndefined();
    expect(feature(result, "sandmail-insecure-image")).toBeUndefined();
    expect(feature(result, "sandmail-no-text-part")).toBeUndefined();
    // Outlook for Windows (Word engine) only partly honours padding on table cells.
    expect(feature(result, "css-padding")?.support["outlook.windows"]).toBe("partial");
    expect(result.score).toBeGreaterThan(80);
  });

  it("flexbox, grid and @media in a <style> block", () => {
    const result = check("flex-grid-style.html");
    const flex = feature(result, "css-display-flex");
    expect(flex?.title).toBe("display:flex");
    expect(flex?.url).toBe("https://www.caniemail.com/features/css-display-flex/");
    expect(flex?.support["outlook.windows"]).toBe("no");
    expect(flex?.support["apple-mail.macos"]).toBeUndefined(); // supported: not listed
    const grid = feature(result, "css-display-grid");
    expect(grid?.support["gmail.desktop-webmail"]).toBe("no");
    expect(grid?.support["outlook.windows"]).toBe("no");
    expect(feature(result, "css-at-media")?.support["outlook.windows"]).toBe("no");
    // sandmail's own checks: no text part, an image without alt, http: image and link.
    expect(feature(result, "sandmail-no-text-part")?.count).toBe(1);
    expect(feature(result, "sandmail-img-missing-alt")?.count).toBe(1);
    expect(feature(result, "sandmail-insecure-image")?.count).toBe(1);
    expect(feature(result, "sandmail-insecure-link")?.count).toBe(1);
    expect(result.score).toBeLessThan(check("table-layout.html", "text").score);
  });

  it("VML for Outlook beside a CSS button: border-radius unsupported in Outlook for Windows", () => {
    const result = check("outlook-vml.html", "Confirm: https://shop.example/go");
    expect(feature(result, "css-border-radius")?.support).toMatchObject({
      "outlook.windows": "no",
      "outlook.windows-mail": "no",
    });
    expect(feature(result, "css-border-radius")?.support["gmail.desktop-webmail"]).toBeUndefined();
    // The VML sits in a conditional comment, which is not markup to any other client.
    expect(result.warnings.some((w) => /vml|roundrect/i.test(w.title))).toBe(false);
  });

  it("an AMP document: rendered by Gmail, not by Outlook or Apple Mail", () => {
    const result = check("amp.html", "Hello");
    const amp = feature(result, "amp");
    expect(amp?.title).toBe("AMP for Email");
    expect(amp?.support["outlook.windows"]).toBe("no");
    expect(amp?.support["apple-mail.macos"]).toBe("no");
    expect(amp?.support["gmail.desktop-webmail"]).toBeUndefined();
  });

  it("counts every place a feature is used", () => {
    const html = `<div style="display:flex">a</div><p>x</p><div style="display:flex">b</div><span style="display:flex">c</span>`;
    const result = checkHtml({ html, text: "a b c" }, resolveClients(["outlook.windows"]).clients);
    expect(feature(result, "css-display-flex")?.count).toBe(3);
  });

  it("flags HTML that Gmail clips, only when a Gmail client is checked", () => {
    const html = `<p>${"x".repeat(GMAIL_CLIP_BYTES)}</p>`;
    const gmail = checkHtml({ html, text: "x" }, resolveClients(["gmail"]).clients);
    expect(feature(gmail, "sandmail-gmail-clip")?.support["gmail.android"]).toBe("no");
    const outlook = checkHtml({ html, text: "x" }, resolveClients(["outlook"]).clients);
    expect(feature(outlook, "sandmail-gmail-clip")).toBeUndefined();
  });

  it("scores 100 with nothing to warn about, and for a message without HTML", () => {
    expect(checkHtml({ html: "", text: "plain" }, families)).toEqual({
      score: 100,
      clients: families,
      warnings: [],
    });
    const plain = checkHtml(
      { html: "<p>Hello</p>", text: "Hello" },
      resolveClients(["apple-mail.macos"]).clients,
    );
    expect(plain.score).toBe(100);
  });
});
