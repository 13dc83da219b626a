import { signRequest, type Context, type Federation } from "@fedify/fedify";
import {
  Accept,
  Announce,
  Collection,
  Create,
  Delete,
  Follow,
  Hashtag,
  Like,
  Mention,
  Note,
  PUBLIC_COLLECTION,
  Question,
  Reject,
  Tombstone,
  Undo,
  Update,
  isActor,
  type Activity,
  type Actor,
  type Object as APObject,
} from "@fedify/vocab";
import { Temporal as TemporalPolyfill } from "@js-temporal/polyfill";

/** What the peer's actors share: its federation, keys and the little state a real server keeps. */
export interface PeerCore {
  federation: Federation<void>;
  origin: string;
  /** host:port, the part after the second @ of a handle */
  domain: string;
  keys: Map<string, CryptoKeyPair[]>;
  profiles: Map<string, { name: string; summary: string }>;
  /** accepted followers of each local actor, by follower actor id */
  followers: Map<string, Map<string, Actor>>;
  /** follows waiting for acceptFollower()/rejectFollower() when autoAccept is off, by follower actor id */
  followRequests: Map<string, Map<string, { follower: Actor; follow: Follow }>>;
  /** who each local actor follows, by target actor id */
  following: Map<string, Map<string, FollowState>>;
  /** notes and polls this peer serves, by id */
  objects: Map<string, APObject>;
  /** who got an activity or object, by its id, so Undo/Update/Delete reach the same inboxes */
  deliveries: Map<string, Actor[]>;
  /** failures of sends that ran in the background (Accepts) */
  deliveryErrors: unknown[];
  context(): Context<void>;
  /** the actor document as the peer serves it */
  actorObject(username: string): Promise<Actor>;
  background(task: Promise<unknown>): void;
  settle(): Promise<void>;
}

export interface FollowState {
  target: string;
  followId: string;
  state: "pending" | "accepted" | "rejected";
}

/** An actor: a handle (`@bob@127.0.0.3:8443`), an actor URL, or an Actor already looked up. */
export type Target = string | URL | Actor;

export type Visibility = "public" | "unlisted" | "followers" | "direct";

export interface NoteInput {
  content: string;
  visibility?: Visibility;
  /** each gets a Mention tag, is addressed, and receives the Create */
  mentions?: Target[];
  inReplyTo?: string | URL;
  hashtags?: string[];
  summary?: string;
  sensitive?: boolean;
  /** replace the addressing that `visibility` would produce */
  to?: (string | URL)[];
  cc?: (string | URL)[];
  /** more inboxes to deliver to, beyond followers, mentions and the replied-to author */
  deliverTo?: Target[];
}

export interface PollInput extends Omit<NoteInput, "inReplyTo"> {
  options: string[];
  multiple?: boolean;
  endTime?: Date;
}

export interface RawSendOptions {
  /** sign with this actor's RSA key (draft-cavage, like Mastodon); default true */
  sign?: boolean;
  /** claim a different key id in the signature (impersonation tests) */
  keyId?: string | URL;
  headers?: Record<string, string>;
}

const PUBLIC = PUBLIC_COLLECTION;

// Node 24 has no Temporal yet; Fedify's vocabulary accepts its polyfill's instants (typed as the global one).
function instant(date: Date = new Date()): Temporal.Instant {
  return TemporalPolyfill.Instant.fromEpochMilliseconds(date.getTime()) as unknown as Temporal.Instant;
}

function now(): Temporal.Instant {
  return instant();
}

function urls(list: (string | URL)[]): URL[] {
  return list.map((u) => new URL(u));
}

export class PeerActor {
  readonly core: PeerCore;
  readonly username: string;

  constructor(core: PeerCore, username: string) {
    this.core = core;
    this.username = username;
  }

  get handle(): string {
    return `@${this.username}@${this.core.domain}`;
  }

  get actorId(): string {
    return this.ctx.getActorUri(this.username).href;
  }

  get inbox(): string {
    return this.ctx.getInboxUri(this.username).href;
  }

  get followersUri(): string {
    return this.ctx.getFollowersUri(this.username).href;
  }

  /** Ids of the actors whose follow this actor accepted. */
  get followers(): string[] {
    return [...(this.core.followers.get(this.username)?.keys() ?? [])];
  }

  /** The state of this actor's follow of `target` (an actor id), once it has sent one. */
  followState(targetActorId: string): FollowState["state"] | null {
    return this.core.following.get(this.username)?.get(targetActorId)?.state ?? null;
  }

  protected get ctx(): Context<void> {
    return this.core.context();
  }

  /** Fetches anything by URL or handle the way a server would: signed as this actor. */
  async lookup(target: string | URL): Promise<APObject | null> {
    const ctx = this.ctx;
    const documentLoader = await ctx.getDocumentLoader({ identifier: this.username });
    return ctx.lookupObject(target, { documentLoader });
  }

  async resolveActor(target: Target): Promise<Actor> {
    if (typeof target !== "string" && !(target instanceof URL)) return target;
    const found = await this.lookup(target);
    if (!found || !isActor(found)) throw new Error(`peer ${this.core.domain}: ${String(target)} is not an actor`);
    return found;
  }

  /** Signs and delivers any activity to the given actors, right away. */
  async send(activity: Activity, recipients: Target[]): Promise<void> {
    const actors = await Promise.all(recipients.map((r) => this.resolveActor(r)));
    const unique = [...new Map(actors.map((a) => [a.id?.href, a])).values()];
    if (activity.id) this.core.deliveries.set(activity.id.href, unique);
    if (unique.length === 0) return;
    await this.ctx.sendActivity({ identifier: this.username }, unique, activity, { immediate: true });
  }

  async follow(target: Target): Promise<Follow> {
    const actor = await this.resolveActor(target);
    const follow = new Follow({ id: this.newId("follows"), actor: new URL(this.actorId), object: actor.id });
    this.core.following.get(this.username)!.set(actor.id!.href, {
      target: actor.id!.href,
      followId: follow.id!.href,
      state: "pending",
    });
    await this.send(follow, [actor]);
    return follow;
  }

  /** Undoes an activity this actor sent (Follow, Like, Announce), to the same recipients. */
  async undo(activity: Activity): Promise<Undo> {
    const undo = new Undo({ id: this.newId("undos"), actor: new URL(this.actorId), object: activity });
    const recipients = this.core.deliveries.get(activity.id!.href) ?? [];
    if (activity instanceof Follow && activity.objectId) {
      this.core.following.get(this.username)!.delete(activity.objectId.href);
    }
    await this.send(undo, recipients);
    return undo;
  }

  async createNote(input: NoteInput): Promise<{ id: string; note: Note; create: Create }> {
    const id = this.newId("notes");
    const mentioned = await Promise.all((input.mentions ?? []).map((m) => this.resolveActor(m)));
    const { to, cc } = this.addressing(input, mentioned);
    const note = new Note({
      id,
      attribution: new URL(this.actorId),
      content: input.content,
      summary: input.summary ?? null,
      sensitive: input.sensitive ?? false,
      replyTarget: input.inReplyTo ? new URL(input.inReplyTo) : null,
      published: now(),
      url: id,
      tos: to,
      ccs: cc,
      tags: [
        ...mentioned.map((a) => new Mention({ href: a.id, name: `@${a.preferredUsername}@${a.id!.host}` })),
        ...(input.hashtags ?? []).map(
          (t) => new Hashtag({ href: new URL(`/tags/${encodeURIComponent(t)}`, this.core.origin), name: `#${t}` }),
        ),
      ],
    });
    return this.publish(note, input, mentioned).then((create) => ({ id: id.href, note, create }));
  }

  async createPoll(input: PollInput): Promise<{ id: string; question: Question; create: Create }> {
    const id = this.newId("polls");
    const mentioned = await Promise.all((input.mentions ?? []).map((m) => this.resolveActor(m)));
    const { to, cc } = this.addressing(input, mentioned);
    const options = input.options.map(
      (name) => new Note({ name, replies: new Collection({ totalItems: 0 }) }),
    );
    const question = new Question({
      id,
      attribution: new URL(this.actorId),
      content: input.content,
      published: now(),
      endTime: instant(input.endTime ?? new Date(Date.now() + 86_400_000)),
      voters: 0,
      ...(input.multiple ? { inclusiveOptions: options } : { exclusiveOptions: options }),
      tos: to,
      ccs: cc,
      tags: mentioned.map((a) => new Mention({ href: a.id, name: `@${a.preferredUsername}@${a.id!.host}` })),
    });
    return this.publish(question, input, mentioned).then((create) => ({ id: id.href, question, create }));
  }

  /** Votes the way Mastodon does: one Create(Note{name}) per chosen option, sent to the poll's author. */
  async vote(questionId: string | URL, choices: string | string[]): Promise<Create[]> {
    const question = await this.lookup(questionId);
    if (!(question instanceof Question) || !question.attributionId) {
      throw new Error(`peer ${this.core.domain}: ${String(questionId)} is not a poll`);
    }
    const author = question.attributionId;
    const creates: Create[] = [];
    for (const choice of Array.isArray(choices) ? choices : [choices]) {
      const id = this.newId("notes");
      const note = new Note({
        id,
        attribution: new URL(this.actorId),
        name: choice,
        replyTarget: question.id,
        to: author,
        published: now(),
      });
      this.core.objects.set(id.href, note);
      const create = new Create({ id: new URL(`${id.href}/activity`), actor: new URL(this.actorId), to: author, object: note });
      await this.send(create, [author]);
      creates.push(create);
    }
    return creates;
  }

  async like(objectId: string | URL, options: { to?: Target[] } = {}): Promise<Like> {
    const like = new Like({ id: this.newId("likes"), actor: new URL(this.actorId), object: new URL(objectId) });
    await this.send(like, options.to ?? [await this.authorOf(objectId)]);
    return like;
  }

  async announce(objectId: string | URL, options: { to?: Target[] } = {}): Promise<Announce> {
    const author = await this.authorOf(objectId);
    const announce = new Announce({
      id: this.newId("announces"),
      actor: new URL(this.actorId),
      object: new URL(objectId),
      published: now(),
      to: PUBLIC,
      ccs: [author, new URL(this.followersUri)],
    });
    await this.send(announce, options.to ?? [...this.followerRecipients(), author]);
    return announce;
  }

  /** Edits a note or poll this actor made, and tells everyone who got it. */
  async update(
    objectId: string | URL,
    changes: { content?: string; summary?: string; sensitive?: boolean; votes?: number[] },
  ): Promise<Update> {
    const key = new URL(objectId).href;
    const old = this.core.objects.get(key);
    if (!(old instanceof Note) && !(old instanceof Question)) throw new Error(`peer does not hold ${key}`);
    const edited: Note | Question = await this.edit(old, changes);
    this.core.objects.set(key, edited);
    const update = new Update({
      id: new URL(`${key}#updates/${crypto.randomUUID()}`),
      actor: new URL(this.actorId),
      published: now(),
      tos: old.toIds,
      ccs: old.ccIds,
      object: edited,
    });
    await this.send(update, this.core.deliveries.get(key) ?? this.followerRecipients());
    return update;
  }

  async delete(objectId: string | URL): Promise<Delete> {
    const key = new URL(objectId).href;
    const recipients = this.core.deliveries.get(key) ?? this.followerRecipients();
    this.core.objects.delete(key);
    const del = new Delete({
      id: new URL(`${key}#delete`),
      actor: new URL(this.actorId),
      to: PUBLIC,
      object: new Tombstone({ id: new URL(key) }),
    });
    await this.send(del, recipients);
    return del;
  }

  /** Changes this actor's name or bio and sends Update(Person) to its followers. */
  async updateProfile(changes: { name?: string; summary?: string }): Promise<Update> {
    const profile = this.core.profiles.get(this.username)!;
    Object.assign(profile, changes);
    const person = await this.core.actorObject(this.username);
    const update = new Update({
      id: this.newId("updates"),
      actor: new URL(this.actorId),
      to: PUBLIC,
      object: person,
    });
    await this.send(update, this.followerRecipients());
    return update;
  }

  /** Answers a follow request held while autoAccept was off. */
  async acceptFollower(follower: string): Promise<void> {
    await this.answerFollower(follower, true);
  }

  async rejectFollower(follower: string): Promise<void> {
    await this.answerFollower(follower, false);
  }

  /** POSTs any JSON to an inbox, signed or not, for the cases a well-behaved server never sends. */
  async sendRaw(inboxUrl: string | URL, json: unknown, options: RawSendOptions = {}): Promise<{ status: number; body: string }> {
    const body = typeof json === "string" ? json : JSON.stringify(json);
    let request = new Request(inboxUrl, {
      method: "POST",
      headers: { "content-type": "application/activity+json", accept: "application/activity+json", ...options.headers },
      body,
    });
    if (options.sign ?? true) {
      const [rsa] = await this.ctx.getActorKeyPairs(this.username);
      const keyId = options.keyId ? new URL(options.keyId) : rsa.keyId;
      request = await signRequest(request, rsa.privateKey, keyId, { spec: "draft-cavage-http-signatures-12" });
    }
    const response = await fetch(request);
    return { status: response.status, body: await response.text() };
  }

  private async answerFollower(follower: string, accept: boolean): Promise<void> {
    const requests = this.core.followRequests.get(this.username)!;
    const pending = requests.get(follower);
    if (!pending) throw new Error(`no follow request from ${follower} to ${this.handle}`);
    requests.delete(follower);
    if (accept) this.core.followers.get(this.username)!.set(follower, pending.follower);
    const Answer = accept ? Accept : Reject;
    const answer = new Answer({ id: this.newId(accept ? "accepts" : "rejects"), actor: new URL(this.actorId), object: pending.follow });
    await this.send(answer, [pending.follower]);
  }

  private async publish(object: Note | Question, input: NoteInput, mentioned: Actor[]): Promise<Create> {
    const key = object.id!.href;
    this.core.objects.set(key, object);
    const create = new Create({
      id: new URL(`${key}/activity`),
      actor: new URL(this.actorId),
      published: object.published,
      tos: object.toIds,
      ccs: object.ccIds,
      object,
    });
    const recipients: Target[] = [...mentioned, ...(input.deliverTo ?? [])];
    if ((input.visibility ?? "public") !== "direct") {
      recipients.push(...this.followerRecipients());
      if (object instanceof Note && object.replyTargetId) {
        const author = await this.authorOf(object.replyTargetId).catch(() => null);
        if (author) recipients.push(author);
      }
    }
    await this.send(create, recipients);
    this.core.deliveries.set(key, this.core.deliveries.get(create.id!.href) ?? []);
    return create;
  }

  private addressing(input: NoteInput, mentioned: Actor[]): { to: URL[]; cc: URL[] } {
    const followers = new URL(this.followersUri);
    const mentions = mentioned.map((a) => a.id!);
    let to: URL[];
    let cc: URL[];
    switch (input.visibility ?? "public") {
      case "public":
        [to, cc] = [[PUBLIC], [followers, ...mentions]];
        break;
      case "unlisted":
        [to, cc] = [[followers], [PUBLIC, ...mentions]];
        break;
      case "followers":
        [to, cc] = [[followers], mentions];
        break;
      case "direct":
        [to, cc] = [mentions, []];
        break;
    }
    return { to: input.to ? urls(input.to) : to, cc: input.cc ? urls(input.cc) : cc };
  }

  private async edit(old: Note | Question, changes: Parameters<PeerActor["update"]>[1]): Promise<Note | Question> {
    const base = {
      ...(changes.content !== undefined ? { content: changes.content } : {}),
      ...(changes.summary !== undefined ? { summary: changes.summary } : {}),
      ...(changes.sensitive !== undefined ? { sensitive: changes.sensitive } : {}),
      updated: now(),
    };
    if (old instanceof Question && changes.votes) {
      const votes = changes.votes;
      const recount = async (opts: APObject[]) =>
        opts.map((o, i) => (o instanceof Note ? o.clone({ replies: new Collection({ totalItems: votes[i] ?? 0 }) }) : o));
      const exclusive: APObject[] = [];
      for await (const o of old.getExclusiveOptions()) exclusive.push(o);
      const inclusive: APObject[] = [];
      for await (const o of old.getInclusiveOptions()) inclusive.push(o);
      return old.clone({
        ...base,
        exclusiveOptions: await recount(exclusive),
        inclusiveOptions: await recount(inclusive),
        voters: votes.reduce((a, b) => a + b, 0),
      });
    }
    return old.clone(base);
  }

  private followerRecipients(): Actor[] {
    return [...(this.core.followers.get(this.username)?.values() ?? [])];
  }

  private async authorOf(objectId: string | URL): Promise<Actor> {
    const object = await this.lookup(objectId);
    const author = object?.attributionIds[0];
    if (!author) throw new Error(`peer ${this.core.domain}: cannot tell who wrote ${String(objectId)}`);
    return this.resolveActor(author);
  }

  private newId(kind: string): URL {
    return new URL(`/users/${this.username}/${kind}/${crypto.randomUUID()}`, this.core.origin);
  }
}
