import { createRequire } from "node:module";
import { loadOnce } from "@sandmail/core";

// Loaded on the first check of an HTML body, not at start-up (see loadOnce()).
const require = createRequire(import.meta.url);
const htmlparser2 = loadOnce(() => require("htmlparser2") as typeof import("htmlparser2"));

interface HtmlImage {
  src: string;
  alt: string | undefined;
}

/** What sandmail's own HTML checks and the image link check need from the markup. */
export interface HtmlScan {
  images: HtmlImage[];
  /** Every `<a href>` / `<area href>`, as written. */
  hrefs: string[];
}

/** One streaming pass over the markup (linear in its size; htmlparser2 never backtracks). */
export function scanHtml(html: string): HtmlScan {
  const images: HtmlImage[] = [];
  const hrefs: string[] = [];
  const parser = new (htmlparser2().Parser)(
    {
      onopentag(name, attrs) {
        if (name === "img" && attrs.src !== undefined) images.push({ src: attrs.src.trim(), alt: attrs.alt });
        else if ((name === "a" || name === "area") && attrs.href !== undefined) hrefs.push(attrs.href.trim());
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return { images, hrefs };
}
