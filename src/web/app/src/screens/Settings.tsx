import { useEffect, useState } from "preact/hooks";
import { getToken, patch } from "../lib/api.ts";
import { signOut } from "../lib/auth.ts";
import { setPreference, preferences } from "../lib/prefs.ts";
import { me, toast, useValue } from "../lib/store.ts";
import type { CredentialAccount, Visibility } from "../lib/types.ts";
import { Icon } from "../components/Icon.tsx";
import { VISIBILITY } from "../components/Status.tsx";
import { Filters, MutesAndBlocks } from "./SettingsLists.tsx";

const SECTIONS = [
  { key: "profile", label: "Profile" },
  { key: "privacy", label: "Privacy & fediverse" },
  { key: "preferences", label: "Preferences" },
  { key: "filters", label: "Filters" },
  { key: "blocks", label: "Mutes & blocks" },
  { key: "account", label: "Account" },
] as const;

/** PATCH update_credentials with a form (multipart, so pictures can go along); updates the signed-in account. */
async function saveCredentials(data: FormData): Promise<boolean> {
  try {
    me.set(await patch<CredentialAccount>("/api/v1/accounts/update_credentials", data));
    toast("Saved");
    return true;
  } catch (err) {
    toast(`Not saved: ${(err as Error).message}`);
    return false;
  }
}

function Switch(props: { id: string; label: string; hint?: string; checked: boolean; onChange: (v: boolean) => void; disabled?: boolean }) {
  return (
    <div class="switch-row">
      <div>
        <label for={props.id} class="switch-label">{props.label}</label>
        {props.hint ? <p class="hint" id={`${props.id}-hint`}>{props.hint}</p> : null}
      </div>
      <input
        id={props.id}
        type="checkbox"
        role="switch"
        class="switch"
        checked={props.checked}
        disabled={props.disabled}
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
        onChange={(e) => props.onChange((e.target as HTMLInputElement).checked)}
      />
    </div>
  );
}

function ImagePicker({ id, label, current, wide, onPick }: { id: string; label: string; current: string; wide?: boolean; onPick: (f: File | null) => void }) {
  const [preview, setPreview] = useState<string | null>(null);
  return (
    <div class={`image-picker ${wide ? "wide" : ""}`}>
      <img src={preview ?? current} alt="" />
      <label for={id} class="button small secondary">{label}</label>
      <input id={id} type="file" accept="image/png,image/jpeg,image/webp,image/gif" class="visually-hidden" onChange={(e) => {
        const f = (e.target as HTMLInputElement).files?.[0] ?? null;
        if (preview) URL.revokeObjectURL(preview);
        setPreview(f ? URL.createObjectURL(f) : null);
        onPick(f);
      }} />
    </div>
  );
}

function ProfileSettings({ account }: { account: CredentialAccount }) {
  const [name, setName] = useState(account.display_name);
  const [note, setNote] = useState(account.source.note);
  const [fields, setFields] = useState(() => {
    const list = account.source.fields.map((f) => ({ name: f.name, value: f.value }));
    while (list.length < 4) list.push({ name: "", value: "" });
    return list;
  });
  const [locked, setLocked] = useState(account.locked);
  const [bot, setBot] = useState(account.bot);
  const [avatar, setAvatar] = useState<File | null>(null);
  const [header, setHeader] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const data = new FormData();
    data.set("display_name", name);
    data.set("note", note);
    data.set("locked", String(locked));
    data.set("bot", String(bot));
    fields.forEach((f, i) => {
      data.set(`fields_attributes[${i}][name]`, f.name);
      data.set(`fields_attributes[${i}][value]`, f.value);
    });
    if (avatar) data.set("avatar", avatar);
    if (header) data.set("header", header);
    await saveCredentials(data);
    setBusy(false);
  };
  return (
    <form class="form" onSubmit={submit}>
      <div class="profile-images">
        <ImagePicker id="header-input" label="Change header" current={account.header} wide onPick={setHeader} />
        <ImagePicker id="avatar-input" label="Change picture" current={account.avatar} onPick={setAvatar} />
      </div>
      <div class="field">
        <label for="display-name">Name</label>
        <input id="display-name" type="text" maxLength={30} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      </div>
      <div class="field">
        <label for="bio">Bio</label>
        <textarea id="bio" rows={4} maxLength={500} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
      </div>
      <fieldset class="field">
        <legend>Links and facts</legend>
        <p class="hint">Up to four, shown on your profile. A link to a page that links back to your profile with rel="me" shows as verified.</p>
        {fields.map((f, i) => (
          <div class="field-pair">
            <label class="visually-hidden" for={`field-name-${i}`}>Label {i + 1}</label>
            <input id={`field-name-${i}`} type="text" placeholder="Label" maxLength={255} value={f.name}
              onInput={(e) => setFields(fields.map((x, j) => (j === i ? { ...x, name: (e.target as HTMLInputElement).value } : x)))} />
            <label class="visually-hidden" for={`field-value-${i}`}>Content {i + 1}</label>
            <input id={`field-value-${i}`} type="text" placeholder="Content" maxLength={255} value={f.value}
              onInput={(e) => setFields(fields.map((x, j) => (j === i ? { ...x, value: (e.target as HTMLInputElement).value } : x)))} />
          </div>
        ))}
      </fieldset>
      <Switch id="locked" label="Approve followers" hint="Review follow requests before people can follow you." checked={locked} onChange={setLocked} />
      <Switch id="bot" label="This is an automated account" checked={bot} onChange={setBot} />
      <button class="button" type="submit" disabled={busy}>{busy ? "Saving…" : "Save profile"}</button>
    </form>
  );
}

function PrivacySettings({ account }: { account: CredentialAccount }) {
  const sharing = account.source.fediverse_sharing !== false;
  const [busy, setBusy] = useState(false);
  const save = async (key: string, value: boolean) => {
    setBusy(true);
    const data = new FormData();
    data.set(key, String(value));
    await saveCredentials(data);
    setBusy(false);
  };
  return (
    <div class="form">
      <div class="fedi-card">
        <Switch
          id="fediverse-sharing"
          label="Share with the fediverse"
          hint={
            sharing
              ? "On: people on Mastodon and other fediverse servers can find you, follow you and see your public posts. Turning this off removes your profile and posts from other servers and ends follows from there."
              : "Off: your profile and posts stay on this server. Turn it on to let people on other fediverse servers follow you; it takes effect from then on."
          }
          checked={sharing}
          disabled={busy}
          onChange={(v) => {
            if (!v && !confirm("Stop sharing with the fediverse? Other servers will be asked to delete your profile and posts, and your followers there will be removed.")) return;
            void save("source[fediverse_sharing]", v);
          }}
        />
      </div>
      <Switch id="discoverable" label="Suggest my profile to others" checked={account.source.discoverable ?? false} disabled={busy} onChange={(v) => save("discoverable", v)} />
      <Switch id="indexable" label="Let search engines and post search find my public posts" checked={account.source.indexable ?? false} disabled={busy} onChange={(v) => save("indexable", v)} />
      <Switch id="hide-collections" label="Hide who I follow and who follows me" checked={account.source.hide_collections ?? false} disabled={busy} onChange={(v) => save("hide_collections", v)} />
    </div>
  );
}

function Preferences({ account }: { account: CredentialAccount }) {
  const prefs = useValue(preferences);
  const [busy, setBusy] = useState(false);
  const save = async (key: string, value: string) => {
    setBusy(true);
    const data = new FormData();
    data.set(key, value);
    await saveCredentials(data);
    setBusy(false);
  };
  return (
    <div class="form">
      <h2 class="section-title">Posting</h2>
      <div class="field">
        <label for="default-visibility">Who can see new posts by default</label>
        <select id="default-visibility" value={account.source.privacy} disabled={busy}
          onChange={(e) => save("source[privacy]", (e.target as HTMLSelectElement).value)}>
          {(["public", "unlisted", "private"] as Visibility[]).map((v) => (
            <option value={v}>{VISIBILITY[v].label} — {VISIBILITY[v].hint}</option>
          ))}
        </select>
      </div>
      <Switch id="default-sensitive" label="Mark my pictures as sensitive by default" checked={account.source.sensitive} disabled={busy}
        onChange={(v) => save("source[sensitive]", String(v))} />
      <div class="field">
        <label for="post-language">Language of my posts</label>
        <input id="post-language" type="text" maxLength={3} placeholder="e.g. en" value={account.source.language ?? ""} disabled={busy}
          onChange={(e) => save("source[language]", (e.target as HTMLInputElement).value.trim())} />
      </div>
      <h2 class="section-title">Reading (this browser)</h2>
      <div class="field">
        <label for="theme">Appearance</label>
        <select id="theme" value={prefs.theme} onChange={(e) => setPreference("theme", (e.target as HTMLSelectElement).value as "auto")}>
          <option value="auto">Same as the device</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </div>
      <Switch id="show-sensitive" label="Always show sensitive media" checked={prefs.showSensitive} onChange={(v) => setPreference("showSensitive", v)} />
      <Switch id="expand-warnings" label="Always expand posts with content warnings" checked={prefs.expandWarnings} onChange={(v) => setPreference("expandWarnings", v)} />
    </div>
  );
}

function AccountSection({ account }: { account: CredentialAccount }) {
  const isAdmin = account.role?.permissions === "1";
  return (
    <div class="form">
      <p>Signed in as <strong>@{account.acct}@{location.host}</strong>.</p>
      <div class="link-list">
        <a href="/bookmarks">Bookmarks</a>
        <a href="/favourites">Likes</a>
        <a href="/about">About this server</a>
        {isAdmin ? <a href="/admin">Server administration</a> : null}
      </div>
      <h2 class="section-title">Account and security</h2>
      <div class="link-list">
        <a href="/settings/password">Change password</a>
        <a href="/settings/apps">Authorized apps</a>
        <a href="/settings/export">Export your data</a>
        <a href="/settings/delete">Delete account</a>
      </div>
      <p class="hint">These open on the server's own pages, which may ask you to sign in again.</p>
      <button type="button" class="button secondary" onClick={async () => {
        await signOut(getToken());
        location.assign("/");
      }}>
        <Icon name="logout" size={18} /> Sign out
      </button>
    </div>
  );
}

export function Settings({ section }: { section: string }) {
  const account = useValue(me);
  const current = SECTIONS.find((s) => s.key === section) ?? SECTIONS[0];
  useEffect(() => {
    document.title = `${current.label} · Settings · Weft`;
  }, [current.key]);
  if (!account) return null;
  return (
    <section class="screen settings" aria-labelledby="settings-title">
      <div class="screen-head">
        <h1 id="settings-title" tabIndex={-1}>Settings</h1>
      </div>
      <nav class="tabs scroll" aria-label="Settings sections">
        {SECTIONS.map((s) => (
          <a href={`/settings/${s.key}`} class={`tab ${s.key === current.key ? "active" : ""}`} aria-current={s.key === current.key ? "page" : undefined}>
            {s.label}
          </a>
        ))}
      </nav>
      <div class="settings-body">
        <h2 class="visually-hidden">{current.label}</h2>
        {current.key === "profile" ? <ProfileSettings account={account} key={account.id} /> : null}
        {current.key === "privacy" ? <PrivacySettings account={account} /> : null}
        {current.key === "preferences" ? <Preferences account={account} /> : null}
        {current.key === "filters" ? <Filters /> : null}
        {current.key === "blocks" ? <MutesAndBlocks /> : null}
        {current.key === "account" ? <AccountSection account={account} /> : null}
      </div>
    </section>
  );
}
