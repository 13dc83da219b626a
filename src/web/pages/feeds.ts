import type { WeftApp } from "../../app.ts";
import type { Account } from "../../domain/accounts.ts";
import { loadStatuses } from "../../domain/hydrate.ts";
import { htmlToPlainText } from "../../domain/text/index.ts";
import { accountStatuses, tagTimeline } from "../../domain/timelines.ts";
import { paths } from "../../domain/uris.ts";
import { absolute, avatarUrl, fullHandle, profilePath } from "./format.ts";
import { bioHtml } from "./profile-header.ts";
import { sendFeed } from "./respond.ts";
import { renderRss } from "./rss.ts";
import { PAGE_SIZE } from "./profile.ts";

/*
 * Feeds carry public posts only: an unlisted post is kept out of listings a stranger
 * subscribes to, and followers-only and direct posts are never anywhere on these pages.
 */

export async function profileFeed(app: WeftApp, account: Account): Promise<Response> {
  const { ctx } = app;
  const config = ctx.config;
  // Unlisted posts are among the ids a signed-out reader may see; ask for more and keep the public ones.
  const ids = await accountStatuses(ctx, account.id, { viewerId: null, excludeReplies: true, excludeReblogs: true }, { limit: PAGE_SIZE * 2 });
  const views = (await loadStatuses(ctx, ids, null)).filter((v) => v.status.visibility === "public").slice(0, PAGE_SIZE);
  const name = account.display_name || account.username;
  const bio = htmlToPlainText(bioHtml(account, config));
  const link = absolute(config, profilePath(account));
  return sendFeed(
    renderRss(
      {
        title: `${name} (${fullHandle(account, config)})`,
        link,
        self: `${link}.rss`,
        description: bio || `Public posts from ${fullHandle(account, config)}`,
        image: avatarUrl(account, config),
      },
      views,
      config,
    ),
  );
}

export async function tagFeed(app: WeftApp, tag: string): Promise<Response> {
  const { ctx } = app;
  const config = ctx.config;
  const ids = await tagTimeline(ctx, tag, { viewerId: null }, { limit: PAGE_SIZE });
  const views = await loadStatuses(ctx, ids, null);
  const link = absolute(config, paths.tag(tag));
  return sendFeed(
    renderRss({ title: `#${tag}`, link, self: `${link}.rss`, description: `Public posts tagged #${tag}` }, views, config),
  );
}
