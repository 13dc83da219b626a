import { sql, type Expression, type SqlBool } from "kysely";
import type { Tx } from "../db/index.ts";
import type { Ctx } from "./context.ts";
import { notify } from "./notifications.ts";
import { inTx } from "./tx.ts";

/**
 * Fan-out on write: puts a new status (or boost) into the home feeds of the local accounts that
 * follow its author, in one INSERT … SELECT. Runs from the queue, after the post is committed.
 *
 * Accounts with very many local followers could instead be merged into home timelines on read;
 * the feed table is keyed (account, status) so such a merge stays a range scan (see ADR 0003).
 */
export async function fanOutStatus(ctx: Ctx, statusId: string): Promise<number> {
  const status = await ctx.db.selectFrom("statuses").selectAll().where("id", "=", statusId).executeTakeFirst();
  if (!status || status.deleted_at) return 0;
  const original = status.reblog_of_id
    ? await ctx.db.selectFrom("statuses").selectAll().where("id", "=", status.reblog_of_id).executeTakeFirst()
    : null;
  if (status.reblog_of_id && (!original || original.deleted_at)) return 0;
  const authors = [status.account_id, ...(original ? [original.account_id] : [])];
  const domains = await ctx.db.selectFrom("accounts").select("domain").where("id", "in", authors).where("domain", "is not", null).execute();
  const homeRules = (recipient: string) => passesHomeRules(recipient, status.account_id, domains.map((d) => d.domain!.toLowerCase()));

  return inTx(ctx, async (tx, emit) => {
    const now = new Date().toISOString();
    let recipients;
    if (status.visibility === "direct") {
      recipients = tx
        .selectFrom("mentions")
        .innerJoin("users", "users.account_id", "mentions.account_id")
        .select([
          "mentions.account_id as account_id",
          sql<string>`${status.id}`.as("status_id"),
          sql<string>`${status.account_id}`.as("author_id"),
          sql<string>`${now}`.as("created_at"),
        ])
        .where("mentions.status_id", "=", status.id)
        .where(homeRules("mentions.account_id"));
    } else {
      let q = tx
        .selectFrom("follows")
        .innerJoin("users", "users.account_id", "follows.account_id")
        .select([
          "follows.account_id as account_id",
          sql<string>`${status.id}`.as("status_id"),
          sql<string>`${status.account_id}`.as("author_id"),
          sql<string>`${now}`.as("created_at"),
        ])
        .where("follows.target_account_id", "=", status.account_id)
        .where((eb) =>
          eb.not(eb.exists(eb.selectFrom("mutes").select(sql`1`.as("x")).whereRef("mutes.account_id", "=", "follows.account_id").where("mutes.target_account_id", "=", status.account_id))),
        )
        .where(homeRules("follows.account_id"));
      if (original) {
        q = q
          .where("follows.show_reblogs", "=", 1)
          .where("follows.account_id", "!=", original.account_id)
          // A boost of something already in your feed adds nothing.
          .where((eb) =>
            eb.not(
              eb.exists(
                eb.selectFrom("home_feed as hf").select(sql`1`.as("x")).whereRef("hf.account_id", "=", "follows.account_id").where("hf.status_id", "=", original.id),
              ),
            ),
          );
      }
      if (status.in_reply_to_account_id && status.in_reply_to_account_id !== status.account_id) {
        // As on Mastodon: a reply shows up only for those who follow both sides of the conversation.
        const other = status.in_reply_to_account_id;
        q = q.where((eb) =>
          eb.or([
            eb("follows.account_id", "=", other),
            eb.exists(eb.selectFrom("follows as f2").select(sql`1`.as("x")).whereRef("f2.account_id", "=", "follows.account_id").where("f2.target_account_id", "=", other)),
          ]),
        );
      }
      recipients = q;
    }
    const inserted = await tx
      .insertInto("home_feed")
      .columns(["account_id", "status_id", "author_id", "created_at"])
      .expression(recipients)
      .onConflict((oc) => oc.doNothing())
      .returning("account_id")
      .execute();
    if (!original && status.visibility === "public") inserted.push(...(await fanOutToTagFollowers(tx, status, homeRules("users.account_id"), now)));
    for (const r of inserted) emit({ type: "home.inserted", accountId: r.account_id, statusId: status.id });

    if (!original && status.visibility !== "direct" && (!status.in_reply_to_account_id || status.in_reply_to_account_id === status.account_id)) {
      const subscribers = await tx
        .selectFrom("follows")
        .innerJoin("users", "users.account_id", "follows.account_id")
        .select("follows.account_id")
        .where("follows.target_account_id", "=", status.account_id)
        .where("follows.notify", "=", 1)
        .execute();
      for (const s of subscribers) {
        await notify(tx, { accountId: s.account_id, fromAccountId: status.account_id, type: "status", statusId: status.id, dedupeKey: `status:${status.id}:${s.account_id}` }, emit);
      }
    }
    return inserted.length;
  });
}

/**
 * What every home feed entry must pass (Mastodon's FeedManager#filter_from_home): the author is
 * in none of the recipient's exclusive lists, and no author involved (the booster and the
 * boosted) is on a server the recipient blocks. timelines.ts applies the same rules on read.
 */
function passesHomeRules(recipient: string, authorId: string, domains: string[]): Expression<SqlBool> {
  const who = sql.ref(recipient);
  const exclusive = sql<SqlBool>`NOT EXISTS (SELECT 1 FROM list_accounts la INNER JOIN lists l ON l.id = la.list_id
    WHERE l.account_id = ${who} AND l.exclusive = 1 AND la.account_id = ${authorId})`;
  if (!domains.length) return exclusive;
  return sql<SqlBool>`${exclusive} AND NOT EXISTS (SELECT 1 FROM domain_blocks db
    WHERE db.account_id = ${who} AND db.domain IN (${sql.join(domains)}))`;
}

/**
 * A public post enters the home feeds of local accounts following any of its hashtags, once
 * each however many of its tags they follow; not the author's, nor those of people who block
 * or mute its author or someone it mentions, or whom its author blocks (Mastodon's
 * filter_from_tags). Returns the feeds it entered, leaving out those it was already in.
 */
async function fanOutToTagFollowers(
  tx: Tx,
  status: { id: string; account_id: string },
  homeRules: Expression<SqlBool>,
  now: string,
): Promise<Array<{ account_id: string }>> {
  const mentioned = tx.selectFrom("mentions").select("mentions.account_id").where("mentions.status_id", "=", status.id);
  const followers = tx
    .selectFrom("users")
    .select([
      "users.account_id as account_id",
      sql<string>`${status.id}`.as("status_id"),
      sql<string>`${status.account_id}`.as("author_id"),
      sql<string>`${now}`.as("created_at"),
    ])
    // IN (…) takes each follower once, however many of the post's tags they follow.
    .where("users.account_id", "in", (eb) =>
      eb
        .selectFrom("tag_follows")
        .innerJoin("status_tags", "status_tags.tag_id", "tag_follows.tag_id")
        .select("tag_follows.account_id")
        .where("status_tags.status_id", "=", status.id),
    )
    .where("users.account_id", "!=", status.account_id)
    .where((eb) =>
      eb.and([
        eb.not(
          eb.exists(
            eb
              .selectFrom("blocks")
              .select(sql`1`.as("x"))
              .whereRef("blocks.account_id", "=", "users.account_id")
              .where((b) => b.or([b("blocks.target_account_id", "=", status.account_id), b("blocks.target_account_id", "in", mentioned)])),
          ),
        ),
        eb.not(
          eb.exists(
            eb
              .selectFrom("mutes")
              .select(sql`1`.as("x"))
              .whereRef("mutes.account_id", "=", "users.account_id")
              .where((m) => m.or([m("mutes.target_account_id", "=", status.account_id), m("mutes.target_account_id", "in", mentioned)]))
              .where((m) => m.or([m("mutes.expires_at", "is", null), m("mutes.expires_at", ">", now)])),
          ),
        ),
        eb.not(
          eb.exists(
            eb
              .selectFrom("blocks as by_author")
              .select(sql`1`.as("x"))
              .where("by_author.account_id", "=", status.account_id)
              .whereRef("by_author.target_account_id", "=", "users.account_id"),
          ),
        ),
      ]),
    )
    .where(homeRules);
  return tx
    .insertInto("home_feed")
    .columns(["account_id", "status_id", "author_id", "created_at"])
    .expression(followers)
    .onConflict((oc) => oc.doNothing())
    .returning("account_id")
    .execute();
}

/** After an unfollow, the former followee's posts leave the follower's home feed. */
export async function removeFromHome(ctx: Ctx, accountId: string, authorId: string): Promise<void> {
  await ctx.db.deleteFrom("home_feed").where("account_id", "=", accountId).where("author_id", "=", authorId).execute();
}

/** After a follow, recent posts of the followee appear in the home feed, as on Mastodon. */
export async function backfillHome(ctx: Ctx, accountId: string, authorId: string, limit = 40): Promise<void> {
  const now = new Date().toISOString();
  const recent = await ctx.db
    .selectFrom("statuses")
    .select("id")
    .where("account_id", "=", authorId)
    .where("deleted_at", "is", null)
    .where("visibility", "in", ["public", "unlisted", "private"])
    .where("in_reply_to_id", "is", null)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  if (!recent.length) return;
  await ctx.db
    .insertInto("home_feed")
    .values(recent.map((r) => ({ account_id: accountId, status_id: r.id, author_id: authorId, created_at: now })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}
