import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { readParams, stringParam, type Params } from "../../api/body.ts";
import { csrfToken, csrfValid, endSession, readSession, startSession } from "../../api/oauth/session.ts";
import { deleteLocalAccount } from "../../domain/account-deletion.ts";
import { CSV_KINDS, exportCsv, type CsvKind } from "../../domain/account-export.ts";
import { listAuthorizedApps, revokeAppForAccount } from "../../domain/authorized-apps.ts";
import { isId } from "../../domain/ids.ts";
import { authenticateLocalUser, type SignInUser } from "../../domain/oauth.ts";
import { changePassword, checkPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "../../domain/password-change.ts";
import { siteName } from "../pages/respond.ts";
import { buildPostsArchive } from "./archive.ts";
import { appsPage, deletePage, exportPage, messagePage, passwordPage, signInPage, type Frame } from "./pages.ts";

/*
 * /settings/password, /settings/apps, /settings/export and /settings/delete: the account settings
 * that Mastodon's client API has no endpoint for, server-rendered as on Mastodon. They use the
 * browser session of the OAuth pages (the cookie set at /oauth/authorize or /admin) and its CSRF
 * tokens; without a session they send the browser to a sign-in form that comes back here.
 * Mount before the web app, which otherwise answers every /settings/* path with its shell.
 */

const POLICY = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const PAGES = ["/settings/password", "/settings/apps", "/settings/export", "/settings/delete"];

function secure(c: Context): void {
  c.header("Cache-Control", "no-store");
  c.header("X-Frame-Options", "DENY");
  c.header("Content-Security-Policy", POLICY);
  c.header("Referrer-Policy", "same-origin");
}

function returnPath(raw: string | undefined): string {
  return raw && PAGES.includes(raw) ? raw : PAGES[0];
}

const SIGN_IN_NOTICES: Record<string, string> = {
  password: "Your password was changed and every session was signed out. Sign in with your new password.",
  signed_out: "You are signed out.",
};

const PASSWORD_ERRORS: Record<string, string> = {
  wrong_password: "The current password is not right.",
  too_short: `The new password must be at least ${MIN_PASSWORD_LENGTH} characters long.`,
  too_long: `The new password must be at most ${MAX_PASSWORD_LENGTH} characters long.`,
  mismatch: "The new password and its confirmation do not match.",
  same: "The new password is the same as the current one.",
};

export function mountSettings(routes: Hono, app: WeftApp): void {
  const { ctx } = app;
  /** Archives are built in memory: one at a time per account, so repeated clicks do not pile up. */
  const archiving = new Set<string>();

  const frame = async (c: Context, user: SignInUser): Promise<Frame> => ({
    siteName: await siteName(ctx),
    username: user.account.username,
    csrf: await csrfToken(c, app),
    current: c.req.path,
  });

  /** The signed-in user, or the redirect to the sign-in form that comes back to `back`. */
  const signedIn = async (c: Context, back: string): Promise<SignInUser | Response> => {
    const user = await readSession(c, app);
    return user ?? c.redirect(`/settings/sign-in?return_to=${encodeURIComponent(returnPath(back))}`, 303);
  };

  /** Every form here posts the CSRF token; a request without a valid one changes nothing. */
  const checked = async (c: Context): Promise<Params | Response> => {
    secure(c);
    const params = await readParams(c);
    if (!(await csrfValid(c, app, stringParam(params.authenticity_token)))) {
      return c.html(messagePage("Form expired", "This form has expired or did not come from this site. Go back, reload the page and try again."), 403);
    }
    return params;
  };

  routes.get("/settings/sign-in", async (c) => {
    secure(c);
    const returnTo = returnPath(c.req.query("return_to"));
    if (await readSession(c, app)) return c.redirect(returnTo, 303);
    return c.html(signInPage({
      siteName: await siteName(ctx),
      csrf: await csrfToken(c, app),
      returnTo,
      notice: SIGN_IN_NOTICES[c.req.query("done") ?? ""],
    }));
  });

  routes.post("/settings/sign-in", async (c) => {
    const params = await checked(c);
    if (params instanceof Response) return params;
    const returnTo = returnPath(stringParam(params.return_to));
    const login = stringParam(params.username) ?? "";
    const user = await authenticateLocalUser(ctx, login, stringParam(params.password) ?? "");
    if (!user || !user.approved) {
      const error = user ? "Your account is still awaiting approval by the server's staff." : "Invalid username, e-mail address or password.";
      return c.html(signInPage({ siteName: await siteName(ctx), csrf: await csrfToken(c, app), returnTo, error, login }), user ? 403 : 401);
    }
    await startSession(c, app, user.account.id);
    return c.redirect(returnTo, 303);
  });

  routes.post("/settings/sign-out", async (c) => {
    const params = await checked(c);
    if (params instanceof Response) return params;
    endSession(c);
    return c.redirect("/settings/sign-in?done=signed_out", 303);
  });

  routes.get("/settings/password", async (c) => {
    secure(c);
    const user = await signedIn(c, "/settings/password");
    if (user instanceof Response) return user;
    return c.html(passwordPage(await frame(c, user), { minLength: MIN_PASSWORD_LENGTH }));
  });

  routes.post("/settings/password", async (c) => {
    const params = await checked(c);
    if (params instanceof Response) return params;
    const user = await signedIn(c, "/settings/password");
    if (user instanceof Response) return user;
    const text = (key: string) => stringParam(params[key]) ?? "";
    const result = await changePassword(ctx, user.account.id, {
      current: text("current_password"),
      next: text("new_password"),
      confirmation: text("new_password_confirmation"),
    });
    if (!result.ok) {
      const status = result.reason === "wrong_password" ? 401 : 422;
      return c.html(passwordPage(await frame(c, user), { minLength: MIN_PASSWORD_LENGTH, error: PASSWORD_ERRORS[result.reason] }), status);
    }
    app.log.info({ account: user.account.username, revokedTokens: result.revokedTokens }, "password changed; all sessions signed out");
    endSession(c);
    return c.redirect("/settings/sign-in?done=password&return_to=%2Fsettings%2Fpassword", 303);
  });

  routes.get("/settings/apps", async (c) => {
    secure(c);
    const user = await signedIn(c, "/settings/apps");
    if (user instanceof Response) return user;
    const notice = c.req.query("done") === "revoked" ? "The app was signed out of your account." : undefined;
    return c.html(appsPage(await frame(c, user), { apps: await listAuthorizedApps(ctx, user.account.id), notice }));
  });

  routes.post("/settings/apps/:id/revoke", async (c) => {
    const params = await checked(c);
    if (params instanceof Response) return params;
    const user = await signedIn(c, "/settings/apps");
    if (user instanceof Response) return user;
    const id = c.req.param("id");
    if (isId(id)) await revokeAppForAccount(ctx, user.account.id, id);
    return c.redirect("/settings/apps?done=revoked", 303);
  });

  routes.get("/settings/export", async (c) => {
    secure(c);
    const user = await signedIn(c, "/settings/export");
    if (user instanceof Response) return user;
    return c.html(exportPage(await frame(c, user)));
  });

  routes.get("/settings/export/:file{[a-z_]+\\.csv}", async (c) => {
    secure(c);
    const user = await signedIn(c, "/settings/export");
    if (user instanceof Response) return user;
    const kind = c.req.param("file").replace(/\.csv$/, "") as CsvKind;
    if (!CSV_KINDS.includes(kind)) return c.html(messagePage("Not found", "There is no such export."), 404);
    c.header("Content-Type", "text/csv; charset=utf-8");
    c.header("Content-Disposition", `attachment; filename="${kind}.csv"`);
    return c.body(await exportCsv(ctx, user.account.id, kind));
  });

  routes.get("/settings/export/archive.zip", async (c) => {
    secure(c);
    const user = await signedIn(c, "/settings/export");
    if (user instanceof Response) return user;
    const id = user.account.id;
    if (archiving.has(id)) return c.html(messagePage("Archive on its way", "Your archive is being prepared in another download. Wait for it to finish."), 429);
    archiving.add(id);
    try {
      const bytes = await buildPostsArchive(ctx, user.account);
      const day = new Date().toISOString().slice(0, 10).replaceAll("-", "");
      c.header("Content-Type", "application/zip");
      c.header("Content-Disposition", `attachment; filename="archive-${day}-${user.account.username}.zip"`);
      return c.body(new Uint8Array(bytes));
    } finally {
      archiving.delete(id);
    }
  });

  routes.get("/settings/delete", async (c) => {
    secure(c);
    const user = await signedIn(c, "/settings/delete");
    if (user instanceof Response) return user;
    return c.html(deletePage(await frame(c, user), { host: app.config.url.host }));
  });

  routes.post("/settings/delete", async (c) => {
    const params = await checked(c);
    if (params instanceof Response) return params;
    const user = await signedIn(c, "/settings/delete");
    if (user instanceof Response) return user;
    if (!(await checkPassword(ctx, user.account.id, stringParam(params.password) ?? ""))) {
      return c.html(deletePage(await frame(c, user), { host: app.config.url.host, error: "The password is not right. Your account was not deleted." }), 401);
    }
    await deleteLocalAccount(ctx, user.account.id);
    app.log.info({ account: user.account.username }, "account deleted by its owner");
    endSession(c);
    return c.html(messagePage("Account deleted", `@${user.account.username} has been deleted. Other servers are being told to remove it too.`, { href: "/", label: "Go to the front page" }));
  });
}
