import http from "node:http";
import type { AddressInfo } from "node:net";
import { generateCryptoKeyPair, signRequest } from "@fedify/fedify";
import { exportSpki } from "@fedify/vocab-runtime";
import { newId } from "../src/domain/ids.ts";
import type { BenchDb } from "./seed.ts";

/*
 * Remote ActivityPub actors for the federation benchmarks: a tiny HTTP server on a loopback
 * address other than Weft's that serves each actor's document (with its public key, so Fedify
 * can verify signatures), their accounts stored in Weft's database as if fetched already, and
 * Mastodon-shaped signed Create(Note) requests from them.
 */

export interface RemoteActor {
  index: number;
  uri: string;
  keyId: string;
  privateKey: CryptoKey;
  publicKeyPem: string;
  accountId: string;
}

export interface RemoteServer {
  origin: string;
  host: string;
  actors: RemoteActor[];
  /** how many actor documents Weft fetched */
  fetches(): number;
  close(): Promise<void>;
}

export async function startRemoteActors(count: number, host = "127.0.0.2"): Promise<RemoteServer> {
  let fetches = 0;
  const actors: RemoteActor[] = [];
  const server = http.createServer((req, res) => {
    const m = /^\/users\/r(\d+)$/.exec(req.url ?? "");
    const actor = m ? actors[Number(m[1])] : undefined;
    if (!actor) {
      res.writeHead(404).end();
      return;
    }
    fetches++;
    res.writeHead(200, { "content-type": "application/activity+json" }).end(JSON.stringify(actorDocument(actor)));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const origin = `http://${host}:${(server.address() as AddressInfo).port}`;
  for (let i = 0; i < count; i++) {
    const { privateKey, publicKey } = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
    const uri = `${origin}/users/r${i}`;
    actors.push({ index: i, uri, keyId: `${uri}#main-key`, privateKey, publicKeyPem: await exportSpki(publicKey), accountId: newId() });
  }
  return {
    origin,
    host: new URL(origin).host,
    actors,
    fetches: () => fetches,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function actorDocument(a: RemoteActor) {
  return {
    "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
    id: a.uri,
    type: "Person",
    preferredUsername: `r${a.index}`,
    name: `Remote ${a.index}`,
    inbox: `${a.uri}/inbox`,
    outbox: `${a.uri}/outbox`,
    followers: `${a.uri}/followers`,
    following: `${a.uri}/following`,
    endpoints: { sharedInbox: `${new URL(a.uri).origin}/inbox` },
    url: a.uri,
    publicKey: { id: a.keyId, owner: a.uri, publicKeyPem: a.publicKeyPem },
  };
}

/** Stores the actors as accounts fetched just now, so Weft does not need to look them up. */
export async function storeRemoteAccounts(db: BenchDb, remote: RemoteServer): Promise<void> {
  const now = new Date().toISOString();
  const domain = remote.host;
  await db.insert(
    "accounts",
    ["id", "username", "domain", "uri", "url", "inbox_url", "shared_inbox_url", "outbox_url", "followers_url", "following_url", "display_name", "public_key_pem", "public_key_id", "created_at", "updated_at", "fetched_at"],
    remote.actors.map((a) => [a.accountId, `r${a.index}`, domain, a.uri, a.uri, `${a.uri}/inbox`, `${remote.origin}/inbox`, `${a.uri}/outbox`, `${a.uri}/followers`, `${a.uri}/following`, `Remote ${a.index}`, a.publicKeyPem, a.keyId, now, now, now]),
  );
}

const MASTODON_CONTEXT = [
  "https://www.w3.org/ns/activitystreams",
  {
    ostatus: "http://ostatus.org#",
    atomUri: "ostatus:atomUri",
    inReplyToAtomUri: "ostatus:inReplyToAtomUri",
    conversation: "ostatus:conversation",
    sensitive: "as:sensitive",
    toot: "http://joinmastodon.org/ns#",
    votersCount: "toot:votersCount",
    Hashtag: "as:Hashtag",
  },
];

const LOREM =
  "Federation is the idea that many small servers, each run by people who know their members, can together feel like one network. " +
  "Each post travels to the servers of the people who follow its author, signed so that nobody can forge it on the way. ";

/** A Create(Note) as Mastodon sends it, about 2 KB. */
export function mastodonCreate(actor: RemoteActor, serial: number, published = new Date()): Record<string, unknown> {
  const statusUri = `${actor.uri}/statuses/${serial}`;
  const followers = `${actor.uri}/followers`;
  const publicTo = ["https://www.w3.org/ns/activitystreams#Public"];
  const at = published.toISOString().replace(/\.\d+Z$/, "Z");
  return {
    "@context": MASTODON_CONTEXT,
    id: `${statusUri}/activity`,
    type: "Create",
    actor: actor.uri,
    published: at,
    to: publicTo,
    cc: [followers],
    object: {
      id: statusUri,
      type: "Note",
      summary: null,
      inReplyTo: null,
      published: at,
      url: `${new URL(actor.uri).origin}/@r${actor.index}/${serial}`,
      attributedTo: actor.uri,
      to: publicTo,
      cc: [followers],
      sensitive: false,
      atomUri: statusUri,
      inReplyToAtomUri: null,
      conversation: `tag:${new URL(actor.uri).host},2025:objectId=${serial}:objectType=Conversation`,
      content: `<p>${LOREM}${LOREM}Post number ${serial}. <a href="${new URL(actor.uri).origin}/tags/bench" class="mention hashtag" rel="tag">#<span>bench</span></a></p>`,
      contentMap: { en: `<p>${LOREM}Post number ${serial}.</p>` },
      attachment: [],
      tag: [{ type: "Hashtag", href: `${new URL(actor.uri).origin}/tags/bench`, name: "#bench" }],
      replies: { id: `${statusUri}/replies`, type: "Collection", first: { type: "CollectionPage", next: `${statusUri}/replies?only_other_accounts=true&page=true`, partOf: `${statusUri}/replies`, items: [] } },
    },
  };
}

export interface SignedPost {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** Signs a POST the way Mastodon does (draft-cavage HTTP Signatures with a Digest). */
export async function signedPost(actor: RemoteActor, url: string, activity: unknown): Promise<SignedPost> {
  const body = JSON.stringify(activity);
  const request = new Request(url, { method: "POST", headers: { "content-type": "application/activity+json" }, body });
  const signed = await signRequest(request, actor.privateKey, new URL(actor.keyId), { body: new TextEncoder().encode(body).buffer as ArrayBuffer });
  const headers: Record<string, string> = {};
  signed.headers.forEach((v, k) => (headers[k] = v));
  headers["content-length"] = String(Buffer.byteLength(body));
  return { path: new URL(url).pathname, headers, body };
}
