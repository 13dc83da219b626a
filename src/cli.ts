import { parseArgs } from "node:util";
import { loadConfig } from "./config.ts";

const USAGE = `Usage: weft <command>

Commands:
  serve                               run the server (and its workers, unless WEFT_ROLE=web)
  worker                              run queue workers only
  migrate                             apply database migrations
  account create <username> [--password P] [--admin] [--email E]
  account list
  account delete <username>
  token create <username> [--scopes "read write follow push"]
`;

export async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  switch (command) {
    case "serve":
    case "worker": {
      const config = loadConfig(command === "worker" ? { ...process.env, WEFT_ROLE: "worker" } : process.env);
      const { startServer } = await import("./server.ts");
      const running = await startServer(config);
      // Give back the memory that loading the modules left behind (src/compact-heap.ts).
      (await import("./compact-heap.ts")).compactHeapSoon();
      let signalled = false;
      const onSignal = (signal: string) => {
        if (signalled) process.exit(1);
        signalled = true;
        running.app.log.info({ signal }, "shutting down");
        running.stop().then(() => process.exit(0), () => process.exit(1));
      };
      process.on("SIGTERM", () => onSignal("SIGTERM"));
      process.on("SIGINT", () => onSignal("SIGINT"));
      return -1;
    }
    case "migrate": {
      const config = loadConfig();
      const { openDatabase } = await import("./db/index.ts");
      const { migrateToLatest } = await import("./db/migrate.ts");
      const handle = openDatabase(config);
      try {
        const applied = await migrateToLatest(handle.db);
        console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date");
      } finally {
        await handle.close();
      }
      return 0;
    }
    case "account":
    case "token": {
      const { runAdminCommand } = await import("./cli-admin.ts");
      return runAdminCommand(command, sub, rest);
    }
    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log(USAGE);
      return command ? 0 : 1;
    default:
      console.error(`Unknown command: ${command}\n\n${USAGE}`);
      return 1;
  }
}

export { parseArgs };
