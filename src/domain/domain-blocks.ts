import { domainToASCII } from "node:url";
import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import { rejectFollowRequest, removeFromFollowers, unfollowAccount } from "./follows.ts";
import { newId, nowIso } from "./ids.ts";
import { applyPage, pageResult, type Page } from "./pagination.ts";

/*
 * A user's own block of a whole server (Mastodon's AccountDomainBlock): nothing from it reaches
 * them, and the follows between them and that server end, as Mastodon's
 * BlockDomainFromAccountService does.
 */

/** `Example.COM`, `https://example.com/path`, `bücher.example` → `example.com`, `xn--bcher-kva.example`; null if not a domain. */
export function normaliseDomain(input: string): string | null {
  let s = input.trim().toLowerCase();
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, "").replace(/[/?#].*$/, "").replace(/^@?[^@]*@/, "").replace(/\.$/, "");
  const m = /^([^:]+)(:\d{1,5})?$/.exec(s);
  if (!m) return null;
  const host = domainToASCII(m[1]);
  if (!host || host.length > 253 || !/^[a-z0-9.-]+$/.test(host) || !host.includes(".")) return null;
  return host + (m[2] ?? "");
}

export async function blockDomain(ctx: Ctx, accountId: string, input: string): Promise<void> {
  const domain = normaliseDomain(input);
  if (!domain) throw new DomainError("invalid", "Domain is invalid");
  if (domain === ctx.config.url.host.toLowerCase()) throw new DomainError("invalid", "Domain is this server");
  await ctx.db
    .insertInto("domain_blocks")
    .values({ id: newId(), account_id: accountId, domain, created_at: nowIso() })
    .onConflict((oc) => oc.columns(["account_id", "domain"]).doNothing())
    .execute();

  const there = ctx.db.selectFrom("accounts").select("id").where("domain", "=", domain);
  const [following, followers, requests] = await Promise.all([
    ctx.db.selectFrom("follows").select("target_account_id as id").where("account_id", "=", accountId).where("target_account_id", "in", there).execute(),
    ctx.db.selectFrom("follows").select("account_id as id").where("target_account_id", "=", accountId).where("account_id", "in", there).execute(),
    ctx.db.selectFrom("follow_requests").select("account_id as id").where("target_account_id", "=", accountId).where("account_id", "in", there).execute(),
  ]);
  // Each goes through the follow service, which tells the other server.
  for (const r of following) await unfollowAccount(ctx, accountId, r.id);
  for (const r of followers) await removeFromFollowers(ctx, accountId, r.id);
  for (const r of requests) await rejectFollowRequest(ctx, accountId, r.id);
}

export async function unblockDomain(ctx: Ctx, accountId: string, input: string): Promise<void> {
  const domain = normaliseDomain(input);
  if (!domain) return;
  await ctx.db.deleteFrom("domain_blocks").where("account_id", "=", accountId).where("domain", "=", domain).execute();
}

export interface DomainPage {
  domains: string[];
  keys: string[];
}

export async function domainBlocksOf(ctx: Ctx, accountId: string, page: Page): Promise<DomainPage> {
  const q = ctx.db.selectFrom("domain_blocks").select(["id", "domain"]).where("account_id", "=", accountId);
  const rows = pageResult(await applyPage(q, "id", page).execute(), page);
  return { domains: rows.map((r) => r.domain), keys: rows.map((r) => r.id) };
}

/** Which of `accountIds` live on a server `viewerId` blocks. */
export async function onBlockedDomains(ctx: Ctx, viewerId: string, accountIds: readonly string[]): Promise<Set<string>> {
  if (!accountIds.length) return new Set();
  const rows = await ctx.db
    .selectFrom("accounts")
    .innerJoin("domain_blocks", "domain_blocks.domain", "accounts.domain")
    .select("accounts.id")
    .where("domain_blocks.account_id", "=", viewerId)
    .where("accounts.id", "in", [...accountIds])
    .execute();
  return new Set(rows.map((r) => r.id));
}
