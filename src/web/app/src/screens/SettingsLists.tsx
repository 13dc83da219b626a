import { useEffect, useState } from "preact/hooks";
import { ApiError, del, get, page, post } from "../lib/api.ts";
import { relationshipAction } from "../lib/actions.ts";
import { toast } from "../lib/store.ts";
import type { Account, Filter } from "../lib/types.ts";
import { AccountLine, Avatar } from "../components/Account.tsx";

const CONTEXTS = [
  ["home", "Home and lists"],
  ["notifications", "Notifications"],
  ["public", "Public feeds"],
  ["thread", "Conversations"],
  ["account", "Profiles"],
] as const;

/** Keyword filters (API v2): hide or put behind a warning the posts that match. */
export function Filters() {
  const [filters, setFilters] = useState<Filter[] | null>(null);
  const [keyword, setKeyword] = useState("");
  const [contexts, setContexts] = useState<string[]>(["home", "notifications", "public", "thread"]);
  const [action, setAction] = useState<"warn" | "hide">("warn");
  const [error, setError] = useState<string | null>(null);
  const load = () => get<Filter[]>("/api/v2/filters").then(setFilters, (err) => setError((err as Error).message));
  useEffect(() => void load(), []);
  const add = async (e: Event) => {
    e.preventDefault();
    if (!keyword.trim() || !contexts.length) return;
    try {
      await post("/api/v2/filters", {
        title: keyword.trim(),
        context: contexts,
        filter_action: action,
        keywords_attributes: [{ keyword: keyword.trim(), whole_word: true }],
      });
      setKeyword("");
      await load();
    } catch (err) {
      toast(`Filter not added: ${(err as Error).message}`);
    }
  };
  return (
    <div class="form">
      <p class="hint">Posts containing these words are hidden, or shown behind a warning, wherever you choose.</p>
      {error ? <p class="error-box" role="alert">{error}</p> : null}
      <ul class="plain-list">
        {filters?.map((f) => (
          <li class="list-row">
            <div>
              <strong>{f.keywords.map((k) => k.keyword).join(", ") || f.title}</strong>
              <p class="small muted">{f.filter_action === "hide" ? "Hidden" : "Warning"} in {f.context.join(", ")}</p>
            </div>
            <button type="button" class="button small secondary" aria-label={`Delete filter ${f.title}`} onClick={async () => {
              await del(`/api/v2/filters/${f.id}`).catch((err) => toast((err as Error).message));
              await load();
            }}>Delete</button>
          </li>
        ))}
        {filters && !filters.length ? <li class="muted">No filters.</li> : null}
      </ul>
      <form onSubmit={add} class="filter-form">
        <h2 class="section-title">Add a filter</h2>
        <div class="field">
          <label for="filter-keyword">Word or phrase</label>
          <input id="filter-keyword" type="text" value={keyword} onInput={(e) => setKeyword((e.target as HTMLInputElement).value)} />
        </div>
        <fieldset class="field">
          <legend>Where</legend>
          {CONTEXTS.map(([key, label]) => (
            <label class="check">
              <input type="checkbox" checked={contexts.includes(key)} onChange={(e) => {
                const on = (e.target as HTMLInputElement).checked;
                setContexts((c) => (on ? [...c, key] : c.filter((x) => x !== key)));
              }} /> {label}
            </label>
          ))}
        </fieldset>
        <fieldset class="field">
          <legend>What happens</legend>
          <label class="check"><input type="radio" name="filter-action" checked={action === "warn"} onChange={() => setAction("warn")} /> Show behind a warning</label>
          <label class="check"><input type="radio" name="filter-action" checked={action === "hide"} onChange={() => setAction("hide")} /> Hide completely</label>
        </fieldset>
        <button class="button" type="submit" disabled={!keyword.trim() || !contexts.length}>Add filter</button>
      </form>
    </div>
  );
}

function AccountList({ path, undo, undoLabel, empty }: { path: string; undo: "unmute" | "unblock"; undoLabel: string; empty: string }) {
  const [accounts, setAccounts] = useState<Account[] | null>(null);
  useEffect(() => {
    page<Account>(path, { limit: 80 }).then((p) => setAccounts(p.items), () => setAccounts([]));
  }, [path]);
  if (!accounts) return <div class="loading" role="status">Loading…</div>;
  if (!accounts.length) return <p class="muted">{empty}</p>;
  return (
    <ul class="account-list">
      {accounts.map((a) => (
        <li class="account-row">
          <Avatar account={a} size={36} />
          <div class="account-row-main"><AccountLine account={a} /></div>
          <button type="button" class="button small secondary" aria-label={`${undoLabel} @${a.acct}`} onClick={async () => {
            if (await relationshipAction(a.id, undo)) setAccounts(accounts.filter((x) => x.id !== a.id));
          }}>{undoLabel}</button>
        </li>
      ))}
    </ul>
  );
}

function DomainBlocks() {
  const [domains, setDomains] = useState<string[] | null>(null);
  const [missing, setMissing] = useState(false);
  const [domain, setDomain] = useState("");
  const load = () =>
    page<string>("/api/v1/domain_blocks", { limit: 200 }).then(
      (p) => setDomains(p.items),
      (err) => (err instanceof ApiError && err.status === 404 ? setMissing(true) : setDomains([])),
    );
  useEffect(() => void load(), []);
  if (missing) return <p class="muted">Blocking whole servers is not available on this server yet.</p>;
  const body = (d: string) => {
    const f = new FormData();
    f.set("domain", d);
    return f;
  };
  return (
    <>
      <ul class="plain-list">
        {domains?.map((d) => (
          <li class="list-row">
            <span>{d}</span>
            <button type="button" class="button small secondary" aria-label={`Unblock ${d}`} onClick={async () => {
              await del(`/api/v1/domain_blocks?domain=${encodeURIComponent(d)}`).catch((err) => toast((err as Error).message));
              await load();
            }}>Unblock</button>
          </li>
        ))}
        {domains && !domains.length ? <li class="muted">No servers blocked.</li> : null}
      </ul>
      <form class="inline-form" onSubmit={async (e) => {
        e.preventDefault();
        if (!domain.trim()) return;
        await post("/api/v1/domain_blocks", body(domain.trim())).catch((err) => toast((err as Error).message));
        setDomain("");
        await load();
      }}>
        <label for="block-domain">Block a server</label>
        <input id="block-domain" type="text" placeholder="example.social" value={domain} onInput={(e) => setDomain((e.target as HTMLInputElement).value)} />
        <button type="submit" class="button small">Block</button>
      </form>
    </>
  );
}

export function MutesAndBlocks() {
  return (
    <div class="form">
      <h2 class="section-title">Muted accounts</h2>
      <AccountList path="/api/v1/mutes" undo="unmute" undoLabel="Unmute" empty="Nobody is muted." />
      <h2 class="section-title">Blocked accounts</h2>
      <AccountList path="/api/v1/blocks" undo="unblock" undoLabel="Unblock" empty="Nobody is blocked." />
      <h2 class="section-title">Blocked servers</h2>
      <DomainBlocks />
    </div>
  );
}
