import type { Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { loadInstanceFacts } from "../../domain/hydrate.ts";
import { readRegistrationSettings } from "../../domain/instance-settings.ts";
import { serializeInstanceV2 } from "../entities/instance.ts";
import { instanceLimits } from "../v1/instance.ts";

export function mount(routes: Hono, app: WeftApp): void {
  routes.get("/api/v2/instance", async (c) => {
    const [facts, registrations] = await Promise.all([loadInstanceFacts(app.ctx), readRegistrationSettings(app.ctx)]);
    return c.json(serializeInstanceV2(facts, instanceLimits(), app.config, registrations));
  });
}
