import { useState } from "preact/hooks";
import { post } from "../lib/api.ts";
import { count, timeLeft, useNow } from "../lib/format.ts";
import { me, patchStatus, toast, useValue } from "../lib/store.ts";
import type { Poll as PollT, Status } from "../lib/types.ts";
import { emojify } from "./Account.tsx";

/** A poll: choices to vote on, or, once voted, closed or the reader's own, results as bars. */
export function Poll({ status, poll }: { status: Status; poll: PollT }) {
  const now = useNow();
  const viewer = useValue(me);
  const [choices, setChoices] = useState<number[]>([]);
  const [busy, setBusy] = useState(false);
  const own = viewer?.id === status.account.id;
  const expired = poll.expired || (poll.expires_at !== null && Date.parse(poll.expires_at) <= now);
  const showResults = poll.voted || expired || own;
  const total = poll.multiple ? (poll.voters_count ?? poll.votes_count) : poll.votes_count;
  const name = `poll-${status.id}`;

  const vote = async (e: Event) => {
    e.preventDefault();
    if (!choices.length) return;
    setBusy(true);
    try {
      const updated = await post<PollT>(`/api/v1/polls/${poll.id}/votes`, { choices: choices.map(String) });
      patchStatus(status.id, { poll: updated });
    } catch (err) {
      toast(`Your vote was not counted: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  const footer = (
    <p class="poll-footer muted">
      {count(poll.voters_count ?? poll.votes_count)} {(poll.voters_count ?? poll.votes_count) === 1 ? "person" : "people"}
      {" · "}
      {expired ? "Final results" : poll.expires_at ? timeLeft(poll.expires_at, now) : "Open"}
    </p>
  );

  if (showResults) {
    const max = Math.max(...poll.options.map((o) => o.votes_count ?? 0));
    return (
      <div class="poll">
        <ul class="poll-results" aria-label="Poll results">
          {poll.options.map((o, i) => {
            const votes = o.votes_count ?? 0;
            const pct = total > 0 ? Math.round((votes / total) * 100) : 0;
            const mine = poll.own_votes?.includes(i);
            return (
              <li class={`poll-result ${votes === max && max > 0 ? "leading" : ""}`}>
                <span class="poll-bar" style={{ width: `${pct}%` }} aria-hidden="true" />
                <span class="poll-label">
                  <span dangerouslySetInnerHTML={{ __html: emojify(escapeText(o.title), poll.emojis) }} />
                  {mine ? <span class="pill">Your vote</span> : null}
                </span>
                <span class="poll-pct">{pct}%<span class="visually-hidden">, {votes} votes</span></span>
              </li>
            );
          })}
        </ul>
        {footer}
      </div>
    );
  }

  return (
    <form class="poll" onSubmit={vote}>
      <fieldset>
        <legend class="visually-hidden">{poll.multiple ? "Choose one or more" : "Choose one"}</legend>
        {poll.options.map((o, i) => (
          <label class="poll-option">
            <input
              type={poll.multiple ? "checkbox" : "radio"}
              name={name}
              value={i}
              checked={choices.includes(i)}
              onChange={(e) => {
                const on = (e.target as HTMLInputElement).checked;
                setChoices((c) => (poll.multiple ? (on ? [...c, i] : c.filter((x) => x !== i)) : [i]));
              }}
            />
            <span dangerouslySetInnerHTML={{ __html: emojify(escapeText(o.title), poll.emojis) }} />
          </label>
        ))}
      </fieldset>
      <div class="poll-actions">
        <button class="button" type="submit" disabled={busy || !choices.length}>Vote</button>
        {footer}
      </div>
    </form>
  );
}

function escapeText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
