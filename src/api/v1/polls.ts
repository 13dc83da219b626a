import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { loadStatuses } from "../../domain/hydrate.ts";
import { voteInPoll } from "../../domain/polls.ts";
import { authenticate, currentAccount, optionalScope, requireScope, requireUser } from "../auth.ts";
import { readParams } from "../body.ts";
import { serializePoll } from "../entities/poll.ts";
import { notFound, unprocessable } from "../errors.ts";
import { pathId, viewerOf, visibleStatus } from "./status-views.ts";

const ID = "{[0-9]+}";

/** Polls are shown and voted on as parts of their status: who cannot see the status cannot see the poll. */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx } = app;
  const auth = authenticate(app);

  const pollJson = async (pollId: string, viewer: string | null) => {
    const poll = await ctx.db.selectFrom("polls").select(["id", "status_id"]).where("id", "=", pollId).executeTakeFirst();
    if (!poll?.status_id) throw notFound();
    await visibleStatus(app, poll.status_id, viewer);
    const [view] = await loadStatuses(ctx, [poll.status_id], viewer);
    if (!view?.poll) throw notFound();
    return serializePoll(view.poll);
  };

  routes.get(`/api/v1/polls/:id${ID}`, auth, optionalScope("read:statuses"), async (c) => c.json(await pollJson(pathId(c), viewerOf(c))));

  routes.post(`/api/v1/polls/:id${ID}/votes`, auth, requireScope("write:statuses"), requireUser, async (c: Context) => {
    const me = currentAccount(c).id;
    const id = pathId(c);
    await pollJson(id, me);
    const raw = (await readParams(c)).choices;
    // JSON clients send numbers, forms send strings.
    const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    const choices = list.map((x) => (typeof x === "number" ? x : typeof x === "string" && x.trim() !== "" ? Number(x) : NaN));
    if (!choices.length || choices.some((n) => !Number.isInteger(n))) throw unprocessable("Choices must be option indexes");
    await voteInPoll(ctx, me, id, choices);
    return c.json(await pollJson(id, me));
  });
}
