import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { WeftApp } from "../../app.ts";
import { activeLocalUser, instanceSecret, type SignInUser } from "../../domain/oauth.ts";

/*
 * The browser session used by the authorization pages, so that a user who signed in once only
 * has to consent next time. The cookie holds `accountId.issuedAt.passwordTag` signed with HMAC-SHA256 under
 * the instance secret; it is HttpOnly and SameSite=Lax, and Secure when the instance is HTTPS.
 * CSRF: a random nonce in its own cookie, and in each form an HMAC of that nonce, so a form
 * posted from another site (which cannot read the cookie) carries no valid token.
 */

const SESSION_COOKIE = "weft_session";
const CSRF_COOKIE = "weft_csrf";
const SESSION_TTL_S = 14 * 24 * 60 * 60;

function sign(secret: string, purpose: string, value: string): string {
  return createHmac("sha256", secret).update(`${purpose}\n${value}`).digest("base64url");
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieOptions(app: WeftApp, maxAge: number) {
  return {
    path: "/",
    httpOnly: true,
    sameSite: "Lax" as const,
    secure: app.config.url.protocol === "https:",
    maxAge,
  };
}

/** The signed-in user of this browser, if the session cookie is valid and the user may still sign in. */
export async function readSession(c: Context, app: WeftApp): Promise<SignInUser | null> {
  const raw = getCookie(c, SESSION_COOKIE);
  if (!raw) return null;
  const [accountId, issuedAt, pw, mac] = raw.split(".");
  if (!accountId || !issuedAt || !pw || !mac) return null;
  const secret = await instanceSecret(app.ctx);
  if (!sameString(mac, sign(secret, "session", `${accountId}.${issuedAt}.${pw}`))) return null;
  // A password change signs out every browser: their cookies name the old password.
  if (!sameString(pw, await passwordTag(app, secret, accountId))) return null;
  if (Date.now() / 1000 - Number(issuedAt) > SESSION_TTL_S) return null;
  const user = await activeLocalUser(app.ctx, accountId);
  return user?.approved ? user : null;
}

/** A short keyed digest of the stored password hash: changes whenever the password does. */
async function passwordTag(app: WeftApp, secret: string, accountId: string): Promise<string> {
  const row = await app.ctx.db.selectFrom("users").select("password_hash").where("account_id", "=", accountId).executeTakeFirst();
  return sign(secret, "session-password", row?.password_hash ?? "").slice(0, 16);
}

export async function startSession(c: Context, app: WeftApp, accountId: string): Promise<void> {
  const secret = await instanceSecret(app.ctx);
  const payload = `${accountId}.${Math.floor(Date.now() / 1000)}.${await passwordTag(app, secret, accountId)}`;
  setCookie(c, SESSION_COOKIE, `${payload}.${sign(secret, "session", payload)}`, cookieOptions(app, SESSION_TTL_S));
}

export function endSession(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
}

/** The CSRF token to embed in this page's forms; sets the nonce cookie when the browser has none. */
export async function csrfToken(c: Context, app: WeftApp): Promise<string> {
  let nonce = getCookie(c, CSRF_COOKIE);
  if (!nonce || !/^[A-Za-z0-9_-]{22,64}$/.test(nonce)) {
    nonce = randomBytes(24).toString("base64url");
    setCookie(c, CSRF_COOKIE, nonce, cookieOptions(app, SESSION_TTL_S));
  }
  return sign(await instanceSecret(app.ctx), "csrf", nonce);
}

export async function csrfValid(c: Context, app: WeftApp, token: string | undefined): Promise<boolean> {
  const nonce = getCookie(c, CSRF_COOKIE);
  if (!nonce || !token) return false;
  return sameString(token, sign(await instanceSecret(app.ctx), "csrf", nonce));
}
