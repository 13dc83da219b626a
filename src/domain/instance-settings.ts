import type { Ctx } from "./context.ts";
import type { RegistrationsMode } from "./hydrate.ts";

/*
 * The settings an admin changes from the admin page, kept in instance_settings as JSON values
 * under the keys the rest of Weft reads (loadInstanceFacts, registrationsMode, defaultFederating).
 */

export interface AdminSettings {
  siteTitle: string;
  siteShortDescription: string;
  siteDescription: string;
  /** one rule a line */
  rules: string[];
  registrationsMode: RegistrationsMode;
  /** whether new accounts share with the fediverse until they change it */
  defaultFederating: boolean;
}

const KEYS = {
  siteTitle: "site_title",
  siteShortDescription: "site_short_description",
  siteDescription: "site_description",
  rules: "rules",
  registrationsMode: "registrations_mode",
  defaultFederating: "default_federating",
} as const satisfies Record<keyof AdminSettings, string>;

const LIMITS = { siteTitle: 100, siteShortDescription: 500, siteDescription: 5000, rule: 500, rules: 50 };

export async function readAdminSettings(ctx: Ctx): Promise<AdminSettings> {
  const rows = await ctx.db.selectFrom("instance_settings").selectAll().where("key", "in", Object.values(KEYS)).execute();
  const values = new Map<string, unknown>();
  for (const row of rows) {
    try {
      values.set(row.key, JSON.parse(row.value));
    } catch {
      // unreadable: the default below
    }
  }
  const str = (key: string) => (typeof values.get(key) === "string" ? (values.get(key) as string) : "");
  const rules = values.get(KEYS.rules);
  const mode = values.get(KEYS.registrationsMode);
  return {
    siteTitle: str(KEYS.siteTitle),
    siteShortDescription: str(KEYS.siteShortDescription),
    siteDescription: str(KEYS.siteDescription),
    rules: Array.isArray(rules)
      ? rules.flatMap((r) => (typeof r === "string" ? [r] : r && typeof r.text === "string" ? [r.text as string] : []))
      : [],
    registrationsMode: mode === "approval" || mode === "closed" ? mode : "open",
    defaultFederating: values.get(KEYS.defaultFederating) !== false,
  };
}

/** Trims and bounds what an admin typed; returns what was stored. */
export async function saveAdminSettings(ctx: Ctx, input: AdminSettings): Promise<AdminSettings> {
  const clean: AdminSettings = {
    siteTitle: input.siteTitle.trim().slice(0, LIMITS.siteTitle),
    siteShortDescription: input.siteShortDescription.trim().slice(0, LIMITS.siteShortDescription),
    siteDescription: input.siteDescription.trim().slice(0, LIMITS.siteDescription),
    rules: input.rules.map((r) => r.trim().slice(0, LIMITS.rule)).filter(Boolean).slice(0, LIMITS.rules),
    registrationsMode: ["open", "approval", "closed"].includes(input.registrationsMode) ? input.registrationsMode : "open",
    defaultFederating: input.defaultFederating,
  };
  await ctx.db.transaction().execute(async (tx) => {
    for (const [field, key] of Object.entries(KEYS) as Array<[keyof AdminSettings, string]>) {
      const value = JSON.stringify(clean[field]);
      await tx
        .insertInto("instance_settings")
        .values({ key, value })
        .onConflict((oc) => oc.column("key").doUpdateSet({ value }))
        .execute();
    }
  });
  return clean;
}

/** How sign-up works here, as the instance entities announce it and registrations.ts applies it. */
export interface RegistrationSettings {
  mode: RegistrationsMode;
  /** the minimum age to sign up (`min_age`); null when none is asked */
  minAge: number | null;
  /** a sign-up waiting for approval must say why (`require_invite_text`) */
  reasonRequired: boolean;
  /** shown while sign-up is closed (`closed_registrations_message`, plain text); null when none */
  closedMessage: string | null;
}

const REGISTRATION_KEYS = ["registrations_mode", "min_age", "require_invite_text", "closed_registrations_message"];

export async function readRegistrationSettings(ctx: Ctx): Promise<RegistrationSettings> {
  const rows = await ctx.db.selectFrom("instance_settings").selectAll().where("key", "in", REGISTRATION_KEYS).execute();
  const values = new Map<string, unknown>();
  for (const row of rows) {
    try {
      values.set(row.key, JSON.parse(row.value));
    } catch {
      // unreadable: the default below
    }
  }
  const mode = values.get("registrations_mode");
  const age = values.get("min_age");
  const message = values.get("closed_registrations_message");
  return {
    // "none" is Mastodon's name for closed, as registrations.ts reads it too.
    mode: mode === "approval" || mode === "closed" ? mode : mode === "none" ? "closed" : "open",
    minAge: typeof age === "number" && age > 0 ? age : null,
    reasonRequired: mode === "approval" && values.get("require_invite_text") === true,
    closedMessage: typeof message === "string" && message.trim() ? message : null,
  };
}

export interface LocalAccountRow {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  admin: boolean;
  approved: boolean;
  federating: boolean;
  statusesCount: number;
  createdAt: string;
  lastActiveAt: string | null;
}

/** Local accounts, newest first, for the admin page. */
export async function listAccountsForAdmin(ctx: Ctx, limit = 200): Promise<LocalAccountRow[]> {
  const rows = await ctx.db
    .selectFrom("users")
    .innerJoin("accounts", "accounts.id", "users.account_id")
    .select([
      "accounts.id",
      "accounts.username",
      "accounts.display_name",
      "accounts.federating",
      "accounts.statuses_count",
      "users.email",
      "users.admin",
      "users.approved",
      "users.created_at",
      "users.last_active_at",
    ])
    .where("accounts.deleted_at", "is", null)
    .orderBy("users.created_at", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    email: r.email,
    admin: r.admin === 1,
    approved: r.approved === 1,
    federating: r.federating === 1,
    statusesCount: r.statuses_count,
    createdAt: r.created_at,
    lastActiveAt: r.last_active_at,
  }));
}

/** Lets a sign-up that waited for approval in. Returns false when there was nobody to approve. */
export async function approveAccount(ctx: Ctx, accountId: string): Promise<boolean> {
  const result = await ctx.db
    .updateTable("users")
    .set({ approved: 1 })
    .where("account_id", "=", accountId)
    .where("approved", "=", 0)
    .executeTakeFirst();
  ctx.log.info({ accountId }, "admin approved an account");
  return Number(result.numUpdatedRows) > 0;
}
