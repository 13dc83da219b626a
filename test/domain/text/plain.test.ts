import { test } from "node:test";
import assert from "node:assert/strict";
import { htmlToPlainText, renderPostHtml } from "../../../src/domain/text/index.ts";

test("puts one line break after each paragraph and each run of <br>", () => {
  assert.equal(htmlToPlainText("<p>one</p><p>two<br>three<br /><br/>four</p>"), "one\ntwo\nthree\nfour");
});

test("decodes entities and strips tags", () => {
  assert.equal(htmlToPlainText("<p>a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39; &eacute; &#x1F600; caf&eacute;&nbsp;!</p>"), "a & b <c> \"d\" 'e' é 😀 café\u00a0!");
});

test("keeps the whole URL and the full handle text of links", () => {
  const html =
    '<p><span class="h-card"><a href="https://ex.example/@a" class="u-url mention">@<span>a</span></a></span> see ' +
    '<a href="https://kde.org/donate/"><span class="invisible">https://</span><span class="ellipsis">kde.org/do</span><span class="invisible">nate/</span></a></p>';
  assert.equal(htmlToPlainText(html), "@a see https://kde.org/donate/");
});

test("says nothing of scripts, styles and other hidden content", () => {
  assert.equal(htmlToPlainText("<p>a<script>alert(1)</script><style>p{}</style><svg><text>x</text></svg>b</p>"), "ab");
});

test("drops trailing line breaks but keeps text newlines from the source", () => {
  assert.equal(htmlToPlainText("<p>Hello hello, testing</p>\n"), "Hello hello, testing");
  assert.equal(htmlToPlainText("<p>a</p>\n<p>b</p>"), "a\n\nb");
  assert.equal(htmlToPlainText("plain text only"), "plain text only");
  assert.equal(htmlToPlainText(""), "");
});

test("reads back a rendered local post", () => {
  const html = renderPostHtml("First & <best>\nline two\n\nhttps://example.com/a-rather-long-path-that-gets-truncated #tag", {
    baseUrl: "https://weft.example",
  });
  assert.equal(htmlToPlainText(html), "First & <best>\nline two\nhttps://example.com/a-rather-long-path-that-gets-truncated #tag");
});
