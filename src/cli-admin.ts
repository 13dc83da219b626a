import { parseArgs } from "node:util";
import { loadConfig } from "./config.ts";
import { openDatabase } from "./db/index.ts";
import { migrateToLatest } from "./db/migrate.ts";
import type { Ctx } from "./domain/context.ts";
import { createLocalEvents } from "./domain/events.ts";
import { createLocalAccount, findLocalAccount, listLocalAccounts } from "./domain/accounts.ts";
import { createAccessToken, createOauthApp } from "./domain/tokens.ts";
import { createLogger } from "./logger.ts";
import { randomToken } from "./domain/tokens.ts";

/** `weft account …` and `weft token …`: work straight on the database, no server needed. */
export async function runAdminCommand(command: string, sub: string | undefined, rest: string[]): Promise<number> {
  const config = loadConfig();
  const handle = openDatabase(config);
  const ctx: Ctx = {
    db: handle.db,
    dialect: handle.dialect,
    config,
    log: createLogger(process.env.LOG_LEVEL ?? "warn"),
    events: createLocalEvents(),
  };
  try {
    await migrateToLatest(handle.db);
    if (command === "account" && sub === "create") {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { password: { type: "string" }, admin: { type: "boolean" }, email: { type: "string" } },
      });
      const username = positionals[0];
      if (!username) throw new Error("Usage: weft account create <username> [--password P] [--admin] [--email E]");
      const password = values.password ?? randomToken(12);
      const account = await createLocalAccount(ctx, {
        username,
        password,
        admin: values.admin ?? false,
        email: values.email ?? null,
      });
      console.log(`Created @${account.username}@${config.url.host}${values.admin ? " (admin)" : ""}`);
      if (!values.password) console.log(`Password: ${password}`);
      return 0;
    }
    if (command === "account" && sub === "list") {
      const rows = await listLocalAccounts(ctx);
      for (const r of rows) console.log(`${r.username}\t${r.admin ? "admin" : "user"}\t${r.created_at}`);
      if (rows.length === 0) console.log("No accounts yet.");
      return 0;
    }
    if (command === "account" && sub === "delete") {
      const username = rest[0];
      if (!username) throw new Error("Usage: weft account delete <username>");
      const { deleteLocalAccount } = await import("./domain/account-deletion.ts");
      const account = await findLocalAccount(ctx, username);
      if (!account) throw new Error(`No local account named ${username}`);
      await deleteLocalAccount(ctx, account.id);
      console.log(`Deleted @${account.username}; remote servers are told through the queue.`);
      return 0;
    }
    if (command === "token" && sub === "create") {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { scopes: { type: "string" } },
      });
      const username = positionals[0];
      if (!username) throw new Error('Usage: weft token create <username> [--scopes "read write follow push"]');
      const account = await findLocalAccount(ctx, username);
      if (!account) throw new Error(`No local account named ${username}`);
      const scopes = (values.scopes ?? "read write follow push").trim().split(/\s+/).join(" ");
      const app = await createOauthApp(ctx, { name: "weft-cli", redirectUris: "urn:ietf:wg:oauth:2.0:oob", scopes });
      const { token } = await createAccessToken(ctx, { accountId: account.id, appId: app.id, scopes });
      console.log(`Token for @${account.username} with scopes "${scopes}":`);
      console.log(token);
      return 0;
    }
    throw new Error(`Unknown command: ${command} ${sub ?? ""}`.trim());
  } finally {
    await handle.close();
  }
}
