import type { Account } from "./accounts.ts";
import { createLocalAccount } from "./accounts.ts";
import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import { notify } from "./notifications.ts";
import { inTx } from "./tx.ts";

/*
 * Sign-up through the API (Mastodon's AppSignUpService), following the instance's
 * registrations_mode: "open" creates a working account, "approval" one that waits for an
 * admin, "closed" none. Admins hear of every sign-up (admin.sign_up notifications).
 */

export type RegistrationsMode = "open" | "approval" | "closed";

export const PASSWORD_LENGTH = { min: 8, max: 72 } as const;
const USERNAME_MAX = 30;
/** Mastodon's default reserved usernames. */
const RESERVED = new Set(["admin", "support", "help", "root", "webmaster", "administrator", "mod", "moderator"]);
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const LOCALE_RE = /^[a-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/;

export interface SignUpInput {
  username: string;
  email: string;
  password: string;
  agreement: boolean;
  locale: string | null;
  reason: string | null;
  /** YYYY-MM-DD */
  dateOfBirth: string | null;
}

export interface FieldError {
  error: string;
  description: string;
}

/** Validation failures by field, in Mastodon's ValidationError shape (ERR_BLANK, ERR_TAKEN, …). */
export class SignUpInvalid extends DomainError {
  readonly details: Record<string, FieldError[]>;
  constructor(details: Record<string, FieldError[]>) {
    const human = Object.entries(details)
      .flatMap(([field, errors]) => errors.map((e) => `${humanise(field)} ${e.description}`))
      .join(", ");
    super("invalid", human);
    this.details = details;
  }
}

function humanise(field: string): string {
  const s = field.replace(/_/g, " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
}

async function setting<T>(ctx: Ctx, key: string): Promise<T | undefined> {
  const row = await ctx.db.selectFrom("instance_settings").select("value").where("key", "=", key).executeTakeFirst();
  if (!row) return undefined;
  try {
    return JSON.parse(row.value) as T;
  } catch {
    return undefined;
  }
}

export async function registrationsMode(ctx: Ctx): Promise<RegistrationsMode> {
  const mode = await setting<string>(ctx, "registrations_mode");
  return mode === "approval" || mode === "closed" ? mode : mode === "none" ? "closed" : "open";
}

/** The minimum age to sign up (instance setting `min_age`), or null when there is none. */
export async function minimumAge(ctx: Ctx): Promise<number | null> {
  const age = await setting<number>(ctx, "min_age");
  return typeof age === "number" && age > 0 ? age : null;
}

function ageOn(birth: Date, today: Date): number {
  let age = today.getUTCFullYear() - birth.getUTCFullYear();
  const m = today.getUTCMonth() - birth.getUTCMonth();
  if (m < 0 || (m === 0 && today.getUTCDate() < birth.getUTCDate())) age--;
  return age;
}

async function validate(ctx: Ctx, input: SignUpInput, mode: RegistrationsMode): Promise<Record<string, FieldError[]>> {
  const details: Record<string, FieldError[]> = {};
  const add = (field: string, error: string, description: string) => (details[field] ??= []).push({ error, description });

  const username = input.username.trim();
  if (!username) add("username", "ERR_BLANK", "can't be blank");
  else if (username.length > USERNAME_MAX) add("username", "ERR_TOO_LONG", `is too long (maximum is ${USERNAME_MAX} characters)`);
  else if (!/^[a-z0-9_]+$/i.test(username)) add("username", "ERR_INVALID", "must contain only letters, numbers and underscores");
  else if (RESERVED.has(username.toLowerCase())) add("username", "ERR_RESERVED", "is reserved");
  else {
    // A deleted account's username is never given out again: its URI may still be known elsewhere.
    const taken = await ctx.db
      .selectFrom("accounts")
      .select("id")
      .where("domain", "is", null)
      .where((eb) => eb(eb.fn("lower", ["username"]), "=", username.toLowerCase()))
      .executeTakeFirst();
    if (taken) add("username", "ERR_TAKEN", "has already been taken");
  }

  const email = input.email.trim();
  if (!email) add("email", "ERR_BLANK", "can't be blank");
  else if (!EMAIL_RE.test(email) || email.length > 320) add("email", "ERR_INVALID", "is invalid");
  else {
    const used = await ctx.db
      .selectFrom("users")
      .select("account_id")
      .where((eb) => eb(eb.fn("lower", ["email"]), "=", email.toLowerCase()))
      .executeTakeFirst();
    if (used) add("email", "ERR_TAKEN", "has already been taken");
  }

  if (!input.password) add("password", "ERR_BLANK", "can't be blank");
  else if (input.password.length < PASSWORD_LENGTH.min) {
    add("password", "ERR_TOO_SHORT", `is too short (minimum is ${PASSWORD_LENGTH.min} characters)`);
  } else if (input.password.length > PASSWORD_LENGTH.max) {
    add("password", "ERR_TOO_LONG", `is too long (maximum is ${PASSWORD_LENGTH.max} characters)`);
  }

  if (!input.agreement) add("agreement", "ERR_ACCEPTED", "must be accepted");
  if (input.locale && !LOCALE_RE.test(input.locale)) add("locale", "ERR_INCLUSION", "is not included in the list");
  if (mode === "approval" && (await setting<boolean>(ctx, "require_invite_text")) === true && !input.reason?.trim()) {
    add("reason", "ERR_BLANK", "can't be blank");
  }

  const minAge = await minimumAge(ctx);
  if (minAge !== null) {
    const birth = input.dateOfBirth && /^\d{4}-\d{2}-\d{2}$/.test(input.dateOfBirth) ? new Date(`${input.dateOfBirth}T00:00:00Z`) : null;
    if (!input.dateOfBirth) add("date_of_birth", "ERR_BLANK", "can't be blank");
    else if (!birth || Number.isNaN(birth.getTime())) add("date_of_birth", "ERR_INVALID", "is invalid");
    else if (ageOn(birth, new Date()) < minAge) add("date_of_birth", "ERR_BELOW_LIMIT", "is below the age limit");
  }
  return details;
}

export interface SignedUp {
  account: Account;
  approved: boolean;
}

/** Creates the account, or throws SignUpInvalid (422) or a "forbidden" DomainError when registrations are closed. */
export async function signUp(ctx: Ctx, input: SignUpInput): Promise<SignedUp> {
  const mode = await registrationsMode(ctx);
  if (mode === "closed") throw new DomainError("forbidden", "This action is not allowed");
  const details = await validate(ctx, input, mode);
  if (Object.keys(details).length) throw new SignUpInvalid(details);

  const approved = mode === "open";
  let account: Account;
  try {
    account = await createLocalAccount(ctx, {
      username: input.username.trim(),
      email: input.email.trim(),
      password: input.password,
      approved,
    });
  } catch (err) {
    // Someone took the name between the check and the insert.
    if (err instanceof DomainError && err.code === "taken") {
      throw new SignUpInvalid({ username: [{ error: "ERR_TAKEN", description: "has already been taken" }] });
    }
    throw err;
  }

  await inTx(ctx, async (tx, emit) => {
    const settings: Record<string, unknown> = {};
    if (input.locale) settings.locale = input.locale;
    if (input.reason?.trim()) settings.sign_up_reason = input.reason.trim().slice(0, 1000);
    if (Object.keys(settings).length) {
      await tx.updateTable("users").set({ settings: JSON.stringify(settings) }).where("account_id", "=", account.id).execute();
    }
    const admins = await tx
      .selectFrom("users")
      .innerJoin("accounts", "accounts.id", "users.account_id")
      .select("users.account_id")
      .where("users.admin", "=", 1)
      .where("accounts.deleted_at", "is", null)
      .execute();
    for (const admin of admins) {
      await notify(tx, { accountId: admin.account_id, fromAccountId: account.id, type: "admin.sign_up" }, emit);
    }
  });
  return { account, approved };
}
