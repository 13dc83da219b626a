import type { Context } from "@fedify/fedify";
import { Flag } from "@fedify/vocab";
import type { Ctx } from "../domain/context.ts";
import { flagObjects, getReports } from "../domain/reports.ts";
import { instanceActorUri, instanceSigner } from "./instance-actor.ts";
import type { FederationHandle } from "./lookup.ts";

/**
 * Forwards a report to the reported account's server as Mastodon does: a Flag naming the account
 * and the reported posts, with the comment as content, sent by the instance actor so that the
 * reporter stays anonymous.
 */
export async function deliverFlag(app: FederationHandle, fctx: Context<Ctx>, reportId: string): Promise<void> {
  const [report] = await getReports(app.ctx, [reportId]);
  if (!report?.uri) return;
  const objects = await flagObjects(app.ctx, report);
  if (!objects?.inbox) {
    app.ctx.log.info({ reportId }, "report not forwarded: the reported account is gone or has no inbox");
    return;
  }
  const flag = new Flag({
    id: new URL(report.uri),
    actor: instanceActorUri(app.ctx.config),
    content: report.comment,
    objects: [new URL(objects.accountUri), ...objects.statusUris.map((u) => new URL(u))],
  });
  const recipient = { id: new URL(objects.accountUri), inboxId: new URL(objects.inbox), endpoints: null };
  await fctx.sendActivity([await instanceSigner(app.ctx)], recipient, flag);
}
