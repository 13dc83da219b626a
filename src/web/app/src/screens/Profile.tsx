import { useEffect, useState } from "preact/hooks";
import { ApiError, get, page } from "../lib/api.ts";
import { loadRelationships, relationshipAction } from "../lib/actions.ts";
import { count, displayName, domainOf } from "../lib/format.ts";
import { navigate, useRoute } from "../lib/router.ts";
import { accountByAcct, me, putAccount, useRelationship, useValue } from "../lib/store.ts";
import type { Account, SearchResults, Status } from "../lib/types.ts";
import { emojify, FediverseBadge, Name } from "../components/Account.tsx";
import { BackButton } from "../components/BackButton.tsx";
import { FollowButton } from "../components/FollowButton.tsx";
import { Icon } from "../components/Icon.tsx";
import { Timeline } from "../components/Timeline.tsx";

/** An account by its handle: known here, or looked up on its server (remote follow starts here). */
async function resolve(acct: string): Promise<Account> {
  try {
    return await get<Account>("/api/v1/accounts/lookup", { acct });
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 404 || !acct.includes("@")) throw err;
    const found = await get<SearchResults>("/api/v2/search", { q: `@${acct}`, resolve: true, type: "accounts", limit: 1 });
    const a = found.accounts[0];
    if (!a) throw new ApiError(404, `No account @${acct} was found`);
    return a;
  }
}

const TABS = [
  { key: "posts", label: "Posts", query: { exclude_replies: true } },
  { key: "replies", label: "Replies", query: {} },
  { key: "media", label: "Media", query: { only_media: true } },
] as const;

function Header({ account }: { account: Account }) {
  const viewer = useValue(me);
  const rel = useRelationship(account.id);
  const remote = domainOf(account);
  const mine = viewer?.id === account.id;
  const [menu, setMenu] = useState(false);
  return (
    <header class="profile-header">
      <div class="profile-top">
        <div class="profile-names">
          <h1 tabIndex={-1} class="profile-name"><Name account={account} /></h1>
          <p class="profile-handle">
            <span translate={false}>@{account.acct}{remote ? "" : `@${location.host}`}</span>
            <FediverseBadge account={account} withText />
          </p>
        </div>
        <img class="avatar profile-avatar" src={account.avatar} alt={`${displayName(account)}'s picture`} width={84} height={84} />
      </div>
      {account.note ? <div class="bio" dangerouslySetInnerHTML={{ __html: emojify(account.note, account.emojis) }} /> : null}
      {account.fields.length ? (
        <dl class="fields">
          {account.fields.map((f) => (
            <div class={`field-row ${f.verified_at ? "verified" : ""}`}>
              <dt dangerouslySetInnerHTML={{ __html: emojify(f.name.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`), account.emojis) }} />
              <dd>
                {f.verified_at ? <Icon name="check" size={16} label="Verified link" /> : null}
                <span dangerouslySetInnerHTML={{ __html: emojify(f.value, account.emojis) }} />
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
      <p class="profile-stats">
        <span><strong>{count(account.followers_count)}</strong> {account.followers_count === 1 ? "follower" : "followers"}</span>
        <span><strong>{count(account.following_count)}</strong> following</span>
        <span><strong>{count(account.statuses_count)}</strong> {account.statuses_count === 1 ? "post" : "posts"}</span>
        {rel?.followed_by && !mine ? <span class="pill">Follows you</span> : null}
      </p>
      <div class="profile-actions">
        {mine ? (
          <a class="button secondary wide" href="/settings/profile">Edit profile</a>
        ) : (
          <>
            <FollowButton account={account} />
            <div class="menu-wrap">
              <button type="button" class="icon-button" aria-haspopup="menu" aria-expanded={menu} aria-label="More options" onClick={() => setMenu(!menu)}>
                <Icon name="more" />
              </button>
              {menu ? (
                <ul class="menu" role="menu">
                  <li><button type="button" role="menuitem" onClick={() => { setMenu(false); void relationshipAction(account.id, rel?.muting ? "unmute" : "mute"); }}>{rel?.muting ? "Unmute" : "Mute"} @{account.username}</button></li>
                  <li><button type="button" role="menuitem" onClick={() => {
                    setMenu(false);
                    if (rel?.blocking || confirm(`Block @${account.acct}?`)) void relationshipAction(account.id, rel?.blocking ? "unblock" : "block");
                  }}>{rel?.blocking ? "Unblock" : "Block"} @{account.username}</button></li>
                </ul>
              ) : null}
            </div>
          </>
        )}
      </div>
      {remote ? (
        <p class="small muted remote-note">
          This profile is on {remote}; posts shown here are the ones this server has received.{" "}
          <a href={account.url} target="_blank" rel="noopener noreferrer">View on {remote}</a>
        </p>
      ) : null}
    </header>
  );
}

export function Profile({ acct }: { acct: string }) {
  const route = useRoute();
  const [account, setAccount] = useState<Account | null>(() => accountByAcct(acct) ?? null);
  const [error, setError] = useState<string | null>(null);
  const tabKey = TABS.some((t) => t.key === route.query.get("tab")) ? route.query.get("tab")! : "posts";
  const tab = TABS.find((t) => t.key === tabKey)!;
  useEffect(() => {
    resolve(acct).then(
      (a) => {
        putAccount(a);
        setAccount(a);
        void loadRelationships([a.id]).catch(() => {});
        // A handle typed in another case or form goes to the account's own.
        if (a.acct.toLowerCase() !== acct.toLowerCase()) navigate(`/@${a.acct}`, { replace: true });
      },
      (err) => setError((err as Error).message),
    );
  }, [acct]);
  useEffect(() => {
    if (account) document.title = `${displayName(account)} (@${account.acct}) · Weft`;
  }, [account?.id]);
  return (
    <section class="screen profile" aria-label="Profile">
      <div class="screen-head">
        <BackButton />
        <span class="screen-title" aria-hidden="true">{account ? displayName(account) : `@${acct}`}</span>
      </div>
      {error && !account ? (
        <div class="empty">
          <h1 tabIndex={-1}>@{acct}</h1>
          <p role="alert">{error}</p>
        </div>
      ) : null}
      {!account && !error ? <div class="loading" role="status">Loading…</div> : null}
      {account ? (
        <>
          <Header account={account} />
          <nav class="tabs" aria-label="Posts to show">
            {TABS.map((t) => (
              <a
                href={`/@${account.acct}${t.key === "posts" ? "" : `?tab=${t.key}`}`}
                class={`tab ${t.key === tabKey ? "active" : ""}`}
                aria-current={t.key === tabKey ? "page" : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(`/@${account.acct}${t.key === "posts" ? "" : `?tab=${t.key}`}`, { replace: true });
                }}
              >
                {t.label}
              </a>
            ))}
          </nav>
          <Timeline
            key={`${account.id}:${tabKey}`}
            cacheKey={`account:${account.id}:${tabKey}`}
            label={`${displayName(account)}: ${tab.label}`}
            load={(url) => page<Status>(url ?? `/api/v1/accounts/${account.id}/statuses`, url ? undefined : { limit: 20, ...tab.query })}
            empty={<p>No posts here yet.</p>}
          />
        </>
      ) : null}
    </section>
  );
}
