import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { conversationsOf, markConversationRead, removeConversation, type ConversationView } from "../../domain/conversations.ts";
import { loadAccounts, loadStatuses } from "../../domain/hydrate.ts";
import { authenticate, currentAccount, requireScope, requireUser } from "../auth.ts";
import { serializeAccount, type MastodonAccount } from "../entities/account.ts";
import { parsePage, setLinkHeader } from "../pagination.ts";
import { filteredStatusesJson, type FilteredStatus } from "./filters.ts";
import { pathId } from "./status-views.ts";

const ID = "{[0-9]+}";

export interface MastodonConversation {
  id: string;
  unread: boolean;
  accounts: MastodonAccount[];
  last_status: FilteredStatus | null;
}

/** Conversations with their participants and last statuses, in a fixed number of queries. */
async function conversationsJson(app: WeftApp, viewerId: string, convs: ConversationView[]): Promise<MastodonConversation[]> {
  const [accounts, statuses] = await Promise.all([
    loadAccounts(app.ctx, convs.flatMap((c) => c.participantIds)),
    loadStatuses(app.ctx, convs.map((c) => c.lastStatusId), viewerId),
  ]);
  const accountById = new Map(accounts.map((a) => [a.account.id, serializeAccount(a, app.config)]));
  const statusJson = await filteredStatusesJson(app, viewerId, "thread", statuses);
  const statusById = new Map(statusJson.map((s) => [s.id, s]));
  return convs.map((c) => ({
    id: c.id,
    unread: c.unread,
    accounts: c.participantIds.flatMap((id) => accountById.get(id) ?? []),
    last_status: statusById.get(c.lastStatusId) ?? null,
  }));
}

/** GET /api/v1/conversations, and marking one read or removing it. */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx, config } = app;
  const auth = authenticate(app);
  const write = [auth, requireScope("write:conversations"), requireUser] as const;
  const me = (c: Context) => currentAccount(c).id;

  routes.get("/api/v1/conversations", auth, requireScope("read:statuses"), requireUser, async (c) => {
    const page = parsePage(c, { defaultLimit: 20, maxLimit: 40 });
    const convs = await conversationsOf(ctx, me(c), page);
    setLinkHeader(c, config, convs.map((x) => x.lastStatusId), page);
    return c.json(await conversationsJson(app, me(c), convs));
  });

  routes.post(`/api/v1/conversations/:id${ID}/read`, ...write, async (c) => {
    const conv = await markConversationRead(ctx, me(c), pathId(c));
    return c.json((await conversationsJson(app, me(c), [conv]))[0]);
  });

  routes.delete(`/api/v1/conversations/:id${ID}`, ...write, async (c) => {
    await removeConversation(ctx, me(c), pathId(c));
    return c.json({});
  });
}
