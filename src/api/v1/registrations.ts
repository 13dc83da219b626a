import type { Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { findAppById } from "../../domain/oauth.ts";
import { signUp, SignUpInvalid } from "../../domain/registrations.ts";
import { createAccessToken } from "../../domain/tokens.ts";
import { authenticate, currentAuth, requireScope } from "../auth.ts";
import { readParams, stringParam } from "../body.ts";
import { ApiError } from "../errors.ts";
import { boolParam } from "./status-params.ts";

/**
 * POST /api/v1/accounts: an app signs a user up and gets a token acting for the new account,
 * with the app's own scopes (Mastodon's AppSignUpService). While the sign-up awaits approval
 * the token exists but every user endpoint answers 403.
 */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx } = app;

  routes.post("/api/v1/accounts", authenticate(app), requireScope("write:accounts"), async (c) => {
    const caller = currentAuth(c)!;
    const client = caller.token.app_id ? await findAppById(ctx, caller.token.app_id) : undefined;
    if (!client) throw new ApiError(403, "This action is not allowed");
    const params = await readParams(c);
    let signedUp;
    try {
      signedUp = await signUp(ctx, {
        username: stringParam(params.username) ?? "",
        email: stringParam(params.email) ?? "",
        password: stringParam(params.password) ?? "",
        agreement: boolParam(params.agreement) === true,
        locale: stringParam(params.locale) || null,
        reason: stringParam(params.reason) || null,
        dateOfBirth: stringParam(params.date_of_birth) || null,
      });
    } catch (err) {
      if (err instanceof SignUpInvalid) return c.json({ error: `Validation failed: ${err.message}`, details: err.details }, 422);
      throw err;
    }
    const { token, row } = await createAccessToken(ctx, { accountId: signedUp.account.id, appId: client.id, scopes: client.scopes });
    c.header("Cache-Control", "no-store");
    return c.json({
      access_token: token,
      token_type: "Bearer",
      scope: row.scopes,
      created_at: Math.floor(Date.parse(row.created_at) / 1000),
    });
  });
}
