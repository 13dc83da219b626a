import type { PollView } from "../../domain/hydrate.ts";
import type { MastodonCustomEmoji } from "./emoji.ts";
import { isoDate } from "./format.ts";

export interface MastodonPoll {
  id: string;
  expires_at: string | null;
  expired: boolean;
  multiple: boolean;
  votes_count: number;
  /** counted for multiple-choice polls; null otherwise, as Mastodon documents */
  voters_count: number | null;
  options: Array<{ title: string; votes_count: number | null }>;
  emojis: MastodonCustomEmoji[];
  /** only when a user is signed in */
  voted?: boolean;
  own_votes?: number[];
}

export function serializePoll(view: PollView): MastodonPoll {
  const p = view.poll;
  const multiple = p.multiple === 1;
  const out: MastodonPoll = {
    id: p.id,
    expires_at: isoDate(p.expires_at),
    expired: view.expired,
    multiple,
    votes_count: p.votes_count,
    voters_count: multiple ? (p.voters_count ?? 0) : null,
    options: view.options.map((o) => ({ title: o.title, votes_count: o.votesCount })),
    emojis: [],
  };
  if (view.ownVotes !== null) {
    out.voted = view.voted ?? false;
    out.own_votes = view.ownVotes;
  }
  return out;
}
