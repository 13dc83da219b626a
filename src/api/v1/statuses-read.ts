import type { Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { loadRelationships, loadStatuses } from "../../domain/hydrate.ts";
import { normaliseId } from "../../domain/ids.ts";
import { getStatus } from "../../domain/statuses.ts";
import { canView } from "../../domain/visibility.ts";
import { authenticate, currentAuth, optionalScope } from "../auth.ts";
import { serializeStatus } from "../entities/status.ts";
import { notFound } from "../errors.ts";

export function mount(routes: Hono, app: WeftApp): void {
  const { ctx, config } = app;

  routes.get("/api/v1/statuses/:id{[0-9]+}", authenticate(app), optionalScope("read:statuses"), async (c) => {
    const viewer = currentAuth(c)?.account?.id ?? null;
    const status = await getStatus(ctx, normaliseId(c.req.param("id")));
    // Whatever the viewer may not see does not exist for them: 404, never 403.
    if (!status || !(await canView(ctx.db, status, viewer))) throw notFound();
    if (status.reblog_of_id) {
      const original = await getStatus(ctx, status.reblog_of_id);
      if (!original || !(await canView(ctx.db, original, viewer))) throw notFound();
    }
    if (viewer && viewer !== status.account_id) {
      const [rel] = await loadRelationships(ctx, viewer, [status.account_id]);
      if (rel?.blockedBy) throw notFound();
    }
    const [view] = await loadStatuses(ctx, [status.id], viewer);
    if (!view) throw notFound();
    return c.json(serializeStatus(view, config));
  });
}
