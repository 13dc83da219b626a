import { useEffect, useState } from "preact/hooks";
import { get } from "../lib/api.ts";
import { loadRelationships } from "../lib/actions.ts";
import { domainOf, displayName } from "../lib/format.ts";
import { incoming, lastPosted, putStatus, putStatuses, useStatus, useValue } from "../lib/store.ts";
import type { Context, Status } from "../lib/types.ts";
import { StatusCard } from "../components/Status.tsx";
import { BackButton } from "../components/BackButton.tsx";

interface Reply {
  id: string;
  depth: number;
}

/** Replies in reading order: each reply followed by the replies to it, indented (at most three levels). */
function order(focusId: string, descendants: Status[]): Reply[] {
  const children = new Map<string, Status[]>();
  for (const s of descendants) {
    const list = children.get(s.in_reply_to_id ?? "") ?? [];
    list.push(s);
    children.set(s.in_reply_to_id ?? "", list);
  }
  const out: Reply[] = [];
  const seen = new Set<string>();
  const walk = (parent: string, depth: number) => {
    const list = (children.get(parent) ?? []).sort((a, b) => a.created_at.localeCompare(b.created_at));
    for (const s of list) {
      if (seen.has(s.id)) continue;
      seen.add(s.id);
      out.push({ id: s.id, depth: Math.min(depth, 3) });
      walk(s.id, depth + 1);
    }
  };
  walk(focusId, 0);
  // Replies whose parent is not in the thread (not fetched yet) still show.
  for (const s of descendants) if (!seen.has(s.id)) out.push({ id: s.id, depth: 0 });
  return out;
}

/** A post with everything above it and every reply to it, from every server, with their likes and reposts. */
export function Thread({ id }: { id: string }) {
  const focus = useStatus(id);
  const [context, setContext] = useState<{ ancestors: string[]; descendants: Status[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const live = useValue(incoming);
  const mine = useValue(lastPosted);

  const load = async () => {
    try {
      const [status, ctx] = await Promise.all([get<Status>(`/api/v1/statuses/${id}`), get<Context>(`/api/v1/statuses/${id}/context`)]);
      putStatus(status);
      putStatuses(ctx.ancestors);
      putStatuses(ctx.descendants);
      setContext({ ancestors: ctx.ancestors.map((s) => s.id), descendants: ctx.descendants });
      void loadRelationships([status.account.id]).catch(() => {});
    } catch (err) {
      setError((err as Error).message);
    }
  };

  useEffect(() => {
    void load();
    // Replies between people other than the reader reach this server without a stream event; look again now and then.
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") void load();
    }, 30_000);
    return () => clearInterval(timer);
  }, [id]);

  // A reply arriving live (streamed, or the reader's own) joins the thread at once.
  useEffect(() => {
    for (const s of [live, mine]) {
      if (!s || !context) continue;
      const inThread = s.in_reply_to_id === id || context.descendants.some((d) => d.id === s.in_reply_to_id);
      if (inThread && !context.descendants.some((d) => d.id === s.id)) {
        putStatus(s);
        setContext({ ...context, descendants: [...context.descendants, s] });
      }
    }
  }, [live, mine, context]);

  useEffect(() => {
    if (focus) document.title = `${displayName(focus.account)}: post · Weft`;
  }, [focus?.id]);

  const replies = context ? order(id, context.descendants) : [];
  const servers = new Set(context?.descendants.map((s) => domainOf(s.account) ?? location.host));
  return (
    <section class="screen" aria-labelledby="thread-title">
      <div class="screen-head">
        <BackButton />
        <h1 id="thread-title" tabIndex={-1}>Thread</h1>
      </div>
      {error && !focus ? <p class="error-box" role="alert">This post could not be loaded: {error}</p> : null}
      {!focus && !error ? <div class="loading" role="status">Loading…</div> : null}
      {context?.ancestors.map((a) => <StatusCard key={a} id={a} showParent={false} threadLine />)}
      {focus ? <StatusCard id={id} focus showParent={false} /> : null}
      {context ? (
        <section class="replies" aria-labelledby="replies-title">
          <h2 id="replies-title" class="replies-title">
            {replies.length ? `${replies.length} ${replies.length === 1 ? "reply" : "replies"}` : "No replies yet"}
            {servers.size > 1 ? <span class="muted"> from {servers.size} servers</span> : null}
          </h2>
          <div role="feed" aria-labelledby="replies-title">
            {replies.map((r) => (
              <div class={`reply depth-${r.depth}`} key={r.id}>
                <StatusCard id={r.id} showParent={false} />
              </div>
            ))}
          </div>
        </section>
      ) : null}
    </section>
  );
}
