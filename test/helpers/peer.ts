import { AsyncLocalStorage } from "node:async_hooks";
import https from "node:https";
import {
  createFederation,
  generateCryptoKeyPair,
  MemoryKvStore,
  type Context,
  type Federation,
  type HttpMessageSignaturesSpec,
  type RequestContext,
} from "@fedify/fedify";
import {
  Accept,
  Activity,
  Endpoints,
  Follow,
  Note,
  Person,
  Question,
  Reject,
  Undo,
  type Actor,
  type Object as APObject,
} from "@fedify/vocab";
import { getRequestListener } from "@hono/node-server";
import { releaseLoopbackHost, reserveLoopbackHost, TEST_PORT } from "./loopback.ts";
import { PeerActor, type PeerCore } from "./peer-actor.ts";
import { issueCertificate } from "./tls.ts";

/*
 * An independent ActivityPub server for tests, built straight on Fedify and sharing no code with src/:
 * what Weft sends has to make sense to it the way it would to Mastodon. It serves HTTPS on its own
 * loopback address, verifies every signature (Fedify does), records what reaches its inboxes, and sends
 * Mastodon-shaped activities. It has no queue, so a send returns only once the other side answered.
 */

export interface StartPeerOptions {
  /** the main actor; default "bob" */
  username?: string;
  /** more actors on the same server, reached with peer.as(name) */
  others?: string[];
  host?: string;
  port?: number;
  /** accept follows right away, like an unlocked Mastodon account; default true */
  autoAccept?: boolean;
  /** Mastodon signs with draft-cavage; Fedify-based servers start with RFC 9421 */
  firstKnock?: HttpMessageSignaturesSpec;
  /**
   * Answer 401 to unsigned GETs of actors, notes, polls and collections, as GoToSocial always does
   * and Mastodon in AUTHORIZED_FETCH mode (WebFinger and NodeInfo stay open); default false
   */
  requireSignedFetch?: boolean;
}

export interface GetRequest {
  path: string;
  /** the keyId of the HTTP signature (draft-cavage or RFC 9421), null when unsigned */
  keyId: string | null;
  status: number;
}

export interface ReceivedActivity {
  type: string;
  id: string | null;
  actor: string | null;
  object: string | null;
  /** the actor whose inbox it came to; null for the shared inbox */
  recipient: string | null;
  activity: Activity;
  /** the body as it arrived */
  json: Record<string, any>;
}

export interface InboxRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
  status: number;
}

type Waiter = { predicate: (a: ReceivedActivity) => boolean; resolve: (a: ReceivedActivity) => void };

export class TestPeer extends PeerActor {
  readonly host: string;
  readonly port: number;
  /** every activity that passed Fedify's signature check, in arrival order */
  readonly received: ReceivedActivity[] = [];
  /** every POST to an inbox, with the status the peer answered (401 for a bad signature, …) */
  readonly inboxRequests: InboxRequest[] = [];
  /** every GET, with who signed it and the status the peer answered */
  readonly getRequests: GetRequest[] = [];
  readonly #server: https.Server;
  readonly #waiters = new Set<Waiter>();

  constructor(core: PeerCore, username: string, host: string, port: number, server: https.Server) {
    super(core, username);
    this.host = host;
    this.port = port;
    this.#server = server;
  }

  /** Another actor hosted on this peer. */
  as(username: string): PeerActor {
    if (!this.core.keys.has(username)) throw new Error(`peer ${this.core.domain} has no actor ${username}`);
    return new PeerActor(this.core, username);
  }

  /** Resolves with the first received activity (past or future) that matches. */
  waitFor(match: string | ((a: ReceivedActivity) => boolean), timeoutMs = 10_000): Promise<ReceivedActivity> {
    const predicate = typeof match === "string" ? (a: ReceivedActivity) => a.type === match : match;
    const seen = this.received.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve: (a) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve(a);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        const got = this.received.map((a) => `${a.type} ${a.id}`).join(", ") || "nothing";
        reject(new Error(`peer ${this.core.domain}: no matching activity within ${timeoutMs} ms (received: ${got})`));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  /** @internal called by the inbox listener */
  record(entry: ReceivedActivity): void {
    this.received.push(entry);
    for (const w of [...this.#waiters]) if (w.predicate(entry)) w.resolve(entry);
  }

  async stop(): Promise<void> {
    await this.core.settle();
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    await releaseLoopbackHost(this.host);
  }
}

export async function startPeer(options: StartPeerOptions = {}): Promise<TestPeer> {
  const username = options.username ?? "bob";
  const usernames = [username, ...(options.others ?? [])];
  const host = options.host ?? (await reserveLoopbackHost(options.port ?? TEST_PORT));
  const port = options.port ?? TEST_PORT;
  const origin = `https://${host}:${port}`;
  const autoAccept = options.autoAccept ?? true;

  const federation: Federation<void> = createFederation<void>({
    kv: new MemoryKvStore(),
    allowPrivateAddress: true,
    firstKnock: options.firstKnock ?? "draft-cavage-http-signatures-12",
  });
  const keys = new Map<string, CryptoKeyPair[]>();
  for (const name of usernames) {
    keys.set(name, [await generateCryptoKeyPair("RSASSA-PKCS1-v1_5"), await generateCryptoKeyPair("Ed25519")]);
  }
  const pending = new Set<Promise<unknown>>();
  const core: PeerCore = {
    federation,
    origin,
    domain: `${host}:${port}`,
    keys,
    profiles: new Map(usernames.map((n) => [n, { name: n[0].toUpperCase() + n.slice(1), summary: "" }])),
    followers: new Map(usernames.map((n) => [n, new Map<string, Actor>()])),
    followRequests: new Map(usernames.map((n) => [n, new Map()])),
    following: new Map(usernames.map((n) => [n, new Map()])),
    objects: new Map<string, APObject>(),
    deliveries: new Map(),
    deliveryErrors: [],
    context: () => federation.createContext(new URL(origin), undefined),
    async actorObject(identifier) {
      const ctx = core.context();
      const profile = core.profiles.get(identifier)!;
      const pairs = await ctx.getActorKeyPairs(identifier);
      return new Person({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        name: profile.name,
        summary: profile.summary,
        url: new URL(`/@${identifier}`, origin),
        inbox: ctx.getInboxUri(identifier),
        outbox: ctx.getOutboxUri(identifier),
        followers: ctx.getFollowersUri(identifier),
        following: ctx.getFollowingUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        manuallyApprovesFollowers: !autoAccept,
        discoverable: true,
        publicKey: pairs[0].cryptographicKey,
        assertionMethods: pairs.map((p) => p.multikey),
      });
    },
    background(task) {
      const p = task.catch((err: unknown) => core.deliveryErrors.push(err));
      pending.add(p);
      void p.finally(() => pending.delete(p));
    },
    async settle() {
      while (pending.size) await Promise.allSettled([...pending]);
    },
  };

  // With requireSignedFetch, Fedify answers 401 unless the GET carries a signature it verifies.
  const signed = async (ctx: RequestContext<void>) => !options.requireSignedFetch || (await ctx.getSignedKey()) !== null;

  federation
    .setActorDispatcher("/users/{identifier}", (_ctx, identifier) =>
      core.profiles.has(identifier) ? core.actorObject(identifier) : null,
    )
    .setKeyPairsDispatcher((_ctx, identifier) => keys.get(identifier) ?? [])
    .authorize(signed);

  federation
    .setFollowersDispatcher("/users/{identifier}/followers", (_ctx, identifier) => {
      const followers = core.followers.get(identifier);
      return followers ? { items: [...followers.values()] } : null;
    })
    .authorize(signed);
  federation
    .setFollowingDispatcher("/users/{identifier}/following", (_ctx, identifier) => {
      const following = core.following.get(identifier);
      if (!following) return null;
      return { items: [...following.values()].filter((f) => f.state === "accepted").map((f) => new URL(f.target)) };
    })
    .authorize(signed);
  federation
    .setOutboxDispatcher("/users/{identifier}/outbox", (_ctx, identifier) => (core.profiles.has(identifier) ? { items: [] } : null))
    .authorize(signed);
  federation
    .setObjectDispatcher(Note, "/users/{identifier}/notes/{id}", (ctx, values) => {
      const found = core.objects.get(ctx.getObjectUri(Note, values).href);
      return found instanceof Note ? found : null;
    })
    .authorize(signed);
  federation
    .setObjectDispatcher(Question, "/users/{identifier}/polls/{id}", (ctx, values) => {
      const found = core.objects.get(ctx.getObjectUri(Question, values).href);
      return found instanceof Question ? found : null;
    })
    .authorize(signed);

  // The raw body reaches the inbox listener through this, so tests can look at the JSON as sent.
  const rawBody = new AsyncLocalStorage<string>();
  let peer: TestPeer | null = null;

  federation.setInboxListeners("/users/{identifier}/inbox", "/inbox").on(Activity, async (ctx, activity) => {
    let json: Record<string, any> = {};
    try {
      json = JSON.parse(rawBody.getStore() ?? "{}");
    } catch {
      // the listener only runs for bodies Fedify parsed; keep going if ours differs
    }
    const entry: ReceivedActivity = {
      type: String(json.type ?? activity.constructor.name),
      id: activity.id?.href ?? null,
      actor: activity.actorId?.href ?? null,
      object: activity.objectId?.href ?? null,
      recipient: ctx.recipient,
      activity,
      json,
    };
    if (activity instanceof Follow) await onFollow(ctx, activity);
    else if (activity instanceof Undo) onUndo(activity, json);
    else if (activity instanceof Accept || activity instanceof Reject) onFollowAnswer(activity);
    peer?.record(entry);
  });

  async function onFollow(ctx: Context<void>, follow: Follow): Promise<void> {
    const parsed = follow.objectId ? ctx.parseUri(follow.objectId) : null;
    if (parsed?.type !== "actor" || !follow.actorId) return;
    const followers = core.followers.get(parsed.identifier);
    if (!followers) return;
    const follower = (await follow.getActor({ documentLoader: ctx.documentLoader })) as Actor | null;
    if (!follower?.id || !follower.inboxId) return;
    if (follow.id) followsReceived.set(follow.id.href, { identifier: parsed.identifier, follower: follower.id.href });
    if (!autoAccept) {
      core.followRequests.get(parsed.identifier)!.set(follower.id.href, { follower, follow });
      return;
    }
    followers.set(follower.id.href, follower);
    // Like Mastodon, answer after the Follow's own request has been answered.
    core.background(
      new Promise((resolve) => setImmediate(resolve)).then(() =>
        ctx.sendActivity(
          { identifier: parsed.identifier },
          follower,
          new Accept({
            id: new URL(`/users/${parsed.identifier}#accepts/${crypto.randomUUID()}`, origin),
            actor: ctx.getActorUri(parsed.identifier),
            object: follow,
          }),
          { immediate: true },
        ),
      ),
    );
  }

  // Follows seen, so an Undo that names the Follow only by id still ends the relationship.
  const followsReceived = new Map<string, { identifier: string; follower: string }>();

  function onUndo(undo: Undo, json: Record<string, any>): void {
    const inner = json.object;
    const followId = typeof inner === "string" ? inner : inner?.id;
    const known = typeof followId === "string" ? followsReceived.get(followId) : undefined;
    if (!known || known.follower !== undo.actorId?.href) return;
    core.followers.get(known.identifier)?.delete(known.follower);
    core.followRequests.get(known.identifier)?.delete(known.follower);
  }

  function onFollowAnswer(answer: Accept | Reject): void {
    const followId = answer.objectId?.href;
    for (const following of core.following.values()) {
      for (const f of following.values()) {
        if (f.followId === followId) f.state = answer instanceof Accept ? "accepted" : "rejected";
      }
    }
  }

  const tls = issueCertificate(host);
  const listener = getRequestListener(async (request: Request) => {
    const url = new URL(request.url);
    const isInbox = request.method === "POST" && /(^\/inbox$)|(^\/users\/[^/]+\/inbox$)/.test(url.pathname);
    const body = isInbox ? await request.clone().text() : "";
    const response = await rawBody.run(body, () => federation.fetch(request, { contextData: undefined }));
    if (request.method === "GET") {
      peer?.getRequests.push({ path: url.pathname, keyId: signatureKeyId(request.headers), status: response.status });
    }
    if (isInbox) {
      peer?.inboxRequests.push({
        path: url.pathname,
        headers: Object.fromEntries(request.headers),
        body,
        status: response.status,
      });
    }
    return response;
  });
  const server = https.createServer({ cert: tls.cert, key: tls.key }, listener);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  peer = new TestPeer(core, username, host, port, server);
  return peer;
}

function signatureKeyId(headers: Headers): string | null {
  const cavage = /keyId="([^"]+)"/.exec(headers.get("signature") ?? "");
  if (cavage) return cavage[1];
  const rfc9421 = /keyid="([^"]+)"/.exec(headers.get("signature-input") ?? "");
  return rfc9421 ? rfc9421[1] : null;
}
