import { useEffect, useState } from "preact/hooks";
import { ApiError, get } from "../lib/api.ts";
import { dropSession, finishSignIn, signUp, startSignIn } from "../lib/auth.ts";
import { htmlToText } from "../lib/format.ts";
import { navigate } from "../lib/router.ts";
import { instance, useValue } from "../lib/store.ts";
import type { Instance } from "../lib/types.ts";

function useInstance(): Instance | null {
  const server = useValue(instance);
  useEffect(() => {
    if (!server) get<Instance>("/api/v2/instance", undefined, { auth: false }).then((i) => instance.set(i), () => {});
  }, []);
  return server;
}

function Brand() {
  return (
    <svg class="welcome-logo" viewBox="0 0 64 64" width="56" height="56" aria-hidden="true">
      <rect width="64" height="64" rx="16" fill="currentColor" />
      <path class="logo-w" d="M14 20h8l6 20 4-14 4 14 6-20h8l-10 28h-7l-5-15-5 15h-7z" />
    </svg>
  );
}

/** What someone without a token sees: the server, and the ways in. */
export function Welcome() {
  const server = useInstance();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const signIn = async () => {
    setBusy(true);
    setError(null);
    try {
      await startSignIn({ returnTo: location.pathname === "/sign-in" ? "/" : location.pathname + location.search });
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  useEffect(() => {
    document.title = server?.title ?? "Weft";
  }, [server]);
  const open = server?.registrations.enabled;
  return (
    <main class="welcome" id="main">
      <Brand />
      <h1>{server?.title ?? "Weft"}</h1>
      <p class="muted">{server?.domain ?? location.host}</p>
      {server?.description ? <p class="welcome-text">{htmlToText(server.description)}</p> : null}
      <p class="welcome-text">Post, reply and follow people here and across the fediverse: Mastodon, Threads and thousands of other servers.</p>
      {error ? <p class="error-box" role="alert">{error}</p> : null}
      <div class="welcome-actions">
        <button type="button" class="button large" onClick={signIn} disabled={busy}>{busy ? "Opening sign-in…" : "Sign in"}</button>
        {open ? <a class="button large secondary" href="/sign-up">Create an account</a> : null}
      </div>
      {server && !open ? <p class="muted small">This server is not taking new accounts right now.</p> : null}
      <p class="small"><a href="/about">About this server</a></p>
    </main>
  );
}

/** POST /api/v1/accounts, then straight in (or told to wait for approval). */
export function SignUp() {
  const server = useInstance();
  const [form, setForm] = useState({ username: "", email: "", password: "", agreement: false, reason: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: Event) => {
    const t = e.target as HTMLInputElement;
    setForm({ ...form, [k]: t.type === "checkbox" ? t.checked : t.value });
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setMessage(null);
    try {
      await signUp({ ...form, reason: form.reason || undefined });
      location.assign("/");
    } catch (err) {
      if (err instanceof ApiError && err.details) {
        setErrors(Object.fromEntries(Object.entries(err.details).map(([k, v]) => [k, v.map((x) => x.description).join(", ")])));
      }
      setMessage((err as Error).message);
      setBusy(false);
    }
  };
  const approval = server?.registrations.approval_required;
  if (server && !server.registrations.enabled) {
    return (
      <main class="welcome" id="main">
        <h1>Sign-ups are closed</h1>
        <p>{server.title} is not taking new accounts right now.</p>
        <a class="button" href="/">Back</a>
      </main>
    );
  }
  const field = (k: "username" | "email" | "password", label: string, type: "text" | "email" | "password", autocomplete: string, hint?: string) => (
    <div class="field">
      <label for={`signup-${k}`}>{label}</label>
      {hint ? <p class="hint" id={`signup-${k}-hint`}>{hint}</p> : null}
      <input id={`signup-${k}`} type={type as "text"} autocomplete={autocomplete} required value={form[k]} onInput={set(k)}
        aria-invalid={errors[k] ? true : undefined} aria-describedby={[hint ? `signup-${k}-hint` : "", errors[k] ? `signup-${k}-error` : ""].join(" ").trim() || undefined}
        autocapitalize={k === "password" ? undefined : "none"} spellcheck={false} />
      {errors[k] ? <p class="error-text" id={`signup-${k}-error`}>{errors[k]}</p> : null}
    </div>
  );
  return (
    <main class="welcome narrow" id="main">
      <h1>Join {server?.title ?? "this server"}</h1>
      <form class="form" onSubmit={submit}>
        {message ? <p class="error-box" role="alert">{message}</p> : null}
        {field("username", "Username", "text", "username", `Your handle will be @name@${server?.domain ?? location.host}`)}
        {field("email", "E-mail address", "email", "email")}
        {field("password", "Password", "password", "new-password", "At least 8 characters")}
        {approval ? (
          <div class="field">
            <label for="signup-reason">Why do you want to join?</label>
            <p class="hint" id="signup-reason-hint">An admin reads this before approving your account.</p>
            <textarea id="signup-reason" aria-describedby="signup-reason-hint" value={form.reason} onInput={set("reason")} required />
          </div>
        ) : null}
        {server?.rules.length ? (
          <div class="rules">
            <h2>Server rules</h2>
            <ol>{server.rules.map((r) => <li key={r.id}>{r.text}</li>)}</ol>
          </div>
        ) : null}
        <label class="check">
          <input type="checkbox" checked={form.agreement} onChange={set("agreement")} required />
          I agree to the server rules{errors.agreement ? <span class="error-text"> — {errors.agreement}</span> : null}
        </label>
        <button class="button large" type="submit" disabled={busy}>{busy ? "Creating…" : "Create account"}</button>
        <p class="small">Already have an account? <button type="button" class="button text" onClick={() => startSignIn()}>Sign in</button></p>
      </form>
    </main>
  );
}

export function PendingApproval() {
  return (
    <main class="welcome" id="main">
      <h1>Almost there</h1>
      <p>Your account is waiting for an admin of this server to approve it. Come back later.</p>
      <button type="button" class="button secondary" onClick={() => {
        dropSession();
        location.assign("/");
      }}>Sign out</button>
    </main>
  );
}

/** Where Weft's sign-in page sends the browser back with a code. */
export function Callback({ onSignedIn }: { onSignedIn: (to: string) => void }) {
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    finishSignIn(new URLSearchParams(location.search)).then(
      (to) => onSignedIn(to),
      (err) => setError((err as Error).message),
    );
  }, []);
  return (
    <main class="welcome" id="main">
      {error ? (
        <>
          <h1>Sign-in did not finish</h1>
          <p role="alert">{error}</p>
          <button type="button" class="button" onClick={() => navigate("/", { replace: true })}>Back</button>
        </>
      ) : (
        <p role="status">Signing in…</p>
      )}
    </main>
  );
}
