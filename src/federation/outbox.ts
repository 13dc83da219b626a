import type { Context } from "@fedify/fedify";
import { Accept, Block, Delete, Follow, PUBLIC_COLLECTION, Reject, Undo, Update, type Recipient } from "@fedify/vocab";
import type { Account } from "../domain/accounts.ts";
import type { Ctx } from "../domain/context.ts";
import { newId } from "../domain/ids.ts";
import type { OutboundActivity } from "../jobs/outbox.ts";
import type { JobRegistry } from "../jobs/worker.ts";
import { buildLocalActor } from "./actor.ts";
import { federationContext, type FederationHandle } from "./lookup.ts";
import { deliverStatusActivity } from "./outbox-statuses.ts";
import { deliverFlag } from "./flag.ts";

/**
 * Runs a "deliver" job: turns the domain description of an outbound activity into
 * ActivityStreams and hands it to Fedify, whose own queue signs, sends and retries per inbox.
 * Follow, Accept, Reject, Block and their Undos go to the one actor's personal inbox; profile
 * updates fan out to followers, once per server through shared inboxes.
 */
export async function handleDeliverJob(app: FederationHandle, activity: OutboundActivity): Promise<void> {
  const fctx = federationContext(app);
  switch (activity.type) {
    case "Follow":
    case "UndoFollow": {
      const [me, target] = await accounts(app, activity.accountId, activity.targetAccountId);
      if (!sendable(app, activity, me, target)) return;
      const follow = new Follow({ id: new URL(activity.uri), actor: new URL(me.uri), object: new URL(target.uri) });
      const sent =
        activity.type === "Follow"
          ? follow
          : new Undo({ id: new URL(`${activity.uri}/undo`), actor: new URL(me.uri), object: follow });
      await fctx.sendActivity({ identifier: me.username }, recipient(target), sent);
      return;
    }
    case "AcceptFollow":
    case "RejectFollow": {
      const [me, follower] = await accounts(app, activity.accountId, activity.followerId);
      if (!sendable(app, activity, me, follower)) return;
      const kind = activity.type === "AcceptFollow" ? "accepts" : "rejects";
      const values = {
        id: new URL(`${me.uri}#${kind}/follows/${newId()}`),
        actor: new URL(me.uri),
        object: new Follow({
          id: activity.followUri ? new URL(activity.followUri) : null,
          actor: new URL(follower.uri),
          object: new URL(me.uri),
        }),
      };
      const answer = activity.type === "AcceptFollow" ? new Accept(values) : new Reject(values);
      await fctx.sendActivity({ identifier: me.username }, recipient(follower), answer);
      return;
    }
    case "UpdateActor": {
      const [me] = await accounts(app, activity.accountId);
      if (!me || me.domain !== null || me.deleted_at || !me.federating) return;
      const update = new Update({
        id: new URL(`${me.uri}#updates/${newId()}`),
        actor: new URL(me.uri),
        to: PUBLIC_COLLECTION,
        cc: fctx.getFollowersUri(me.username),
        object: await buildLocalActor(fctx, me),
      });
      await fctx.sendActivity({ identifier: me.username }, "followers", update, { preferSharedInbox: true });
      return;
    }
    case "Block":
    case "UndoBlock": {
      const [me, target] = await accounts(app, activity.accountId, activity.targetAccountId);
      if (!sendable(app, activity, me, target)) return;
      const block = new Block({ id: new URL(activity.uri), actor: new URL(me.uri), object: new URL(target.uri) });
      const sent =
        activity.type === "Block"
          ? block
          : new Undo({ id: new URL(`${activity.uri}/undo`), actor: new URL(me.uri), object: block });
      await fctx.sendActivity({ identifier: me.username }, recipient(target), sent);
      return;
    }
    case "DeleteActor": {
      const [me] = await accounts(app, activity.accountId);
      if (!me || me.domain !== null || activity.inboxes.length === 0) return;
      const del = new Delete({
        // A fresh id each time: sharing switched off, on and off again is a second Delete, not a replay.
        id: new URL(`${activity.uri}#delete/${newId()}`),
        actor: new URL(activity.uri),
        to: PUBLIC_COLLECTION,
        object: new URL(activity.uri),
      });
      // The inboxes were listed when the account was deleted: its follows are gone by now.
      const inboxes: Recipient[] = [...new Set(activity.inboxes)].map((inbox) => ({
        id: new URL(inbox),
        inboxId: new URL(inbox),
        endpoints: null,
      }));
      await fctx.sendActivity({ identifier: me.username }, inboxes, del);
      return;
    }
    case "Flag":
      return deliverFlag(app, fctx as Context<Ctx>, activity.reportId);
    default:
      return deliverStatusActivity(app, fctx as Context<Ctx>, activity);
  }
}

async function accounts(app: FederationHandle, ...ids: string[]): Promise<Account[]> {
  const rows = await app.ctx.db.selectFrom("accounts").selectAll().where("id", "in", ids).execute();
  return ids.map((id) => rows.find((r) => r.id === id)!);
}

/**
 * A follow- or block-family delivery goes from a live, federating local account to a remote one.
 * Undo(Follow) and Reject also go from an account that just stopped federating: they end its follows.
 */
function sendable(app: FederationHandle, activity: OutboundActivity, me: Account | undefined, them: Account | undefined): boolean {
  const ending = activity.type === "UndoFollow" || activity.type === "RejectFollow";
  const ok =
    !!me && !!them && me.domain === null && !me.deleted_at && (!!me.federating || ending) && them.domain !== null && !!them.inbox_url;
  if (!ok) app.ctx.log.info({ activity: activity.type }, "delivery skipped: an account is gone, local or not federating");
  return ok;
}

function recipient(account: Account): Recipient {
  return {
    id: new URL(account.uri),
    inboxId: new URL(account.inbox_url!),
    endpoints: account.shared_inbox_url ? { sharedInbox: new URL(account.shared_inbox_url) } : null,
  };
}

/** Registers the "deliver" kind of Weft's queue (jobs/worker.ts) for this app. */
export function registerDeliverJobs(app: FederationHandle, jobs: JobRegistry): void {
  jobs.register("deliver", (job) => handleDeliverJob(app, job.activity));
}
