import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { sanitizeRemoteHtml } from "../../../src/domain/text/index.ts";

const ALLOWED_ATTRIBUTES: Record<string, string[]> = {
  p: ["class"], br: [], span: ["class", "translate"], a: ["href", "rel", "class", "translate", "target"], del: [], s: [],
  pre: [], blockquote: [], code: [], b: [], strong: [], u: [], i: [], em: [], ul: [], ol: ["start", "reversed"],
  li: ["value"], ruby: [], rt: [], rp: [],
};
const SAFE_SCHEMES = ["http:", "https:", "dat:", "dweb:", "ipfs:", "ipns:", "ssb:", "gopher:", "xmpp:", "magnet:", "gemini:"];

/**
 * Reads the output the way any browser's tokenizer would: text never contains a raw "<" (it is
 * escaped), so every "<" starts a tag, and each tag must be an allowed element whose attributes
 * are allowed, double-quoted and free of raw quotes. Returns the problems found.
 */
function unsafeParts(html: string): string[] {
  const problems: string[] = [];
  const tag = /<(\/?)([a-z0-9]+)((?:\s+[a-z-]+(?:="[^"<>]*")?)*)\s*(\/?)>/y;
  for (let at = html.indexOf("<"); at !== -1; at = html.indexOf("<", at + 1)) {
    tag.lastIndex = at;
    const match = tag.exec(html);
    if (!match) {
      problems.push(`stray "<" at ${at}: ${html.slice(at, at + 40)}`);
      continue;
    }
    const [, , name, attributes] = match;
    if (!(name in ALLOWED_ATTRIBUTES)) problems.push(`element <${name}>`);
    for (const [, attribute, value] of attributes.matchAll(/([a-z-]+)(?:="([^"]*)")?/g)) {
      if (!ALLOWED_ATTRIBUTES[name]?.includes(attribute)) problems.push(`attribute ${attribute} on <${name}>`);
      if (attribute === "href") {
        const href = decodeEntities(value ?? "");
        let scheme = "";
        try {
          scheme = new URL(href).protocol;
        } catch {
          problems.push(`unparseable href ${href}`);
        }
        if (!SAFE_SCHEMES.includes(scheme)) problems.push(`href ${href}`);
      }
      if (attribute === "rel" && value !== "nofollow noopener") problems.push(`rel ${value}`);
      if (attribute === "target" && value !== "_blank") problems.push(`target ${value}`);
    }
  }
  if (/<\/?(?:script|style|iframe|svg|math|img|object|embed|form|input|meta|base|link)\b/i.test(html)) problems.push("dangerous element");
  if (/\son[a-z]+=/i.test(html)) problems.push("event handler");
  return problems;
}

function decodeEntities(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#([0-9]+);?/g, (_, dec) => String.fromCodePoint(parseInt(dec, 10)))
    .replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

// OWASP XSS filter evasion cheat sheet and mutation-XSS classics, plus a few aimed at this allowlist.
const PAYLOADS = [
  `<script>alert(1)</script>`,
  `<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>`,
  `<IMG SRC="javascript:alert('XSS');">`,
  `<IMG SRC=JaVaScRiPt:alert('XSS')>`,
  `<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>`,
  `<img src=x onerror=alert(1)>`,
  `<a href="javascript:alert(1)">click</a>`,
  `<a href="JaVaScRiPt:alert(1)">click</a>`,
  `<a href=" javascript:alert(1)">click</a>`,
  `<a href="jav&#x09;ascript:alert(1)">click</a>`,
  `<a href="jav\tascript:alert(1)">click</a>`,
  `<a href="java\nscript:alert(1)">click</a>`,
  `<a href="&#1;javascript:alert(1)">click</a>`,
  `<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">click</a>`,
  `<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">click</a>`,
  `<a href="javascript&colon;alert(1)">click</a>`,
  `<a href="javascript&#58;alert(1)">click</a>`,
  `<a href="javascript&amp;#58;alert(1)">click</a>`,
  `<a href="java&NewLine;script:alert(1)">click</a>`,
  `<a href="vbscript:msgbox(1)">click</a>`,
  `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>`,
  `<a href="data:image/svg+xml,<svg onload=alert(1)>">click</a>`,
  `<a href="//evil.example/x">protocol-relative</a>`,
  `<a href="/relative/path">relative</a>`,
  `<a href="https://ok.example/" onmouseover="alert(1)" style="position:fixed" id="x" data-x="y">ok</a>`,
  `<a href=https://ok.example/"onmouseover="alert(1)">quoted</a>`,
  `<a href="https://ok.example/" target="_self" rel="opener">opener</a>`,
  `<a href="javascript:alert(1)"><span class="invisible">x</span><strong>y</strong></a>`,
  `<svg/onload=alert(1)>`,
  `<svg><script>alert(1)</script></svg>`,
  `<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
  `<math><a xlink:href="javascript:alert(1)">click</a></math>`,
  `<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
  `<body onload=alert(1)>`,
  `<iframe src="javascript:alert(1)"></iframe>`,
  `<iframe srcdoc="<script>alert(1)</script>"></iframe>`,
  `<object data="javascript:alert(1)">fallback</object>`,
  `<embed src="javascript:alert(1)">`,
  `<style>@import 'http://xss.rocks/xss.css';</style>`,
  `<p style="background:url(javascript:alert(1))">styled</p>`,
  `<div style="width: expression(alert('XSS'));">expr</div>`,
  `<form><button formaction="javascript:alert(1)">x</button></form>`,
  `<input onfocus=alert(1) autofocus>`,
  `<details open ontoggle=alert(1)>`,
  `<video><source onerror="alert(1)"></video>`,
  `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
  `<base href="javascript:alert(1)//">`,
  `<link rel=stylesheet href=javascript:alert(1)>`,
  `"><script>alert(1)</script>`,
  `<<script>script>alert(1)<</script>/script>`,
  `<scr<script>ipt>alert(1)</scr</script>ipt>`,
  `<img """><script>alert("XSS")</script>">`,
  `<!--<script>alert(1)//-->`,
  `<![CDATA[<script>alert(1)</script>]]>`,
  `<xmp><script>alert(1)</script></xmp>`,
  `<plaintext><script>alert(1)</script>`,
  `<template><script>alert(1)</script></template>`,
  `<textarea><script>alert(1)</script></textarea>`,
  `<title><script>alert(1)</script></title>`,
  `<span class="h-card evil" style="color:red" translate="yes" onclick="x">s</span>`,
  `<ol start="3" reversed onclick="x"><li value="5" onclick="x">i</li></ol>`,
  `<a href="https://ok.example/`,
  `<p>unclosed <b>bold <i>italic`,
  `&lt;script&gt;alert(1)&lt;/script&gt;`,
  `<a href="https://ok.example/"><a href="javascript:alert(1)">nested</a></a>`,
  `<h1 onclick="x" style="y">heading</h1>`,
  `<isindex type=image src=1 onerror=alert(1)>`,
  `<a href="https&#58;//ok.example/">encoded colon</a>`,
];

describe("sanitizeRemoteHtml against XSS", () => {
  for (const payload of PAYLOADS) {
    test(`leaves nothing executable in ${JSON.stringify(payload).slice(0, 90)}`, () => {
      const output = sanitizeRemoteHtml(payload);
      assert.deepEqual(unsafeParts(output), [], output);
      assert.equal(sanitizeRemoteHtml(output), output, "sanitising twice changes nothing");
    });
  }

  test("drops scripts and styles with their contents", () => {
    assert.equal(sanitizeRemoteHtml("<p>a<script>alert(1)</script>b<style>p{}</style>c</p>"), "<p>abc</p>");
  });

  test("turns a link with a dangerous or relative target into its text", () => {
    assert.equal(sanitizeRemoteHtml('<p><a href="javascript:alert(1)">click <b>me</b></a></p>'), "<p>click me</p>");
    assert.equal(sanitizeRemoteHtml('<a href="data:text/html,x">d</a>'), "d");
    assert.equal(sanitizeRemoteHtml('<a href="/tags/x">#x</a>'), "#x");
    assert.equal(sanitizeRemoteHtml("<a>no href</a>"), "no href");
  });

  test("keeps entity-encoded markup as text", () => {
    assert.equal(sanitizeRemoteHtml("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"), "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
  });
});

describe("sanitizeRemoteHtml keeps what Mastodon keeps", () => {
  test("keeps mention, hashtag and link-shortening markup, with links opening safely in a new tab", () => {
    const input =
      '<p><span class="h-card" translate="no"><a href="https://ex.example/@a" class="u-url mention">@<span>a</span></a></span> ' +
      '<a href="https://ex.example/tags/t" class="mention hashtag" rel="tag">#<span>t</span></a> ' +
      '<a href="https://kde.org/donate/" target="_blank" rel="nofollow noopener noreferrer" translate="no">' +
      '<span class="invisible">https://</span><span class="">kde.org/donate/</span><span class="invisible"></span></a></p>';
    assert.equal(
      sanitizeRemoteHtml(input),
      '<p><span class="h-card" translate="no"><a href="https://ex.example/@a" class="u-url mention" rel="nofollow noopener" target="_blank">@<span>a</span></a></span> ' +
        '<a href="https://ex.example/tags/t" class="mention hashtag" rel="nofollow noopener" target="_blank">#<span>t</span></a> ' +
        '<a href="https://kde.org/donate/" rel="nofollow noopener" translate="no" target="_blank">' +
        '<span class="invisible">https://</span><span>kde.org/donate/</span><span class="invisible"></span></a></p>',
    );
  });

  test("keeps only microformat and Mastodon classes", () => {
    assert.equal(
      sanitizeRemoteHtml('<span class="h-card p-name u-photo dt-x e-content mention hashtag ellipsis invisible evil fa-x">x</span>'),
      '<span class="h-card p-name u-photo dt-x e-content mention hashtag ellipsis invisible">x</span>',
    );
    assert.equal(sanitizeRemoteHtml('<p class="quote-inline other">RE: x</p>'), '<p class="quote-inline">RE: x</p>');
  });

  test("keeps translate only when it says no, and lang anywhere", () => {
    assert.equal(sanitizeRemoteHtml('<span translate="yes" lang="fr">oui</span>'), '<span lang="fr">oui</span>');
    assert.equal(sanitizeRemoteHtml('<p lang="de"><span translate="no">x</span></p>'), '<p lang="de"><span translate="no">x</span></p>');
  });

  test("keeps list numbering attributes and formatting elements", () => {
    const input = '<ol start="3" reversed><li value="5">a</li></ol><ul><li><b>b</b> <i>i</i> <u>u</u> <s>s</s> <del>d</del> <em>e</em> <strong>s</strong> <code>c</code></li></ul><pre>p</pre><blockquote>q</blockquote><ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>';
    const output = sanitizeRemoteHtml(input);
    assert.ok(output.startsWith('<ol start="3" reversed><li value="5">a</li></ol>'), output);
    assert.ok(output.includes("<b>b</b> <i>i</i> <u>u</u> <s>s</s> <del>d</del> <em>e</em> <strong>s</strong> <code>c</code>"), output);
    assert.ok(output.endsWith("<pre>p</pre><blockquote>q</blockquote><ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>"), output);
  });

  test("keeps links in the other schemes Mastodon allows", () => {
    for (const href of ["gemini://example.org/", "xmpp:alice@example.org", "magnet:?xt=urn:btih:abc", "ipfs://bafy", "dat://x", "gopher://example.org/"]) {
      assert.ok(sanitizeRemoteHtml(`<a href="${href}">l</a>`).includes(`href="${href.replace(/&/g, "&amp;")}"`), href);
    }
  });

  test("turns headings into bold paragraphs", () => {
    assert.equal(sanitizeRemoteHtml("<h1>Title</h1><p>text</p>"), "<p><strong>Title</strong></p><p>text</p>");
  });

  test("unwraps unknown elements but keeps their text, spacing out block elements", () => {
    assert.equal(sanitizeRemoteHtml("<custom-el>kept</custom-el> <font color=red>too</font>"), "kept too");
    assert.equal(sanitizeRemoteHtml("<div>one</div><div>two</div>"), " one  two ");
    assert.equal(sanitizeRemoteHtml("<table><tr><td>cell</td></tr></table>"), "cell");
    assert.equal(sanitizeRemoteHtml("<p>img: <img src=https://x.example/a.png alt=alt></p>"), "<p>img: </p>");
  });

  test("shows maths by its TeX or plain-text annotation", () => {
    const math = (attributes: string, encoding: string) =>
      `<math${attributes}><semantics><mrow><mi>x</mi></mrow><annotation encoding="${encoding}">x^2</annotation></semantics></math>`;
    assert.equal(sanitizeRemoteHtml(`<p>${math("", "application/x-tex")}</p>`), "<p>$x^2$</p>");
    assert.equal(sanitizeRemoteHtml(`<p>${math(' display="block"', "application/x-tex")}</p>`), "<p>$$x^2$$</p>");
    assert.equal(sanitizeRemoteHtml(`<p>${math("", "text/plain")}</p>`), "<p>x^2</p>");
    assert.equal(sanitizeRemoteHtml("<p>a<math><mi>x</mi></math>b</p>"), "<p>ab</p>");
  });
});
