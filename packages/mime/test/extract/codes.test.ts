import { describe, expect, it } from "vitest";
import { extractCodes } from "../../src/extract/index.js";

const values = (input: Parameters<typeof extractCodes>[0]) => extractCodes(input).map((c) => c.value);

describe("extractCodes", () => {
  it("returns nothing for empty input", () => {
    expect(extractCodes({})).toEqual([]);
    expect(extractCodes({ subject: "", text: "", html: "" })).toEqual([]);
  });

  it("reports value, raw, part, context and a score", () => {
    const [code, ...rest] = extractCodes({ text: "Hello!\nYour verification code is 123-456.\nThanks" });
    expect(rest).toEqual([]);
    expect(code).toMatchObject({ value: "123456", raw: "123-456", source: "text", sources: ["text"] });
    expect(code?.context).toBe("Hello! Your verification code is 123-456. Thanks");
    expect(code?.score).toBeGreaterThan(0.5);
  });

  it.each([
    ["English", "Your one-time passcode: 481516"],
    ["English, code after", "481516 is your security code"],
    ["German", "Ihr Verifizierungscode lautet 481516"],
    ["French", "Votre code de vérification : 481516"],
    ["Spanish", "Su código de seguridad es 481516"],
    ["Portuguese", "Seu código de verificação: 481516"],
    ["Italian", "Il tuo codice di verifica è 481516"],
    ["Dutch", "Je bevestigingscode is 481516"],
    ["Swedish", "Din verifieringskod är 481516"],
    ["Polish", "Twój kod weryfikacyjny to 481516"],
    ["Russian", "Ваш код подтверждения: 481516"],
    ["Japanese", "ワンタイムパスワードは481516です"],
    ["Korean", "인증번호 [481516]를 입력해 주세요"],
  ])("finds a code announced in %s", (_language, text) => {
    expect(values({ text })).toEqual(["481516"]);
  });

  it("normalizes split and spaced digits and keeps alphanumeric dashes", () => {
    expect(values({ text: "Your code: 1234 5678" })).toEqual(["12345678"]);
    expect(values({ text: "Your PIN:\n4 8 1 5" })).toEqual(["4815"]);
    expect(values({ text: "Login code: K7Q-2ZD" })).toEqual(["K7Q-2ZD"]);
    expect(values({ text: "Login code: K7Q2ZD" })).toEqual(["K7Q2ZD"]);
  });

  it("takes alphanumerics only near a code word, and never plain words or measures", () => {
    expect(values({ text: "Model X4T9B2 ships today." })).toEqual([]);
    expect(values({ text: "Your code is WELCOME. Storage 500MB, file MP3." })).toEqual([]);
  });

  it.each([
    ["a year", "Verification code valid through 2025"],
    ["a price", "Verification code fee: $1299 or 1299 EUR or €1299"],
    ["a decimal price", "Your code costs 1234.50 today"],
    ["a phone number", "Verification code questions? Call +1 (415) 555-0132 or 555-012-3456"],
    ["a spaced phone number", "Verification code help line 0800 123 4567"],
    ["a date", "Verification code sent 2024-05-14 and 14.05.2024 and 05/14/2024"],
    ["a time", "Verification code sent at 10:30:15"],
    ["an order number", "Your code for order 12345678 will follow"],
    ["a German order number", "Ihr Code für Bestellnummer: 12345678 folgt"],
    ["a zip code", "Verification code office: 1 Main St, Springfield, IL 62704"],
    ["a European zip code", "Verification code office: Hauptstraße 5, 10115 Berlin"],
    ["a hex colour", "Verification code colour #FF5733 or #123456"],
    ["digits in a URL", "Verification code: see https://x.example/v/482913?t=551902"],
    ["digits in an address", "Verification code sent to user482913@mail.example"],
    ["a promo code", "Save 20% with code SPRING24 at checkout"],
    ["loyalty points", "Your code: you have 1250 points"],
    ["a percentage", "Verification code success rate 9999%"],
    ["an IBAN", "Code reference IBAN DE89 3704 0044 0532 0130 00"],
  ])("does not take %s for a code", (_what, text) => {
    expect(values({ text })).toEqual([]);
  });

  it("ignores numbers in HTML attributes, styles and hrefs", () => {
    const html = `<html><head><style>.c{color:#112233;width:600px}</style></head><body>
      <table width="600" bgcolor="#445566"><tr><td style="padding:123456px">Your security code</td></tr>
      <tr><td><img src="https://img.example/998877.png" alt=""><a href="https://x.example/?code=665544">Open</a></td></tr>
      </table></body></html>`;
    expect(values({ html })).toEqual([]);
  });

  it("ranks the announced code above a weaker candidate", () => {
    const codes = extractCodes({
      text: "Your verification code is 482913.\n\nIf you cannot use it, enter backup PIN 7781 later in the app settings page.",
    });
    expect(codes.map((c) => c.value)).toEqual(["482913", "7781"]);
    expect(codes[0]?.score).toBeGreaterThan(codes[1]?.score ?? 1);
  });

  it("lets the subject vouch for a code standing alone in the body", () => {
    expect(values({ subject: "Your sign-in code", text: "Hello,\n\n773311\n\nSee you soon." })).toEqual([
      "773311",
    ]);
    expect(values({ subject: "Weekly digest", text: "Hello,\n\n773311\n\nSee you soon." })).toEqual([]);
  });

  it("lists every part a code appears in, once", () => {
    const codes = extractCodes({
      subject: "482913 is your code",
      text: "Your code is 482913",
      html: "<p>Your code</p><p><b>482913</b></p>",
    });
    expect(codes).toHaveLength(1);
    expect(codes[0]?.sources).toEqual(["subject", "text", "html"]);
    expect(codes[0]?.source).toBe("html");
  });

  it("ignores zero-width characters and non-breaking spaces inside codes", () => {
    expect(values({ text: "Your code: 48\u200B29\u200C13" })).toEqual(["482913"]);
    expect(values({ html: "<p>Your code: 482&nbsp;913</p>" })).toEqual(["482913"]);
  });

  it("handles a large body without trouble", () => {
    const filler = "Lorem ipsum 12 dolor sit amet, 2024-01-01 https://x.example/1234. ".repeat(7_000);
    expect(values({ text: `${filler}\nYour code is 515151\n${filler}` })).toEqual(["515151"]);
  });
});
