import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { authenticateLocalUser, createAuthorizationCode, type SignInUser } from "../../domain/oauth.ts";
import { readParams, stringParam } from "../body.ts";
import { checkAuthorizeRequest, OOB, redirectWith, type AuthorizeRequest } from "./authorize-request.ts";
import { codePage, consentPage, errorPage, signInPage } from "./pages.ts";
import { csrfToken, csrfValid, readSession, startSession } from "./session.ts";

/*
 * GET /oauth/authorize shows a sign-in form (or, for a browser already signed in, a consent
 * screen); POST /oauth/authorize signs in if credentials came with it, then issues a one-time
 * code and sends the browser back to the client's redirect URI.
 */
export function mountAuthorize(routes: Hono, app: WeftApp): void {
  routes.get("/oauth/authorize", async (c) => {
    noStore(c);
    const check = await checkAuthorizeRequest(app.ctx, await readParams(c));
    if (check.kind === "page") return c.html(errorPage({ title: "Authorization failed", message: check.message }), 400);
    if (check.kind === "redirect") return redirectError(c, check);
    const request = check.request;
    const user = request.forceLogin ? null : await readSession(c, app);
    return user ? renderConsent(c, app, request, user) : renderSignIn(c, app, request);
  });

  routes.post("/oauth/authorize", async (c) => {
    noStore(c);
    const params = await readParams(c);
    if (!(await csrfValid(c, app, stringParam(params.authenticity_token)))) {
      return c.html(errorPage({
        title: "Authorization failed",
        message: "This form has expired or did not come from this site. Go back, reload the page and try again.",
      }), 403);
    }
    const check = await checkAuthorizeRequest(app.ctx, params);
    if (check.kind === "page") return c.html(errorPage({ title: "Authorization failed", message: check.message }), 400);
    if (check.kind === "redirect") return redirectError(c, check);
    const request = check.request;

    if (stringParam(params.decision) === "deny") {
      return redirectError(c, { redirectUri: request.redirectUri, error: "access_denied", state: request.state });
    }

    const login = stringParam(params.username);
    const password = stringParam(params.password);
    let user: SignInUser | null;
    if (login !== undefined || password !== undefined) {
      user = await authenticateLocalUser(app.ctx, login ?? "", password ?? "");
      if (!user) return renderSignIn(c, app, request, "Invalid username, e-mail address or password.", login, 401);
      if (!user.approved) {
        return renderSignIn(c, app, request, "Your account is still awaiting approval by the server's staff.", login, 403);
      }
      await startSession(c, app, user.account.id);
    } else {
      user = await readSession(c, app);
      if (!user) return renderSignIn(c, app, request, "Please sign in to continue.", undefined, 401);
    }

    const code = await createAuthorizationCode(app.ctx, {
      appId: request.app.id,
      accountId: user.account.id,
      redirectUri: request.redirectUri,
      scopes: request.scopes.join(" "),
      codeChallenge: request.codeChallenge,
      codeChallengeMethod: request.codeChallengeMethod,
    });
    if (request.redirectUri === OOB) return c.html(codePage({ app: request.app, code }));
    return c.redirect(redirectWith(request.redirectUri, { code, state: request.state }), 302);
  });
}

function noStore(c: Context): void {
  c.header("Cache-Control", "no-store");
  c.header("X-Frame-Options", "DENY");
  // No form-action: browsers apply it to the redirect after the form, which leaves this origin.
  c.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'");
  c.header("Referrer-Policy", "same-origin");
}

async function redirectError(
  c: Context,
  err: { redirectUri: string; error: string; description?: string; state: string | undefined },
): Promise<Response> {
  if (err.redirectUri === OOB) {
    return c.html(errorPage({ title: "Authorization failed", message: err.description ?? err.error }), 400);
  }
  return c.redirect(redirectWith(err.redirectUri, {
    error: err.error,
    error_description: err.description,
    state: err.state,
  }), 302);
}

async function renderSignIn(
  c: Context,
  app: WeftApp,
  request: AuthorizeRequest,
  error?: string,
  login?: string,
  status: 200 | 401 | 403 = 200,
): Promise<Response> {
  const csrf = await csrfToken(c, app);
  return c.html(signInPage({
    app: request.app,
    host: app.config.url.host,
    scopes: request.scopes,
    fields: request.fields,
    csrf,
    error,
    login,
  }), status);
}

async function renderConsent(c: Context, app: WeftApp, request: AuthorizeRequest, user: SignInUser): Promise<Response> {
  const csrf = await csrfToken(c, app);
  const switchUrl = new URL("/oauth/authorize", app.config.url);
  for (const [k, v] of Object.entries(request.fields)) if (v) switchUrl.searchParams.set(k, v);
  switchUrl.searchParams.set("force_login", "true");
  return c.html(consentPage({
    app: request.app,
    host: app.config.url.host,
    scopes: request.scopes,
    fields: request.fields,
    csrf,
    username: user.account.username,
    switchAccountUrl: `${switchUrl.pathname}${switchUrl.search}`,
  }));
}
