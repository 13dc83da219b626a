import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  countCharacters,
  extractHashtags,
  extractMentions,
  extractUrls,
  isValidHashtagName,
  mentionKey,
  normalizeHashtag,
} from "../../../src/domain/text/index.ts";

describe("extractMentions", () => {
  test("lists local and remote mentions once each, in order", () => {
    assert.deepEqual(extractMentions("@alice hi @bob@remote.example and @Alice again, @bob@REMOTE.example"), [
      { username: "alice", domain: null, acct: "alice" },
      { username: "bob", domain: "remote.example", acct: "bob@remote.example" },
    ]);
  });

  test("folds this server's domain into a local mention", () => {
    assert.deepEqual(extractMentions("@alice@Weft.Example", { localDomain: "weft.example" }), [
      { username: "alice", domain: null, acct: "alice" },
    ]);
  });

  test("ignores e-mail addresses, URL paths and a mention glued to another @", () => {
    assert.deepEqual(extractMentions("write to me@example.com or https://example.com/@alice or @a@b@c"), []);
  });

  test("keeps dots and dashes inside usernames and domains but not at their end", () => {
    assert.deepEqual(extractMentions("@first.last@sub.example.org. and @x_y-z."), [
      { username: "first.last", domain: "sub.example.org", acct: "first.last@sub.example.org" },
      { username: "x_y-z", domain: null, acct: "x_y-z" },
    ]);
  });

  test("builds the resolver key from a mention", () => {
    assert.equal(mentionKey("Bob", "Remote.Example"), "bob@remote.example");
    assert.equal(mentionKey("Bob", "weft.example", { localDomain: "weft.example" }), "bob");
    assert.equal(mentionKey("Bob", null), "bob");
  });
});

describe("extractHashtags", () => {
  test("normalises names for matching and keeps the first spelling for display", () => {
    assert.deepEqual(extractHashtags("#Café #cafe #ＣＡＦＥ #Straße #ぼっち・ざ・ろっく"), [
      { name: "cafe", display: "Café" },
      { name: "straße", display: "Straße" },
      { name: "ぼっち・ざ・ろっく", display: "ぼっち・ざ・ろっく" },
    ]);
  });

  test("skips numeric tags and tags glued to a word", () => {
    assert.deepEqual(extractHashtags("#2024 word#tag https://example.com/#frag"), []);
  });

  test("normalizeHashtag and isValidHashtagName follow Mastodon's tag rules", () => {
    assert.equal(normalizeHashtag("#ÀÉÎõü_x"), "aeiou_x");
    assert.equal(normalizeHashtag("with space!"), "withspace");
    assert.ok(isValidHashtagName("l33t"));
    assert.ok(isValidHashtagName("one·two"));
    assert.ok(!isValidHashtagName("1234"));
    assert.ok(!isValidHashtagName("·one"));
    assert.ok(!isValidHashtagName("no-dash"));
  });
});

describe("extractUrls", () => {
  test("returns linked URLs once each, without trailing punctuation", () => {
    assert.deepEqual(extractUrls("See https://example.com/a. Also (https://example.org/b) and https://example.com/a!"), [
      "https://example.com/a",
      "https://example.org/b",
    ]);
  });

  test("ignores what Mastodon does not link", () => {
    assert.deepEqual(extractUrls("example.com https://localhost/ ftp://example.com http://www\\.google\\.com"), []);
  });
});

describe("countCharacters", () => {
  test("counts user-perceived characters", () => {
    assert.equal(countCharacters("hello"), 5);
    assert.equal(countCharacters("👨‍👩‍👧‍👦 🇫🇷 é"), 5);
  });

  test("counts every link as 23 characters", () => {
    assert.equal(countCharacters(`a https://example.com/${"x".repeat(200)} b`), 2 + 23 + 2);
    assert.equal(countCharacters("https://t.co"), 23);
  });

  test("counts a remote mention by its username only", () => {
    assert.equal(countCharacters("@bob@a-very-long-remote-domain.example hi"), "@bob hi".length);
  });

  test("adds the content warning and ignores a text that is only whitespace", () => {
    assert.equal(countCharacters("body", "CW"), 6);
    assert.equal(countCharacters("   ", "CW"), 2);
  });

  test("counts xmpp: and magnet: URIs in full", () => {
    assert.equal(countCharacters("xmpp:alice@example.com"), "xmpp:alice@example.com".length);
  });

  test("lets exactly 500 characters through and catches 501", () => {
    const url = `https://example.com/${"p".repeat(300)}`;
    assert.equal(countCharacters(`${"a".repeat(476)} ${url}`), 500);
    assert.equal(countCharacters(`${"a".repeat(477)} ${url}`), 501);
  });
});
