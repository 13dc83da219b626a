import { parseDocument } from "htmlparser2";
import { isElement, isText, type DomNode } from "./dom.ts";

/*
 * Post HTML as plain text, for notifications, search and previews (Mastodon's
 * PlainTextFormatter): tags stripped, entities decoded, and a line break after each run of
 * <br> and </p>, so "<p>a</p><p>b</p>" reads "a\nb". Scripts, styles and the like contribute
 * nothing. The result is text, not HTML: whoever puts it into a page escapes it.
 */

const SILENT_ELEMENTS = new Set([
  "iframe", "math", "noembed", "noframes", "noscript", "plaintext", "script", "style", "svg", "xmp", "template",
]);


export function htmlToPlainText(html: string): string {
  const pieces: string[] = [];
  let pendingBreak = false;
  // A break is written lazily, so several in a row (</p><p>, <br><br>) make one newline.
  const text = (value: string) => {
    if (pendingBreak) pieces.push("\n");
    pendingBreak = false;
    pieces.push(value);
  };
  const walk = (node: DomNode): void => {
    if (isText(node)) {
      if (node.data) text(node.data);
      return;
    }
    if (!isElement(node)) return;
    const name = node.name.toLowerCase();
    if (SILENT_ELEMENTS.has(name)) return;
    if (name === "br") {
      pendingBreak = true;
      return;
    }
    for (const child of node.children) walk(child);
    if (name === "p") pendingBreak = true;
  };
  for (const node of parseDocument(html).children) walk(node);
  return pieces.join("").replace(/\n+$/, "");
}
