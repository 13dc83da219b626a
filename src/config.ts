import path from "node:path";
import { z } from "zod";

/** Every setting Weft reads from the environment, parsed once. */
export interface Config {
  url: URL;
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | null;
  sqlitePath: string;
  redisUrl: string | null;
  tlsCert: string | null;
  tlsKey: string | null;
  allowPrivateAddress: boolean;
  logLevel: string;
  /** "all" runs HTTP and the queue workers in one process; "web" only serves; "worker" only drains queues. */
  role: "all" | "web" | "worker";
  secretKeyBase: string | null;
  /** Multiplies every API rate limit (api/rate-limit.ts); 0 turns rate limiting off. */
  rateLimitScale: number;
  /**
   * Mastodon's secure mode: actors' full documents, posts and collections only to signed requests
   * (federation/secure-mode.ts). Off by default, as on Mastodon.
   */
  authorizedFetch: boolean;
}

const bool = z
  .string()
  .optional()
  .transform((v) => v === "true" || v === "1" || v === "yes");

const schema = z.object({
  WEFT_URL: z.string().url().default("http://localhost:3000"),
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  WEFT_DATA_DIR: z.string().default("./data"),
  DATABASE_URL: z.string().optional(),
  REDIS_URL: z.string().optional(),
  WEFT_TLS_CERT: z.string().optional(),
  WEFT_TLS_KEY: z.string().optional(),
  WEFT_ALLOW_PRIVATE_ADDRESS: bool,
  LOG_LEVEL: z.string().default("info"),
  WEFT_ROLE: z.enum(["all", "web", "worker"]).default("all"),
  WEFT_SECRET: z.string().optional(),
  WEFT_RATE_LIMIT_SCALE: z.coerce.number().min(0).default(1),
  WEFT_AUTHORIZED_FETCH: bool,
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const url = new URL(e.WEFT_URL);
  const dataDir = path.resolve(e.WEFT_DATA_DIR);
  const databaseUrl = e.DATABASE_URL && e.DATABASE_URL.length > 0 ? e.DATABASE_URL : null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl) && !/^sqlite:/.test(databaseUrl)) {
    throw new Error("Invalid configuration: DATABASE_URL must start with postgres:// or sqlite:");
  }
  const sqlitePath = databaseUrl?.startsWith("sqlite:")
    ? path.resolve(databaseUrl.slice("sqlite:".length))
    : path.join(dataDir, "weft.sqlite");
  if ((e.WEFT_TLS_CERT == null) !== (e.WEFT_TLS_KEY == null)) {
    throw new Error("Invalid configuration: WEFT_TLS_CERT and WEFT_TLS_KEY go together");
  }
  const defaultPort = url.port ? Number(url.port) : 3000;
  return {
    url,
    host: e.HOST,
    port: e.PORT ?? defaultPort,
    dataDir,
    databaseUrl: databaseUrl?.startsWith("sqlite:") ? null : databaseUrl,
    sqlitePath,
    redisUrl: e.REDIS_URL ?? null,
    tlsCert: e.WEFT_TLS_CERT ?? null,
    tlsKey: e.WEFT_TLS_KEY ?? null,
    allowPrivateAddress: e.WEFT_ALLOW_PRIVATE_ADDRESS,
    logLevel: e.LOG_LEVEL,
    role: e.WEFT_ROLE,
    secretKeyBase: e.WEFT_SECRET ?? null,
    rateLimitScale: e.WEFT_RATE_LIMIT_SCALE,
    authorizedFetch: e.WEFT_AUTHORIZED_FETCH,
  };
}

/** The host part users see in handles: `alice@host[:port]`. */
export function localDomain(config: Config): string {
  return config.url.host;
}
