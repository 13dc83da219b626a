import sanitizeHtml from "sanitize-html";
import { DomUtils, parseDocument } from "htmlparser2";
import { isElement, isText, type DomElement, type DomNode } from "./dom.ts";
import { escapeHtml } from "./escape.ts";

/*
 * Remote post HTML reduced to what Mastodon keeps (Sanitize::Config::MASTODON_STRICT), so a
 * post from any server shows here as it shows on Mastodon and carries nothing executable.
 *
 * Two passes. The first walks the parsed tree and applies Mastodon's transformers, which need
 * to see an element's children: headings become <p><strong>, a link whose target is not an
 * allowed scheme becomes its text, <math> becomes its TeX annotation, an unknown block element
 * leaves a space so words on either side don't run together. Its output already holds only
 * allowed elements and attributes. The second pass is sanitize-html with the same allowlist:
 * a guard that does not depend on the first pass being right.
 */

const ALLOWED_ELEMENTS = new Set([
  "p", "br", "span", "a", "del", "s", "pre", "blockquote", "code", "b", "strong", "u", "i", "em",
  "ul", "ol", "li", "ruby", "rt", "rp",
]);

const ALLOWED_ATTRIBUTES: Record<string, readonly string[]> = {
  a: ["href", "rel", "class", "translate"],
  span: ["class", "translate"],
  ol: ["start", "reversed"],
  li: ["value"],
  p: ["class"],
};
const ATTRIBUTES_ON_ALL = ["lang"];

/** Schemes a link may use; any other link, relative ones included, is shown as plain text. */
export const LINK_PROTOCOLS: readonly string[] = [
  "http", "https", "dat", "dweb", "ipfs", "ipns", "ssb", "gopher", "xmpp", "magnet", "gemini",
];

// Microformats (h-card, u-url…), mention/hashtag markers, and the link-shortening spans.
const ALLOWED_CLASS = /^(?:(?:h|p|u|dt|e)-.*|mention|hashtag|ellipsis|invisible|quote-inline)$/;

// Dropped with everything inside them, as Sanitize's defaults do.
const REMOVED_WITH_CONTENTS = new Set([
  "iframe", "math", "noembed", "noframes", "noscript", "plaintext", "script", "style", "svg", "xmp", "template",
]);

// Unwrapped block elements that leave a space behind (Sanitize's whitespace_elements).
const WHITESPACE_ELEMENTS = new Set([
  "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "footer", "header", "hgroup", "hr",
  "li", "nav", "ol", "p", "pre", "section", "ul",
]);

const LINK_REL = "nofollow noopener";

// Sanitize::REGEX_PROTOCOL: the scheme is what precedes the first colon, if no / or # comes first.
const SCHEME = /^[ \t\r\n\f\v]*([^/#]*?)(?::|&#0*58|&#x0*3a)/i;


export function sanitizeRemoteHtml(html: string): string {
  const document = parseDocument(html);
  const restructured = document.children.map(renderNode).join("");
  return sanitizeHtml(restructured, GUARD);
}

function renderNode(node: DomNode): string {
  if (isText(node)) return escapeHtml(node.data);
  if (!isElement(node)) return ""; // comments, doctypes, processing instructions
  const name = node.name.toLowerCase();
  if (name === "math") return escapeHtml(mathAnnotation(node));
  if (REMOVED_WITH_CONTENTS.has(name)) return "";
  const children = () => node.children.map(renderNode).join("");
  if (/^h[1-6]$/.test(name)) return `<p>${openTag("strong", node)}${children()}</strong></p>`;
  if (name === "a" && !hasAllowedScheme(node.attribs.href)) return escapeHtml(visibleText(node));
  if (!ALLOWED_ELEMENTS.has(name)) {
    if (!WHITESPACE_ELEMENTS.has(name)) return children();
    return ` ${children()}${node.children.length > 0 ? " " : ""}`;
  }
  if (name === "br") return "<br>";
  return `${openTag(name, node)}${children()}</${name}>`;
}

function openTag(name: string, element: DomElement): string {
  const allowed = [...ATTRIBUTES_ON_ALL, ...(ALLOWED_ATTRIBUTES[name] ?? [])];
  const attributes = new Map<string, string>();
  for (const [attribute, value] of Object.entries(element.attribs)) {
    const key = attribute.toLowerCase();
    if (!allowed.includes(key) || attributes.has(key)) continue;
    if (key === "translate" && value !== "no") continue;
    if (key === "class") {
      const classes = value.split(/[\t\n\f\r ]+/).filter((token) => ALLOWED_CLASS.test(token));
      if (classes.length > 0) attributes.set(key, classes.join(" "));
      continue;
    }
    attributes.set(key, value);
  }
  if (name === "a") {
    attributes.set("rel", LINK_REL);
    attributes.set("target", "_blank");
  }
  let tag = `<${name}`;
  for (const [key, value] of attributes) tag += ` ${key}="${escapeHtml(value)}"`;
  return `${tag}>`;
}

function hasAllowedScheme(href: string | undefined): boolean {
  const scheme = href === undefined ? undefined : SCHEME.exec(href)?.[1].toLowerCase();
  return scheme !== undefined && LINK_PROTOCOLS.includes(scheme);
}

function visibleText(node: DomNode): string {
  if (isText(node)) return node.data;
  if (!isElement(node) || REMOVED_WITH_CONTENTS.has(node.name.toLowerCase())) return "";
  return node.children.map(visibleText).join("");
}

/**
 * FEP-dc88 maths: <math><semantics>…<annotation encoding="application/x-tex">…</annotation>.
 * Shown as $TeX$ ($$TeX$$ for display maths), else a plain-text annotation, else nothing.
 */
function mathAnnotation(math: DomElement): string {
  const semantics = math.children.find(isElement);
  if (!semantics || semantics.name.toLowerCase() !== "semantics") return "";
  const annotation = (encoding: string) =>
    semantics.children.find(
      (child): child is DomElement =>
        isElement(child) && child.name.toLowerCase() === "annotation" && child.attribs.encoding === encoding,
    );
  const tex = annotation("application/x-tex");
  if (tex) {
    const delimiter = math.attribs.display === "block" ? "$$" : "$";
    return `${delimiter}${DomUtils.textContent(tex)}${delimiter}`;
  }
  const plain = annotation("text/plain");
  return plain ? DomUtils.textContent(plain) : "";
}

const GUARD: sanitizeHtml.IOptions = {
  allowedTags: [...ALLOWED_ELEMENTS],
  allowedAttributes: {
    "*": ATTRIBUTES_ON_ALL,
    a: ["href", "rel", "translate", "target"],
    span: ["translate"],
    ol: ["start", "reversed"],
    li: ["value"],
  },
  allowedClasses: { a: [ALLOWED_CLASS], span: [ALLOWED_CLASS], p: [ALLOWED_CLASS] },
  allowedSchemes: [...LINK_PROTOCOLS],
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ["href"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  nonTextTags: [...REMOVED_WITH_CONTENTS, "textarea", "option", "title"],
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: LINK_REL, target: "_blank" } }),
  },
};
