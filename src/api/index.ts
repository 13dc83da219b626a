import type { Hono } from "hono";
import type { WeftApp } from "../app.ts";
import { mountOauth } from "./oauth/index.ts";
import { mountRateLimit } from "./rate-limit.ts";
import { mountApps } from "./v1/apps.ts";
import { mountMissingImages } from "./entities/images.ts";
import { mount as mountInstanceV1 } from "./v1/instance.ts";
import { mount as mountInstanceV2 } from "./v2/instance.ts";
import { mount as mountAccountsRead } from "./v1/accounts-read.ts";
import { mount as mountStatusesRead } from "./v1/statuses-read.ts";
import { mount as mountMedia } from "./v2/media.ts";
import { mountMediaFiles } from "./media-files.ts";
import { mount as mountStatuses } from "./v1/statuses.ts";
import { mount as mountStatusActions } from "./v1/status-actions.ts";
import { mount as mountTimelines } from "./v1/timelines.ts";
import { mount as mountNotifications } from "./v1/notifications.ts";
import { mount as mountPolls } from "./v1/polls.ts";
import { mount as mountFollows } from "./v1/follows.ts";
import { mount as mountBookmarksFavourites } from "./v1/bookmarks-favourites.ts";
import { mount as mountSearch } from "./v2/search.ts";
import { mount as mountCredentials } from "./v1/credentials.ts";
import { mount as mountRegistrations } from "./v1/registrations.ts";
import { mount as mountPreferences } from "./v1/preferences.ts";
import { mount as mountMisc } from "./v1/misc.ts";
import { mount as mountLists } from "./v1/lists.ts";
import { mount as mountFilters } from "./v1/filters.ts";
import { mount as mountDomainBlocks } from "./v1/domain-blocks.ts";
import { mount as mountEndorsements } from "./v1/endorsements.ts";
import { mount as mountFeaturedTags } from "./v1/featured-tags.ts";
import { mount as mountFollowedTags } from "./v1/followed-tags.ts";
import { mount as mountDirectory } from "./v1/directory.ts";
import { mount as mountTrends } from "./v1/trends.ts";
import { mount as mountAnnouncements } from "./v1/announcements.ts";
import { mount as mountConversations } from "./v1/conversations.ts";
import { mount as mountStatusPins } from "./v1/status-pins.ts";
import { mount as mountGroupedNotifications } from "./v2/notifications.ts";
import { mount as mountReports } from "./v1/reports.ts";
import { mount as mountNotificationRequests } from "./v1/notification-requests.ts";
import { mountStreaming } from "./streaming/index.ts";

/**
 * Mounts the Mastodon client API and OAuth. Each module exports `mount(routes, app)`;
 * add one line per module here.
 */
export function mountApi(routes: Hono, app: WeftApp): void {
  // Before the OAuth routes so that sign-in is throttled too; it resolves the bearer token itself.
  mountRateLimit(routes, app);
  mountOauth(routes, app); // first: resolves bearer tokens for every route after it
  mountApps(routes, app);
  mountMissingImages(routes);
  mountInstanceV1(routes, app);
  mountInstanceV2(routes, app);
  mountAccountsRead(routes, app);
  mountStatusesRead(routes, app);
  mountMedia(routes, app);
  mountMediaFiles(routes, app);
  mountStatuses(routes, app);
  mountStatusActions(routes, app);
  mountTimelines(routes, app);
  mountNotifications(routes, app);
  mountPolls(routes, app);
  mountFollows(routes, app);
  mountBookmarksFavourites(routes, app);
  mountSearch(routes, app);
  mountCredentials(routes, app);
  mountRegistrations(routes, app);
  mountPreferences(routes, app);
  mountMisc(routes, app);
  mountLists(routes, app);
  mountFilters(routes, app);
  mountDomainBlocks(routes, app);
  mountEndorsements(routes, app);
  mountFeaturedTags(routes, app);
  mountFollowedTags(routes, app);
  mountDirectory(routes, app);
  mountTrends(routes, app);
  mountAnnouncements(routes, app);
  mountConversations(routes, app);
  mountStatusPins(routes, app);
  mountGroupedNotifications(routes, app);
  mountReports(routes, app);
  mountNotificationRequests(routes, app);
  mountStreaming(routes, app);
  void routes;
  void app;
}
