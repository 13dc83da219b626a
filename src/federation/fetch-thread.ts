import type { Object as APObject } from "@fedify/vocab";
import type { Account } from "../domain/accounts.ts";
import { getStatusByUri, ingestRemoteStatus, type Status } from "../domain/statuses.ts";
import { sameOrigin } from "./gate.ts";
import { fetchObject, resolveActorUri, type FederationHandle, type LookupOptions } from "./lookup.ts";
import { fromNote, isPostObject } from "./mappers/note-in.ts";

/** How far up a thread we fetch parents we do not have; deeper ancestors arrive when someone asks. */
export const MAX_PARENT_DEPTH = 3;

export interface ThreadEnv {
  app: FederationHandle;
  options: LookupOptions;
}

/**
 * Stores a post object whose origin is already vouched for (fetched from its id, or carried by
 * a signed activity from the same origin). Its author must live on the object's origin. Then
 * its parent is fetched when unknown, up to MAX_PARENT_DEPTH levels.
 * `author`, when given, is the account the caller already established (the activity's actor).
 */
export async function storePostObject(
  env: ThreadEnv,
  object: APObject,
  opts: { raw?: unknown; author?: Account; depth?: number } = {},
): Promise<Status | null> {
  const ctx = env.app.ctx;
  if (!isPostObject(object) || !object.id) return null;
  if (sameOrigin(object.id, ctx.config.url)) return (await getStatusByUri(ctx, object.id.href)) ?? null;
  const attributedTo = object.attributionIds[0];
  if (!attributedTo || !sameOrigin(attributedTo, object.id)) {
    ctx.log.info({ uri: object.id.href }, "post not stored: its author is not on its origin");
    return null;
  }
  const author =
    opts.author && opts.author.uri === attributedTo.href
      ? opts.author
      : await resolveActorUri(env.app, attributedTo.href, env.options);
  if (!author || author.domain === null || author.deleted_at) return null;
  const data = await fromNote(ctx, object, {
    accountId: author.id,
    followersUrl: author.followers_url,
    raw: opts.raw,
    resolveAccount: async (uri) => (await resolveActorUri(env.app, uri.href, env.options))?.id ?? null,
  });
  if (!data) return null;
  const status = await ingestRemoteStatus(ctx, data);
  const depth = opts.depth ?? 0;
  if (data.inReplyToUri && depth < MAX_PARENT_DEPTH) {
    await resolveStatusUri(env, data.inReplyToUri, depth + 1).catch((err: unknown) => {
      ctx.log.info({ err, uri: data.inReplyToUri }, "could not fetch the post a reply answers");
    });
  }
  return status;
}

/**
 * A status by URI: the stored one, or fetched from where its id says it lives and stored.
 * Our own URIs are never fetched. Null when it does not exist, is gone, or is not a post.
 */
export async function resolveStatusUri(env: ThreadEnv, uri: string, depth = 0): Promise<Status | null> {
  const ctx = env.app.ctx;
  const known = await getStatusByUri(ctx, uri);
  if (known) return known.deleted_at ? null : known;
  const url = URL.parse(uri);
  if (!url || !/^https?:$/.test(url.protocol) || sameOrigin(url, ctx.config.url)) return null;
  const object = await fetchObject(env.app, uri, env.options);
  if (!object || !isPostObject(object)) return null;
  return storePostObject(env, object, { raw: await object.toJsonLd(), depth });
}
