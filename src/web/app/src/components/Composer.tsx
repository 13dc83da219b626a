import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { post, put } from "../lib/api.ts";
import { displayName, htmlToText } from "../lib/format.ts";
import { composer, instance, lastPosted, me, putStatus, toast, useValue } from "../lib/store.ts";
import type { MediaAttachment, Status, Visibility } from "../lib/types.ts";
import { Avatar, Name } from "./Account.tsx";
import { Dialog } from "./Dialog.tsx";
import { Icon } from "./Icon.tsx";
import { VISIBILITY } from "./Status.tsx";
import { prependToFeed } from "./Timeline.tsx";

/*
 * Writing a post: text, up to four pictures each with its description (alt text), or a poll; a
 * content warning; who may see it. Pictures upload as soon as they are picked, so posting is
 * quick; descriptions are saved with PUT /api/v1/media/:id just before the post is sent.
 */

interface Upload {
  key: string;
  file: File;
  preview: string;
  description: string;
  media?: MediaAttachment;
  error?: string;
}

const ORDER: Visibility[] = ["public", "unlisted", "private", "direct"];
const DURATIONS = [
  [300, "5 minutes"],
  [3600, "1 hour"],
  [21600, "6 hours"],
  [86400, "1 day"],
  [259200, "3 days"],
  [604800, "7 days"],
] as const;

/** A reply is never more visible than what it replies to. */
function narrowest(a: Visibility, b: Visibility): Visibility {
  return ORDER[Math.max(ORDER.indexOf(a), ORDER.indexOf(b))];
}

function mentionsFor(replyTo: Status | undefined, myId: string | undefined): string {
  if (!replyTo) return "";
  const accts = [replyTo.account, ...replyTo.mentions]
    .filter((a) => a.id !== myId)
    .map((a) => `@${a.acct}`);
  return [...new Set(accts)].map((a) => `${a} `).join("");
}

function randomKey(): string {
  return crypto.randomUUID?.() ?? `${Date.now()}-${Math.random()}`;
}

export function ComposerDialog() {
  const state = useValue(composer);
  if (!state) return null;
  return <Composer replyTo={state.replyTo} initialText={state.text} onDone={() => composer.set(null)} />;
}

function Composer({ replyTo, initialText, onDone }: { replyTo?: Status; initialText?: string; onDone: () => void }) {
  const account = useValue(me);
  const server = useValue(instance);
  const max = server?.configuration.statuses.max_characters ?? 500;
  const maxMedia = server?.configuration.statuses.max_media_attachments ?? 4;
  const pollLimits = server?.configuration.polls ?? { max_options: 4, max_characters_per_option: 50, min_expiration: 300, max_expiration: 2629746 };
  const defaultVisibility = account?.source.privacy ?? "public";
  const [text, setText] = useState(() => initialText ?? mentionsFor(replyTo, account?.id));
  const [cwOn, setCwOn] = useState(!!replyTo?.spoiler_text);
  const [cw, setCw] = useState(replyTo?.spoiler_text ?? "");
  const [visibility, setVisibility] = useState<Visibility>(replyTo ? narrowest(defaultVisibility, replyTo.visibility) : defaultVisibility);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [sensitive, setSensitive] = useState(account?.source.sensitive ?? false);
  const [pollOn, setPollOn] = useState(false);
  const [options, setOptions] = useState(["", ""]);
  const [duration, setDuration] = useState(86400);
  const [multiple, setMultiple] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const idempotency = useMemo(randomKey, []);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const t = textRef.current;
    if (!t) return;
    t.focus();
    t.setSelectionRange(t.value.length, t.value.length);
  }, []);
  useEffect(() => () => uploads.forEach((u) => URL.revokeObjectURL(u.preview)), []);

  // Links count as 23 characters, as on Mastodon; a remote mention counts its username only.
  const length = [...text.replace(/https?:\/\/\S+/g, "x".repeat(23)).replace(/@(\w+)@[\w.:-]+/g, "@$1")].length + (cwOn ? [...cw].length : 0);
  const left = max - length;
  const uploading = uploads.some((u) => !u.media && !u.error);
  const pollReady = !pollOn || options.filter((o) => o.trim()).length >= 2;
  const empty = !text.trim() && !uploads.length;
  const canPost = !busy && !uploading && left >= 0 && !empty && pollReady && !uploads.some((u) => u.error);

  const upload = async (file: File, key: string) => {
    const data = new FormData();
    data.append("file", file);
    try {
      const media = await post<MediaAttachment>("/api/v2/media", data);
      setUploads((list) => list.map((u) => (u.key === key ? { ...u, media } : u)));
    } catch (err) {
      setUploads((list) => list.map((u) => (u.key === key ? { ...u, error: (err as Error).message } : u)));
    }
  };

  const addFiles = (files: FileList | null) => {
    if (!files) return;
    const room = maxMedia - uploads.length;
    const picked = [...files].slice(0, room);
    if (files.length > room) toast(`Up to ${maxMedia} pictures per post`);
    const added = picked.map((file) => ({ key: randomKey(), file, preview: URL.createObjectURL(file), description: "" }));
    setUploads((list) => [...list, ...added]);
    setPollOn(false);
    for (const u of added) void upload(u.file, u.key);
  };

  const submit = async (e?: Event) => {
    e?.preventDefault();
    if (!canPost) return;
    setBusy(true);
    setError(null);
    try {
      for (const u of uploads) {
        if (u.media && u.description.trim() !== (u.media.description ?? "")) {
          await put(`/api/v1/media/${u.media.id}`, { description: u.description.trim() });
        }
      }
      const body: Record<string, unknown> = {
        status: text,
        visibility,
        spoiler_text: cwOn ? cw : "",
        sensitive: uploads.length ? sensitive || cwOn : cwOn,
        media_ids: uploads.map((u) => u.media!.id),
      };
      if (replyTo) body.in_reply_to_id = replyTo.id;
      if (account?.source.language) body.language = account.source.language;
      if (pollOn) body.poll = { options: options.map((o) => o.trim()).filter(Boolean), expires_in: duration, multiple };
      const status = await post<Status>("/api/v1/statuses", body, { headers: { "idempotency-key": idempotency } });
      putStatus(status);
      prependToFeed("home", status);
      if (account) prependToFeed(`account:${account.id}:${replyTo ? "replies" : "posts"}`, status);
      lastPosted.set(status);
      toast(replyTo ? "Reply posted" : "Posted");
      onDone();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const title = replyTo ? `Reply to ${displayName(replyTo.account)}` : "New post";
  return (
    <Dialog label={title} labelledBy="composer-title" onClose={() => {
      if (!empty && !busy && !confirm("Discard this post?")) return;
      onDone();
    }} class="composer-dialog">
      <form class="composer" onSubmit={submit} onKeyDown={(e) => {
        if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) void submit();
      }}>
        <header class="composer-head">
          <button type="button" class="button text" onClick={() => {
            if (!empty && !confirm("Discard this post?")) return;
            onDone();
          }}>Cancel</button>
          <h2 id="composer-title">{title}</h2>
          <span class="spacer" />
        </header>
        {replyTo ? (
          <div class="composer-replying">
            <Avatar account={replyTo.account} size={28} link={false} />
            <div>
              <Name account={replyTo.account} /> <span class="handle">@{replyTo.account.acct}</span>
              <p class="reply-quote-text">{replyTo.spoiler_text || htmlToText(replyTo.content).slice(0, 200)}</p>
            </div>
          </div>
        ) : null}
        <div class="composer-body">
          {account ? <Avatar account={account} size={40} link={false} /> : null}
          <div class="composer-fields">
            {account ? <p class="composer-who"><Name account={account} /></p> : null}
            {cwOn ? (
              <>
                <label class="visually-hidden" for="composer-cw">Content warning</label>
                <input id="composer-cw" class="cw-input" type="text" placeholder="Content warning (shown before the post)" value={cw} onInput={(e) => setCw((e.target as HTMLInputElement).value)} />
              </>
            ) : null}
            <label class="visually-hidden" for="composer-text">Post text</label>
            <textarea
              id="composer-text"
              ref={textRef}
              rows={4}
              placeholder={replyTo ? "Write a reply…" : "What's new?"}
              value={text}
              onInput={(e) => {
                const t = e.target as HTMLTextAreaElement;
                setText(t.value);
                t.style.height = "auto";
                t.style.height = `${Math.min(t.scrollHeight, 480)}px`;
              }}
              onPaste={(e) => {
                if (e.clipboardData?.files.length) {
                  e.preventDefault();
                  addFiles(e.clipboardData.files);
                }
              }}
            />
            {uploads.length ? (
              <ul class="uploads">
                {uploads.map((u, i) => (
                  <li class="upload">
                    <img src={u.preview} alt="" />
                    <div class="upload-fields">
                      <label for={`alt-${u.key}`}>Description (alt text) for picture {i + 1}</label>
                      <textarea
                        id={`alt-${u.key}`}
                        rows={2}
                        maxLength={server?.configuration.media_attachments.description_limit ?? 1500}
                        placeholder="Describe it for people who can't see it"
                        value={u.description}
                        onInput={(e) => {
                          const v = (e.target as HTMLTextAreaElement).value;
                          setUploads((list) => list.map((x) => (x.key === u.key ? { ...x, description: v } : x)));
                        }}
                      />
                      <p class="small muted" role="status">{u.error ? <span class="error-text">Upload failed: {u.error}</span> : u.media ? "Uploaded" : "Uploading…"}</p>
                    </div>
                    <button type="button" class="icon-button" aria-label={`Remove picture ${i + 1}`} onClick={() => {
                      URL.revokeObjectURL(u.preview);
                      setUploads((list) => list.filter((x) => x.key !== u.key));
                    }}>
                      <Icon name="close" size={18} />
                    </button>
                  </li>
                ))}
              </ul>
            ) : null}
            {uploads.length ? (
              <label class="check"><input type="checkbox" checked={sensitive || cwOn} disabled={cwOn} onChange={(e) => setSensitive((e.target as HTMLInputElement).checked)} /> Mark pictures as sensitive</label>
            ) : null}
            {pollOn ? (
              <fieldset class="poll-editor">
                <legend>Poll</legend>
                {options.map((o, i) => (
                  <div class="poll-editor-row">
                    <label class="visually-hidden" for={`poll-option-${i}`}>Choice {i + 1}</label>
                    <input id={`poll-option-${i}`} type="text" placeholder={`Choice ${i + 1}`} maxLength={pollLimits.max_characters_per_option} value={o}
                      onInput={(e) => {
                        const v = (e.target as HTMLInputElement).value;
                        setOptions((list) => list.map((x, j) => (j === i ? v : x)));
                      }} />
                    {options.length > 2 ? (
                      <button type="button" class="icon-button" aria-label={`Remove choice ${i + 1}`} onClick={() => setOptions((list) => list.filter((_, j) => j !== i))}>
                        <Icon name="close" size={18} />
                      </button>
                    ) : null}
                  </div>
                ))}
                {options.length < pollLimits.max_options ? (
                  <button type="button" class="button text" onClick={() => setOptions((list) => [...list, ""])}>Add a choice</button>
                ) : null}
                <div class="poll-editor-row">
                  <label for="poll-duration">Ends in</label>
                  <select id="poll-duration" value={duration} onChange={(e) => setDuration(Number((e.target as HTMLSelectElement).value))}>
                    {DURATIONS.filter(([s]) => s >= pollLimits.min_expiration && s <= pollLimits.max_expiration).map(([s, label]) => (
                      <option value={s}>{label}</option>
                    ))}
                  </select>
                  <label class="check"><input type="checkbox" checked={multiple} onChange={(e) => setMultiple((e.target as HTMLInputElement).checked)} /> Several choices</label>
                </div>
              </fieldset>
            ) : null}
          </div>
        </div>
        {error ? <p class="error-box" role="alert">{error}</p> : null}
        <footer class="composer-foot">
          <div class="composer-tools">
            <input ref={fileRef} type="file" accept={server?.configuration.media_attachments.supported_mime_types.join(",") ?? "image/*"} multiple hidden
              onChange={(e) => {
                addFiles((e.target as HTMLInputElement).files);
                (e.target as HTMLInputElement).value = "";
              }} />
            <button type="button" class="icon-button" aria-label="Add pictures" disabled={pollOn || uploads.length >= maxMedia} onClick={() => fileRef.current?.click()}>
              <Icon name="image" />
            </button>
            <button type="button" class={`icon-button ${pollOn ? "on" : ""}`} aria-label={pollOn ? "Remove poll" : "Add a poll"} aria-pressed={pollOn} disabled={uploads.length > 0} onClick={() => setPollOn(!pollOn)}>
              <Icon name="poll" />
            </button>
            <button type="button" class={`icon-button ${cwOn ? "on" : ""}`} aria-label="Content warning" aria-pressed={cwOn} onClick={() => setCwOn(!cwOn)}>
              <Icon name="warning" />
            </button>
            <label class="visually-hidden" for="composer-visibility">Who can see this</label>
            <select id="composer-visibility" class="visibility-select" value={visibility} onChange={(e) => setVisibility((e.target as HTMLSelectElement).value as Visibility)}>
              {ORDER.map((v) => (
                <option value={v}>{VISIBILITY[v].label}</option>
              ))}
            </select>
          </div>
          <span class={`counter ${left < 0 ? "over" : left < 20 ? "near" : ""}`} aria-live="polite" aria-label={`${left} characters left`}>{left}</span>
          <button type="submit" class="button" disabled={!canPost}>{busy ? "Posting…" : replyTo ? "Reply" : "Post"}</button>
        </footer>
      </form>
    </Dialog>
  );
}
