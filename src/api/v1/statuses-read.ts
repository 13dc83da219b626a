import type { Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { authenticate, optionalScope } from "../auth.ts";
import { pathId, statusJson, viewerOf, visibleStatus } from "./status-views.ts";

export function mount(routes: Hono, app: WeftApp): void {
  // Whatever the viewer may not see does not exist for them: 404, never 403 (visibleStatus).
  routes.get("/api/v1/statuses/:id{[0-9]+}", authenticate(app), optionalScope("read:statuses"), async (c) => {
    const viewer = viewerOf(c);
    const status = await visibleStatus(app, pathId(c), viewer);
    return c.json(await statusJson(app, status.id, viewer));
  });
}
