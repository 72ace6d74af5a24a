import { describe, expect, it } from "vitest";
import { extractLinks } from "../../src/extract/index.js";

describe("extractLinks", () => {
  it("returns nothing for a message without parts or links", () => {
    expect(extractLinks({})).toEqual([]);
    expect(extractLinks({ text: "", html: "" })).toEqual([]);
    expect(extractLinks({ text: "No links here, just example text.", html: "<p>Nor here</p>" })).toEqual([]);
  });

  it("decodes entities in hrefs and collapses whitespace in anchor text", () => {
    const html = `<a href="https://x.example/a?b=1&amp;c=&quot;2&quot;&#38;d=%20">  Go
      <b>now</b>&nbsp;!</a>`;
    expect(extractLinks({ html })).toEqual([
      { url: 'https://x.example/a?b=1&c="2"&d=%20', text: "Go now !", sources: ["html"] },
    ]);
  });

  it("keeps document order across anchors and URLs written as HTML text", () => {
    const html = `<p>First https://one.example/1 then <a href="https://two.example/2">two</a>,
      then https://three.example/3 and <area href="https://four.example/4" alt="Four"></p>`;
    expect(extractLinks({ html }).map((l) => l.url)).toEqual([
      "https://one.example/1",
      "https://two.example/2",
      "https://three.example/3",
      "https://four.example/4",
    ]);
  });

  it("drops hrefs that lead nowhere and resolves relative ones only against <base>", () => {
    const noBase = `<a href="#top">top</a><a href="javascript:alert(1)">x</a><a href="/rel">rel</a>
      <a href="cid:logo@x">logo</a><a href="data:text/html,hi">d</a><a href="{{confirm_url}}">tpl</a><a href="">empty</a>`;
    expect(extractLinks({ html: noBase })).toEqual([]);
    const withBase = `<head><base href="https://app.example/en/"></head><a href="account?id=7">Account</a>`;
    expect(extractLinks({ html: withBase })).toEqual([
      { url: "https://app.example/en/account?id=7", text: "Account", sources: ["html"] },
    ]);
  });

  it("keeps mailto:, tel: and tracking links exactly as written", () => {
    const html = `<a href="mailto:Help@Example.com?subject=Hi%20there">Mail us</a>
      <a href="tel:+4930123456">Call</a>
      <a href="https://trk.example/c/abc?u=https%3A%2F%2Fshop.example%2Fx">Shop</a>`;
    expect(extractLinks({ html }).map((l) => l.url)).toEqual([
      "mailto:Help@Example.com?subject=Hi%20there",
      "tel:+4930123456",
      "https://trk.example/c/abc?u=https%3A%2F%2Fshop.example%2Fx",
    ]);
  });

  it("merges one URL found in HTML and text, however its host is cased", () => {
    const links = extractLinks({
      html: `<a href="https://Shop.Example">Shop</a>`,
      text: "Visit https://shop.example/ today. Also https://other.example/x.",
    });
    expect(links).toEqual([
      { url: "https://Shop.Example", text: "Shop", sources: ["html", "text"] },
      { url: "https://other.example/x", sources: ["text"] },
    ]);
  });

  it("prefers a label over an anchor that only repeats the URL", () => {
    const html = `<a href="https://x.example/v">https://x.example/v</a> <a href="https://x.example/v">Verify</a>`;
    expect(extractLinks({ html })).toEqual([
      { url: "https://x.example/v", text: "Verify", sources: ["html"] },
    ]);
  });

  it("ignores images, stylesheets and text hidden in head, style and script", () => {
    const html = `<html><head><title>https://title.example</title><link rel="stylesheet" href="https://css.example/a.css">
      <style>.x{background:url(https://bg.example/a.png)}</style><script>var u="https://js.example"</script></head>
      <body><img src="https://img.example/a.png"></body></html>`;
    expect(extractLinks({ html })).toEqual([]);
  });

  it("does not take bare domains or bare addresses in text for links", () => {
    const text = "From support@shop.io, see shop.io or www.shop.io/help, or mailto:a@b.example.";
    expect(extractLinks({ text }).map((l) => l.url)).toEqual([
      "http://www.shop.io/help",
      "mailto:a@b.example",
    ]);
  });

  it("survives broken and deeply nested markup", () => {
    const html = `${"<div>".repeat(5000)}<a href="https://deep.example">deep${"</div>".repeat(10)}<a href="https://next.example">n`;
    expect(extractLinks({ html }).map((l) => l.url)).toEqual([
      "https://deep.example",
      "https://next.example",
    ]);
  });
});

describe("extractLinks on untidy markup", () => {
  it("pairs closing tags with the right anchor when named anchors sit inside links", () => {
    const html = `<a href="https://a.example">Go <a name="x"></a>there</a> after <a href="https://b.example">B</a>`;
    expect(extractLinks({ html })).toEqual([
      { url: "https://a.example", text: "Go there", sources: ["html"] },
      { url: "https://b.example", text: "B", sources: ["html"] },
    ]);
  });

  it("reads the body even when <head> is never closed", () => {
    const html = `<html><head><title>Hi</title><meta charset="utf-8"><body><a href="https://body.example">Body link</a></body></html>`;
    expect(extractLinks({ html }).map((l) => l.url)).toEqual(["https://body.example"]);
  });
});
