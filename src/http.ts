import { Hono } from "hono";
import type { WeftApp } from "./app.ts";
import { renderError } from "./api/errors.ts";
import { mountApi } from "./api/index.ts";
import { apiCors } from "./api/oauth/cors.ts";
import { rememberClientAddress } from "./api/rate-limit.ts";
import { handleFederationRequest } from "./federation/front.ts";
import { mountWeb } from "./web/index.ts";

/**
 * The whole HTTP surface: Fedify answers what is ActivityPub (actors, inboxes, WebFinger,
 * NodeInfo, objects asked for as JSON-LD); everything else falls through to Hono routes.
 */
export function createHttpApp(app: WeftApp): Hono {
  const hono = new Hono();
  hono.onError((err, c) => renderError(err, c, app.log));
  hono.notFound((c) => c.json({ error: "Not found" }, 404));
  // On the outer app so that Fedify's answers (NodeInfo, WebFinger) get CORS headers too.
  hono.use("*", apiCors());
  // Fedify and the inner routes only see the bare Request: note the client address while the socket is at hand.
  hono.use("*", rememberClientAddress());

  const routes = new Hono();
  routes.onError((err, c) => renderError(err, c, app.log));
  routes.notFound((c) => c.json({ error: "Not found" }, 404));
  routes.get("/health", (c) => c.text("OK"));
  mountApi(routes, app);
  mountWeb(routes, app);

  // Inbox limits, host-meta and Fedify; what they do not answer (or is asked for as HTML) goes to the routes.
  hono.all("*", (c) => handleFederationRequest(app, c.req.raw, (req) => routes.fetch(req)));
  return hono;
}
