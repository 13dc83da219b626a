import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { renderPlainText, renderPostHtml, type ResolvedMention } from "../../../src/domain/text/index.ts";

const BASE = "https://weft.example";

function render(text: string, mentions: Record<string, ResolvedMention> = {}): string {
  return renderPostHtml(text, { baseUrl: BASE, mentions: new Map(Object.entries(mentions)), localDomain: "weft.example" });
}

/** Mastodon's markup for a link, with the display split it would compute. */
function link(href: string, prefix: string, shown: string, hidden: string, ellipsis: boolean): string {
  return (
    `<a href="${href}" target="_blank" rel="nofollow noopener" translate="no">` +
    `<span class="invisible">${prefix}</span><span class="${ellipsis ? "ellipsis" : ""}">${shown}</span>` +
    `<span class="invisible">${hidden}</span></a>`
  );
}

function hrefs(html: string): string[] {
  return [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]);
}

describe("paragraphs and escaping", () => {
  test("wraps a single line in one paragraph", () => {
    assert.equal(render("text"), "<p>text</p>");
  });

  test("splits paragraphs on blank lines and turns single newlines into <br />", () => {
    assert.equal(render("one\ntwo\n\nthree\n\n\n\nfour"), "<p>one<br />two</p><p>three</p><p>four</p>");
  });

  test("treats Windows line endings like Unix ones and leaves no newline in the HTML", () => {
    const html = render("one\r\ntwo\r\n\r\nthree\n");
    assert.equal(html, "<p>one<br />two</p><p>three</p>");
    assert.ok(!html.includes("\n"));
  });

  test("renders nothing for a post that is only whitespace", () => {
    assert.equal(render(" \n\t "), "");
    assert.equal(render(""), "");
  });

  test("escapes HTML special characters instead of interpreting them", () => {
    assert.equal(
      render(`<script>alert("Hello")</script> & 'quotes'`),
      "<p>&lt;script&gt;alert(&quot;Hello&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;</p>",
    );
    assert.equal(
      render(`<img src="javascript:alert('XSS');">`),
      "<p>&lt;img src=&quot;javascript:alert(&#39;XSS&#39;);&quot;&gt;</p>",
    );
  });
});

describe("links", () => {
  test("links a short URL without truncating it", () => {
    assert.equal(
      render("lorem https://prepitaph.org/wip/web-devspair/ ipsum"),
      `<p>lorem ${link("https://prepitaph.org/wip/web-devspair/", "https://", "prepitaph.org/wip/web-devspair/", "", false)} ipsum</p>`,
    );
  });

  test("shows the first 30 characters of a long URL and hides the rest behind an ellipsis", () => {
    assert.equal(
      render("lorem https://prepitaph.org/wip/web-dovespair/ ipsum"),
      `<p>lorem ${link("https://prepitaph.org/wip/web-dovespair/", "https://", "prepitaph.org/wip/web-dovespai", "r/", true)} ipsum</p>`,
    );
  });

  test("shows a single leftover character rather than an ellipsis for it", () => {
    const url = "https://example.com/abcdefghijklmnopqrs"; // 31 characters after the scheme
    assert.equal(render(url), `<p>${link(url, "https://", "example.com/abcdefghijklmnopqrs", "", false)}</p>`);
  });

  test("hides www. along with the scheme", () => {
    assert.equal(render("http://www.google.com"), `<p>${link("http://www.google.com", "http://www.", "google.com", "", false)}</p>`);
  });

  test("counts the 30 visible characters in code points, not UTF-16 units", () => {
    const url = "https://example.com/😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀xy";
    const html = render(url);
    assert.ok(html.includes('<span class="ellipsis">example.com/😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀</span>'), html);
    assert.ok(html.includes('<span class="invisible">😀xy</span>'), html);
  });

  test("leaves trailing punctuation out of the link", () => {
    const cases: Array<[string, string]> = [
      ["http://www.mcmansionhell.com/post/156408871451/50-states-of-mcmansion-hell-scottsdale-arizona. ", "http://www.mcmansionhell.com/post/156408871451/50-states-of-mcmansion-hell-scottsdale-arizona"],
      ["(http://google.com/)", "http://google.com/"],
      ["http://www.google.com!", "http://www.google.com"],
      ["http://www.google.com'", "http://www.google.com"],
      ["http://www.google.com>", "http://www.google.com"],
      ['"https://example.com/"', "https://example.com/"],
      ["<https://example.com/>", "https://example.com/"],
      ["See https://example.com/a/b, and https://example.com/c?", "https://example.com/a/b"],
      ["「[https://example.org/」", "https://example.org/"],
      ["https://example.com/　abc123", "https://example.com/"],
    ];
    for (const [text, expected] of cases) assert.equal(hrefs(render(text))[0], expected, text);
    assert.deepEqual(hrefs(render("See https://example.com/a/b, and https://example.com/c?")), ["https://example.com/a/b", "https://example.com/c"]);
  });

  test("keeps balanced parentheses, paths in other scripts, query strings and a trailing @", () => {
    const cases: Array<[string, string]> = [
      ["https://en.wikipedia.org/wiki/Diaspora_(software)", "https://en.wikipedia.org/wiki/Diaspora_(software)"],
      ["https://ja.wikipedia.org/wiki/日本", "https://ja.wikipedia.org/wiki/日本"],
      ["https://ko.wikipedia.org/wiki/대한민국", "https://ko.wikipedia.org/wiki/대한민국"],
      ["https://www.ruby-toolbox.com/search?utf8=✓&q=autolink", "https://www.ruby-toolbox.com/search?utf8=✓&amp;q=autolink"],
      ["https://nic.みんな/", "https://nic.みんな/"],
      ["http://example.gay", "http://example.gay"],
      ["https://gta.fandom.com/wiki/TW@ Content", "https://gta.fandom.com/wiki/TW@"],
      ["https://mastodon.social:8443/@Gargron/123", "https://mastodon.social:8443/@Gargron/123"],
    ];
    for (const [text, expected] of cases) assert.equal(hrefs(render(text))[0], expected, text);
  });

  test("does not link text without a scheme, hosts without a known TLD, or malformed URLs", () => {
    for (const text of ["example.com", "www.example.com/path", "https://localhost:3000/", "https://127.0.0.1/x", "http://www\\.google\\.com"]) {
      assert.equal(hrefs(render(text)).length, 0, text);
    }
    assert.equal(render("http://www\\.google\\.com"), "<p>http://www\\.google\\.com</p>");
  });

  test("keeps markup typed after a URL out of the link and escaped", () => {
    const html = render('http://example.com/blahblahblahblah/a<script>alert("Hello")</script>');
    assert.doesNotMatch(html, /<a\b[^>]*(?:script|alert)/i);
    assert.ok(html.includes("&lt;script&gt;alert(&quot;Hello&quot;)&lt;/script&gt;"));
  });

  test("scans long hostile input in linear time", () => {
    const started = performance.now();
    for (const text of ["https://" + "a-".repeat(25_000), "@a." + "b.".repeat(25_000), "https://" + "a.".repeat(20_000) + "zz"]) {
      render(text);
    }
    assert.ok(performance.now() - started < 3000, `took ${performance.now() - started} ms`);
  });

  test("links xmpp: and magnet: URIs", () => {
    assert.deepEqual(hrefs(render("please join xmpp:muc@instance.com?join right now")), ["xmpp:muc@instance.com?join"]);
    assert.equal(
      render("xmpp:user@instance.com"),
      `<p>${link("xmpp:user@instance.com", "xmpp:", "user@instance.com", "", false)}</p>`,
    );
    assert.deepEqual(
      hrefs(render("magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a here")),
      ["magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a"],
    );
  });
});

describe("mentions", () => {
  const alice = { url: `${BASE}/@alice`, acct: "alice" };
  const bob = { url: "https://remote.example/@bob", acct: "bob@remote.example" };

  test("links a resolved local mention to the profile and shows the username", () => {
    assert.equal(
      render("hi @alice!", { alice }),
      `<p>hi <span class="h-card" translate="no"><a href="${BASE}/@alice" class="u-url mention">@<span>alice</span></a></span>!</p>`,
    );
  });

  test("links a resolved remote mention but shows only its username", () => {
    assert.equal(
      render("@bob@remote.example hello", { "bob@remote.example": bob }),
      '<p><span class="h-card" translate="no"><a href="https://remote.example/@bob" class="u-url mention">@<span>bob</span></a></span> hello</p>',
    );
  });

  test("matches the handle case-insensitively and displays the account's own spelling", () => {
    assert.ok(render("@ALICE", { alice }).includes("@<span>alice</span>"));
  });

  test("treats a mention of this server's domain as a local mention", () => {
    assert.ok(render("@alice@weft.example", { alice }).includes(`href="${BASE}/@alice"`));
  });

  test("shows the full handle when two mentioned accounts share a username", () => {
    const otherBob = { url: "https://elsewhere.example/@bob", acct: "bob@elsewhere.example" };
    const html = render("@bob@remote.example @bob@elsewhere.example", { "bob@remote.example": bob, "bob@elsewhere.example": otherBob });
    assert.ok(html.includes("@<span>bob@remote.example</span>"), html);
    assert.ok(html.includes("@<span>bob@elsewhere.example</span>"), html);
  });

  test("leaves an unresolved mention as escaped plain text", () => {
    assert.equal(render("cc @carol and @dave@other.example"), "<p>cc @carol and @dave@other.example</p>");
  });

  test("does not see mentions inside e-mail addresses or URLs", () => {
    assert.equal(render("mail alice@weft.example", { alice }), "<p>mail alice@weft.example</p>");
    const html = render("https://mastodon.social/@alice", { alice });
    assert.ok(!html.includes("u-url mention"), html);
  });

  test("keeps a port in the handle so test-network handles resolve", () => {
    const carol = { url: "https://127.0.0.3:8443/@carol", acct: "carol@127.0.0.3:8443" };
    const html = render("@carol@127.0.0.3:8443 hi", { "carol@127.0.0.3:8443": carol });
    assert.ok(html.includes('href="https://127.0.0.3:8443/@carol"'), html);
  });
});

describe("hashtags", () => {
  function tag(name: string, path = encodeURIComponent(name)): string {
    return `<a href="${BASE}/tags/${path}" class="mention hashtag" rel="tag">#<span>${name}</span></a>`;
  }

  test("links a hashtag to this server's tag page, keeping the spelling used", () => {
    assert.equal(render("#Hashtag"), `<p>${tag("Hashtag")}</p>`);
  });

  test("links hashtags in other scripts with a percent-encoded URL", () => {
    assert.equal(render("#hashtagタグ"), `<p>${tag("hashtagタグ", "hashtag%E3%82%BF%E3%82%B0")}</p>`);
    assert.ok(render("testing #ぼっち・ざ・ろっく").includes("#<span>ぼっち・ざ・ろっく</span>"));
    assert.ok(render("just add #نرم‌افزار and").includes("#<span>نرم‌افزار</span>"));
    assert.ok(render("this is ＃ｆｏｏ").includes("#<span>ｆｏｏ</span>"));
  });

  test("allows digits and underscores but not a purely numeric tag", () => {
    assert.ok(render("hello #3d").includes(tag("3d")));
    assert.ok(render("hello #_test_").includes(tag("_test_")));
    assert.equal(render("on the #16 bus"), "<p>on the #16 bus</p>");
  });

  test("ends a hashtag at punctuation and drops a trailing middle dot", () => {
    assert.equal(render("#one·two·three· and #tag, ok"), `<p>${tag("one·two·three")}· and ${tag("tag")}, ok</p>`);
  });

  test("only starts a hashtag at the start of a line or after whitespace", () => {
    for (const text of ["x#tag", "Inc.#Decision", "https://example.org/testé#foo", "a=#b", "(#tag)"]) {
      assert.ok(!render(text).includes("hashtag"), text);
    }
    assert.ok(render("line\n#tag").includes(tag("tag")));
    assert.ok(render("nbsp\u00a0#tag").includes(tag("tag")));
  });

  test("leaves a URL fragment inside the link, not as a hashtag", () => {
    const html = render("https://en.wikipedia.org/wiki/Ghostbusters_(song)#Lawsuit");
    assert.deepEqual(hrefs(html), ["https://en.wikipedia.org/wiki/Ghostbusters_(song)#Lawsuit"]);
  });

  test("ends a hashtag where a URL scheme runs straight into it", () => {
    assert.equal(render("#foohttps://example.com/"), `<p>${tag("foo")}https://example.com/</p>`);
  });
});

describe("renderPlainText hooks", () => {
  test("asks the caller for each mention and for tag URLs", () => {
    const asked: Array<[string, string | null]> = [];
    const html = renderPlainText("@a @b@x.example #t", {
      resolveMention: (username, domain) => {
        asked.push([username, domain]);
        return username === "a" ? { url: "https://h/@a", username: "a" } : null;
      },
      tagUrl: (name) => `https://h/t/${name}`,
    });
    assert.deepEqual(asked, [["a", null], ["b", "x.example"]]);
    assert.equal(
      html,
      '<p><span class="h-card" translate="no"><a href="https://h/@a" class="u-url mention">@<span>a</span></a></span> @b@x.example ' +
        '<a href="https://h/t/t" class="mention hashtag" rel="tag">#<span>t</span></a></p>',
    );
  });
});
