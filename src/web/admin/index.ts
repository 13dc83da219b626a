import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { readParams, stringParam, type Params } from "../../api/body.ts";
import { csrfToken, csrfValid, endSession, readSession, startSession } from "../../api/oauth/session.ts";
import { isId } from "../../domain/ids.ts";
import { approveAccount, listAccountsForAdmin, readAdminSettings, saveAdminSettings } from "../../domain/instance-settings.ts";
import { authenticateLocalUser, type SignInUser } from "../../domain/oauth.ts";
import { siteName } from "../pages/respond.ts";
import { adminMessagePage, adminPage, adminSignInPage } from "./pages.ts";

/*
 * /admin: instance settings and the list of local accounts. Mastodon's API has no endpoint for
 * site settings, so this is a server-rendered page on the browser session of the OAuth pages
 * (the cookie set when someone signs in at /oauth/authorize), for admins only, with the same
 * CSRF tokens as those pages.
 */

const POLICY = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function secure(c: Context): void {
  c.header("Cache-Control", "no-store");
  c.header("X-Frame-Options", "DENY");
  c.header("Content-Security-Policy", POLICY);
  c.header("Referrer-Policy", "same-origin");
}

async function admin(c: Context, app: WeftApp): Promise<SignInUser | null> {
  const user = await readSession(c, app);
  if (!user) return null;
  const row = await app.ctx.db.selectFrom("users").select("admin").where("account_id", "=", user.account.id).executeTakeFirst();
  return row?.admin === 1 ? user : null;
}

const NOTICES: Record<string, string> = { saved: "Settings saved.", approved: "Account approved." };

export function mountAdmin(routes: Hono, app: WeftApp): void {
  const { ctx } = app;

  const render = async (c: Context, notice?: string): Promise<Response> => {
    const user = await readSession(c, app);
    const name = await siteName(ctx);
    if (!user) return c.html(adminSignInPage({ siteName: name, csrf: await csrfToken(c, app) }));
    const me = await admin(c, app);
    if (!me) return c.html(adminMessagePage("Admins only", `@${user.account.username} is not an admin of this server.`), 403);
    const [settings, accounts] = await Promise.all([readAdminSettings(ctx), listAccountsForAdmin(ctx)]);
    return c.html(adminPage({
      siteName: name,
      host: app.config.url.host,
      username: me.account.username,
      csrf: await csrfToken(c, app),
      settings,
      accounts,
      notice,
    }));
  };

  routes.get("/admin", async (c) => {
    secure(c);
    return render(c, NOTICES[c.req.query("done") ?? ""]);
  });

  /** Every form here posts the CSRF token; a request without a valid one changes nothing. */
  const checked = async (c: Context): Promise<Params | Response> => {
    secure(c);
    const params = await readParams(c);
    if (!(await csrfValid(c, app, stringParam(params.authenticity_token)))) {
      return c.html(adminMessagePage("Form expired", "This form has expired or did not come from this site. Go back, reload the page and try again."), 403);
    }
    return params;
  };

  routes.post("/admin/sign-in", async (c) => {
    const params = await checked(c);
    if (params instanceof Response) return params;
    const login = stringParam(params.username) ?? "";
    const user = await authenticateLocalUser(ctx, login, stringParam(params.password) ?? "");
    const name = await siteName(ctx);
    if (!user || !user.approved) {
      return c.html(adminSignInPage({ siteName: name, csrf: await csrfToken(c, app), error: "Invalid username, e-mail address or password.", login }), 401);
    }
    await startSession(c, app, user.account.id);
    return c.redirect("/admin", 303);
  });

  routes.post("/admin/sign-out", async (c) => {
    const params = await checked(c);
    if (params instanceof Response) return params;
    endSession(c);
    return c.redirect("/admin", 303);
  });

  routes.post("/admin/settings", async (c) => {
    const params = await checked(c);
    if (params instanceof Response) return params;
    if (!(await admin(c, app))) return c.html(adminMessagePage("Admins only", "Sign in as an admin to change settings."), 403);
    const text = (key: string) => stringParam(params[key]) ?? "";
    const mode = text("registrations_mode");
    await saveAdminSettings(ctx, {
      siteTitle: text("site_title"),
      siteShortDescription: text("site_short_description"),
      siteDescription: text("site_description"),
      rules: text("rules").split(/\r?\n/),
      registrationsMode: mode === "approval" || mode === "closed" ? mode : "open",
      defaultFederating: text("default_federating") !== "off",
    });
    app.log.info({ admin: (await readSession(c, app))?.account.username }, "instance settings changed");
    return c.redirect("/admin?done=saved", 303);
  });

  routes.post("/admin/accounts/:id/approve", async (c) => {
    const params = await checked(c);
    if (params instanceof Response) return params;
    if (!(await admin(c, app))) return c.html(adminMessagePage("Admins only", "Sign in as an admin to approve accounts."), 403);
    const id = c.req.param("id");
    if (isId(id)) await approveAccount(ctx, id);
    return c.redirect("/admin?done=approved", 303);
  });
}
