import { parseDocument, DomUtils } from "htmlparser2";
import type { Account } from "../../src/domain/accounts.ts";
import { upsertRemoteAccount } from "../../src/domain/remote-accounts.ts";
import { ingestRemoteStatus, type RemoteStatusData, type Status } from "../../src/domain/statuses.ts";
import { startApiServer, type ApiServer } from "../helpers/server.ts";

/* A Weft instance on a real loopback port for the public-page tests, and what they read pages with. */

export type WebServer = ApiServer;

export const startWebServer = (): Promise<WebServer> => startApiServer();

const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/** What a browser gets: no cookies, no token, redirects not followed so tests can see them. */
export async function browse(server: WebServer, path: string, accept = BROWSER_ACCEPT): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(`${server.url}${path}`, { headers: { accept }, redirect: "manual" });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

export type Doc = ReturnType<typeof parseDocument>;

export function parseHtml(text: string): Doc {
  return parseDocument(text);
}

/** `<meta property|name=key content>` values. */
export function meta(doc: Doc, key: string): string | undefined {
  const el = DomUtils.findOne((e) => e.name === "meta" && (e.attribs.property === key || e.attribs.name === key), doc.children, true);
  return el?.attribs.content;
}

export function links(doc: Doc, rel: string, type?: string): string[] {
  return DomUtils.findAll((e) => e.name === "link" && e.attribs.rel === rel && (!type || e.attribs.type === type), doc.children).map(
    (e) => e.attribs.href,
  );
}

export function textOf(doc: Doc, predicate: (e: { name: string; attribs: Record<string, string> }) => boolean): string[] {
  return DomUtils.findAll(predicate, doc.children).map((e) => DomUtils.textContent(e).replace(/\s+/g, " ").trim());
}

export function byClass(cls: string) {
  return (e: { attribs: Record<string, string> }) => (e.attribs.class ?? "").split(/\s+/).includes(cls);
}

let remoteSeq = 0;

export async function remoteAccount(server: WebServer, username: string, domain = "remote.example", over: { displayName?: string } = {}): Promise<Account> {
  const base = `https://${domain}/users/${username}`;
  return upsertRemoteAccount(server.app.ctx, {
    uri: base,
    url: `https://${domain}/@${username}`,
    username,
    domain,
    actorType: "Person",
    displayName: over.displayName ?? username,
    note: "<p>Remote bio</p>",
    avatarUrl: null,
    headerUrl: null,
    fields: [],
    emojis: [],
    locked: false,
    bot: false,
    discoverable: true,
    indexable: true,
    inboxUrl: `${base}/inbox`,
    sharedInboxUrl: null,
    outboxUrl: null,
    followersUrl: null,
    followingUrl: null,
    featuredUrl: null,
    publicKeyPem: null,
    publicKeyId: null,
    followersCount: 0,
    followingCount: 0,
    statusesCount: 0,
    published: null,
  });
}

export async function remoteStatus(server: WebServer, author: Account, over: Partial<RemoteStatusData> = {}): Promise<Status> {
  const n = ++remoteSeq;
  return ingestRemoteStatus(server.app.ctx, {
    uri: `${author.uri}/statuses/${n}`,
    url: `${author.url}/${n}`,
    accountId: author.id,
    inReplyToUri: null,
    content: "<p>remote words</p>",
    spoilerText: "",
    sensitive: false,
    visibility: "public",
    language: "en",
    published: new Date(),
    updated: null,
    mentionedAccountIds: [],
    tags: [],
    media: [],
    poll: null,
    ...over,
  });
}

const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

/**
 * Throws unless `text` is well-formed XML of the kind feeds are (declaration, elements,
 * attributes in double quotes, text, character references; no comments, CDATA or DTD):
 * every tag closed in order, one root, `<` never loose and `&` only as a reference.
 */
export function assertWellFormedXml(text: string): void {
  const body = text.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\s*/, "");
  if (body === text) throw new Error("missing XML declaration");
  const stack: string[] = [];
  let roots = 0;
  const checkText = (s: string, where: string) => {
    if (/[<]/.test(s) || /&/.test(s.replace(ENTITY, ""))) throw new Error(`bad character data in ${where}: ${s.slice(0, 80)}`);
  };
  for (const token of body.match(/<[^>]*>|[^<]+/g) ?? []) {
    if (!token.startsWith("<")) {
      if (!stack.length && token.trim()) throw new Error(`text outside the root: ${token.slice(0, 40)}`);
      checkText(token, stack.at(-1) ?? "prolog");
      continue;
    }
    const close = /^<\/([\w:.-]+)\s*>$/.exec(token);
    if (close) {
      if (stack.pop() !== close[1]) throw new Error(`mismatched </${close[1]}>`);
      continue;
    }
    const open = /^<([\w:.-]+)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>$/.exec(token);
    if (!open) throw new Error(`malformed tag: ${token.slice(0, 80)}`);
    for (const [, value] of open[2].matchAll(/="([^"]*)"/g)) checkText(value, `<${open[1]}> attribute`);
    if (!stack.length) roots++;
    if (!open[3]) stack.push(open[1]);
  }
  if (stack.length) throw new Error(`unclosed <${stack.at(-1)}>`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
}

/** Items of an RSS feed: each item's child elements by name (text content). */
export function rssItems(text: string): Array<Record<string, string>> {
  const doc = parseDocument(text, { xmlMode: true });
  return DomUtils.getElementsByTagName("item", doc).map((item) => {
    const out: Record<string, string> = {};
    for (const child of item.children) {
      if ("name" in child && typeof child.name === "string") out[child.name] = DomUtils.textContent(child);
    }
    return out;
  });
}
