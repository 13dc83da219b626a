import { useEffect, useState } from "preact/hooks";
import { loadRelationships, relationshipAction } from "../lib/actions.ts";
import { displayName } from "../lib/format.ts";
import { knownRelationship, knownRequested, me, useRelationship, useValue } from "../lib/store.ts";
import type { Account } from "../lib/types.ts";
import { resetFeed } from "./Timeline.tsx";

export function FollowButton({ account }: { account: Account }) {
  const viewer = useValue(me);
  const rel = useRelationship(account.id);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!knownRelationship(account.id)) void loadRelationships([account.id]).catch(() => {});
  }, [account.id]);
  if (viewer?.id === account.id) return null;
  const following = rel?.following;
  const requested = rel?.requested;
  const label = following ? "Following" : requested ? "Requested" : rel?.followed_by ? "Follow back" : "Follow";
  const act = async () => {
    setBusy(true);
    const after = await relationshipAction(account.id, following || requested ? "unfollow" : "follow");
    // The home feed changes with who the reader follows.
    resetFeed("home");
    setBusy(false);
    // A follow of someone on another server is a request until their server accepts it, which takes a moment.
    if (after?.requested && !account.locked) {
      for (const wait of [1000, 2000, 4000, 8000]) {
        await new Promise((r) => setTimeout(r, wait));
        await loadRelationships([account.id]).catch(() => {});
        if (!knownRequested(account.id)) break;
      }
    }
  };
  return (
    <button
      type="button"
      class={`button small ${following || requested ? "secondary" : ""}`}
      disabled={busy || !rel}
      onClick={act}
    >
      {label}
      <span class="visually-hidden"> {displayName(account)}</span>
    </button>
  );
}
