import { type Span, spansNear } from "./spans.js";

/**
 * Words that announce a one-time code, and words that announce some other number. Entries are
 * regular-expression sources matched case-insensitively; words in space-separated scripts must
 * stand alone ("pin" is not in "shipping"), CJK ones match anywhere.
 */

// Each list: English, German, French, Spanish, Portuguese, Italian, Dutch, then others.
const CODE_WORDS = [
  // English
  "codes?",
  "otp",
  "one[- ]?time",
  "pass ?codes?",
  "pins?",
  "verif\\p{L}*",
  "security codes?",
  "2fa",
  "mfa",
  "two[- ]factor",
  "2[- ]step",
  "temporary password",
  // German (compounds ending in -code are caught by the generic rule below)
  "einmal[- ]?(?:passwort|kennwort|pin)",
  "\\p{L}+code",
  "\\p{L}+-code",
  // French
  "vérif\\p{L}*",
  "usage unique",
  "mot de passe temporaire",
  // Spanish / Portuguese
  "c[óo]digos?",
  "clave",
  "un solo uso",
  "uso único",
  "senha",
  // Italian
  "codic[ei]",
  "monouso",
  // Dutch
  "eenmalige?",
  // Scandinavian, Polish, Turkish, Russian
  "kod(?:en|e|u)?",
  "doğrulama",
  "код\\p{L}*",
];
// Words that often come with a code but as often without one ("Log in", "Confirm your account"):
// they vouch only for a code right next to them, and with less weight.
const WEAK_CODE_WORDS = [
  "confirm\\p{L}*",
  "tokens?",
  "authenticat\\p{L}*",
  "sign[- ]?in",
  "log[- ]?in",
  "activat\\p{L}*",
  "bestätig\\p{L}*",
  "tan",
  "anmeld\\p{L}*",
  "connexion",
  "inicio de sesión",
  "conferm\\p{L}*",
  "accesso",
  "bevestig\\p{L}*",
  "inloggen",
  "подтвержд\\p{L}*",
];
// Scripts without spaces between words: the keyword is a substring of the sentence.
const CODE_WORDS_CJK = [
  "認証コード",
  "確認コード",
  "認証番号",
  "確認番号",
  "ワンタイムパスワード",
  "ワンタイムコード",
  "セキュリティコード",
  "パスコード",
  "暗証番号",
  "コード",
  "验证码",
  "驗證碼",
  "校验码",
  "确认码",
  "动态码",
  "인증번호",
  "인증 ?코드",
  "확인 ?코드",
  "보안 ?코드",
];

// Numbers these words introduce are not one-time codes. Also phrases that contain a code word
// ("zip code", "promo code") so that the code word inside them does not count.
const OTHER_NUMBER_WORDS = [
  // English
  "order(?: (?:number|no\\.?|id))?",
  "invoice(?: (?:number|no\\.?))?",
  "receipt",
  "ticket",
  "tracking(?: number)?",
  "shipment",
  "account(?: number| no\\.?)?",
  "customer(?: (?:number|no\\.?|id))?",
  "member(?:ship)?(?: number)?",
  "ref(?:erence)?(?: number| no\\.?)?",
  "phone",
  "tel\\.?",
  "telephone",
  "call(?: us)?(?: at)?",
  "fax",
  "mobile",
  "zip(?: ?code)?",
  "postal code",
  "postcode",
  "area code",
  "street",
  "suite",
  "apt\\.?",
  "p\\.?o\\.? box",
  "price",
  "total",
  "subtotal",
  "amount",
  "tax",
  "qty",
  "quantity",
  "item",
  "sku",
  "model",
  "version",
  "promo(?: ?code)?",
  "coupon(?: code)?",
  "discount(?: code)?",
  "voucher(?: code)?",
  "gift card",
  "source code",
  "qr[- ]code",
  "barcode",
  "code of conduct",
  "dress code",
  "no\\.",
  // German
  "bestell\\p{L}*",
  "auftrags?nummer",
  "rechnung\\p{L}*",
  "kunden\\p{L}*",
  "sendungs\\p{L}*",
  "telefon\\p{L}*",
  "handy",
  "preis",
  "betrag",
  "summe",
  "gesamt",
  "plz",
  "straße",
  "strasse",
  "gutschein\\p{L}*",
  "rabatt\\p{L}*",
  "postleitzahl",
  // French
  "commande",
  "facture",
  "numéro de commande",
  "téléphone",
  "tél\\.?",
  "prix",
  "montant",
  "code postal",
  "code promo",
  "réduction",
  "rue",
  // Spanish / Portuguese
  "pedido",
  "factura",
  "fatura",
  "teléfono",
  "telefone",
  "precio",
  "preço",
  "importe",
  "valor",
  "código postal",
  "codigo postal",
  "cep",
  "descuento",
  "desconto",
  "cup[óo]n",
  "cupom",
  "calle",
  // Italian
  "ordine",
  "fattura",
  "telefono",
  "prezzo",
  "importo",
  "cap",
  "sconto",
  "codice sconto",
  "codice fiscale",
  "codice postale",
  // Dutch
  "bestelling",
  "bestelnummer",
  "factuur",
  "telefoon",
  "prijs",
  "bedrag",
  "korting\\p{L}*",
  "straat",
];
// Words of a postal address: numbers on the same stretch of line are house numbers and zip codes.
const ADDRESS_WORDS = [
  "street",
  "st\\.?",
  "road",
  "rd\\.?",
  "avenue",
  "ave\\.?",
  "boulevard",
  "blvd\\.?",
  "lane",
  "suite",
  "p\\.?o\\.? box",
  "\\p{L}*stra(?:ß|ss)e",
  "str\\.",
  "\\p{L}*(?:weg|platz|allee|gasse)",
  "postfach",
  "rue",
  "boulevard",
  "cedex",
  "calle",
  "avenida",
  "avda\\.?",
  "plaza",
  "rua",
  "travessa",
  "viale",
  "piazza",
  "corso",
  "\\p{L}*(?:straat|laan|gracht|plein)",
  "postboks",
  "gatan",
  "vägen",
  "ul\\.",
];
const ADDRESS_WORDS_CJK = ["〒", "丁目", "番地"];

const OTHER_NUMBER_WORDS_CJK = [
  "注文番号",
  "注文",
  "電話",
  "価格",
  "郵便番号",
  "〒",
  "合計",
  "金額",
  "订单",
  "电话",
  "邮编",
  "邮政编码",
];

// Currency and percent signs: what follows or precedes them is money or a discount.
const MONEY_SIGNS = "[$€£¥₹₩₽¢%]";
const CURRENCY_CODES = "(?:usd|eur|gbp|chf|jpy|cad|aud|brl|mxn|sek|nok|dkk|pln|inr)";
// Words that mark a number as money or a promotion wherever they sit next to it.
const MONEY_WORDS = [
  MONEY_SIGNS,
  `(?<![\\p{L}\\p{N}])${CURRENCY_CODES}(?![\\p{L}\\p{N}])`,
  "(?<![\\p{L}\\p{N}])(?:off|sale|checkout|shop now|save|spar\\p{L}*|économisez|ahorra)(?![\\p{L}\\p{N}])",
  // Loyalty points and miles are a currency too.
  "(?<![\\p{L}\\p{N}])(?:points?|miles|punkte|meilen|puntos|pontos|punti|punten)(?![\\p{L}\\p{N}])",
  "円",
  "元",
];

function wordAlternation(words: string[], cjk: string[]): RegExp {
  const spaced = `(?<![\\p{L}\\p{N}])(?:${words.join("|")})(?![\\p{L}\\p{N}])`;
  return new RegExp(cjk.length > 0 ? `${spaced}|${cjk.join("|")}` : spaced, "giu");
}

export const CODE_WORD_RE = wordAlternation(CODE_WORDS, CODE_WORDS_CJK);
export const WEAK_CODE_WORD_RE = wordAlternation(WEAK_CODE_WORDS, []);
export const OTHER_NUMBER_WORD_RE = wordAlternation(OTHER_NUMBER_WORDS, OTHER_NUMBER_WORDS_CJK);
export const ADDRESS_WORD_RE = wordAlternation(ADDRESS_WORDS, ADDRESS_WORDS_CJK);
export const MONEY_WORD_RE = new RegExp(MONEY_WORDS.join("|"), "giu");

export function findSpans(re: RegExp, text: string): Span[] {
  const spans: Span[] = [];
  for (const match of text.matchAll(re)) {
    if (match[0].length > 0) spans.push([match.index, match.index + match[0].length]);
  }
  return spans;
}

/** Code words that are not part of a phrase meaning something else ("zip code", "promo code"). */
export function findCodeWordSpans(re: RegExp, text: string, otherNumberWords: Span[]): Span[] {
  return findSpans(re, text).filter(
    ([start, end]) => !spansNear(otherNumberWords, start, end).some(([s, e]) => s <= start && end <= e),
  );
}
