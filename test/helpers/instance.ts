import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTestDb, type TestDb } from "./db.ts";
import { Redis } from "ioredis";
import { releaseLoopbackHost, reserveLoopbackHost, reserveNumber, TEST_PORT } from "./loopback.ts";
import { issueCertificate, testCa } from "./tls.ts";

/*
 * A real Weft server in a child process (`node bin/weft.js serve`), on its own loopback address over
 * HTTPS with a certificate from the test CA, with its own database (its own PostgreSQL database when
 * DATABASE_URL points at one) and data directory. Its output goes to test-artifacts/logs/ so a failing
 * federation test can be read afterwards.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "bin/weft.js");
const LOG_DIR = path.join(ROOT, "test-artifacts/logs");

// The child exits when the IPC pipe to this process closes, i.e. when this process dies in any way
// (even SIGKILL from a test-runner timeout), so no Weft outlives its test file.
const EXIT_WITH_PARENT =
  'data:text/javascript,if(process.channel){process.channel.unref();process.on("disconnect",()=>process.exit(1))}';

const REDIS_LOCK_BASE_PORT = 47_100;

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export interface StartInstanceOptions {
  /** extra or overriding environment for the server and its CLI */
  env?: Record<string, string>;
  host?: string;
  port?: number;
  /** how long to wait for /health; default 30 s (the machine may be busy) */
  startTimeoutMs?: number;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class WeftInstance {
  readonly host: string;
  readonly port: number;
  /** https://127.0.0.X:8443 */
  readonly origin: string;
  /** host:port, as in handles */
  readonly domain: string;
  readonly db: TestDb;
  readonly dataDir: string;
  readonly logFile: string;
  readonly env: Record<string, string>;
  readonly #startTimeoutMs: number;
  readonly #cleanup: () => Promise<void>;
  #destroyed = false;
  #child: ChildProcess | null = null;
  #exited: Promise<number | null> | null = null;

  constructor(init: {
    host: string;
    port: number;
    db: TestDb;
    dataDir: string;
    logFile: string;
    env: Record<string, string>;
    startTimeoutMs: number;
    cleanup: () => Promise<void>;
  }) {
    this.host = init.host;
    this.port = init.port;
    this.origin = `https://${init.host}:${init.port}`;
    this.domain = `${init.host}:${init.port}`;
    this.db = init.db;
    this.dataDir = init.dataDir;
    this.logFile = init.logFile;
    this.env = init.env;
    this.#startTimeoutMs = init.startTimeoutMs;
    this.#cleanup = init.cleanup;
  }

  get running(): boolean {
    return this.#child !== null;
  }

  handle(username: string): string {
    return `@${username}@${this.domain}`;
  }

  url(pathname: string): string {
    return new URL(pathname, this.origin).href;
  }

  /** fetch against this instance; `token` becomes a Bearer header. */
  fetch(pathname: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
    const { token, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (token) headers.set("authorization", `Bearer ${token}`);
    return fetch(this.url(pathname), { ...rest, headers });
  }

  /** Runs `weft <args>` against this instance's database and settings. */
  cli(args: string[]): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: this.env, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.once("error", reject);
      child.once("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }

  async createAccount(
    username: string,
    options: { password?: string; admin?: boolean; email?: string } = {},
  ): Promise<{ username: string; password: string; handle: string }> {
    const password = options.password ?? `pw-${randomBytes(12).toString("base64url")}`;
    const args = ["account", "create", username, "--password", password];
    if (options.admin) args.push("--admin");
    if (options.email) args.push("--email", options.email);
    const result = await this.cli(args);
    if (result.code !== 0) throw new Error(`weft account create ${username} failed (${result.code}): ${result.stderr || result.stdout}`);
    return { username, password, handle: this.handle(username) };
  }

  /** A Mastodon API token for a local account, from `weft token create` (its last line of output). */
  async token(username: string, scopes = "read write follow push"): Promise<string> {
    const result = await this.cli(["token", "create", username, "--scopes", scopes]);
    const token = result.stdout.trim().split("\n").at(-1)?.trim();
    if (result.code !== 0 || !token) throw new Error(`weft token create ${username} failed (${result.code}): ${result.stderr || result.stdout}`);
    return token;
  }

  /** Starts the server process and waits until /health answers over HTTPS. */
  async start(): Promise<void> {
    if (this.#child) return;
    const log = fs.openSync(this.logFile, "a");
    fs.writeSync(log, `\n--- weft serve at ${new Date().toISOString()} ---\n`);
    const child = spawn(process.execPath, ["--import", EXIT_WITH_PARENT, BIN, "serve"], {
      cwd: ROOT,
      env: this.env,
      stdio: ["ignore", log, log, "ipc"],
    });
    fs.closeSync(log);
    // Unreferenced: a test that forgets destroy() still ends, and the exit hook above kills the server.
    child.unref();
    child.channel?.unref();
    running.add(child);
    this.#child = child;
    this.#exited = new Promise((resolve) =>
      child.once("exit", (code) => {
        running.delete(child);
        if (this.#child === child) this.#child = null;
        resolve(code);
      }),
    );
    await this.#waitForHealth(child);
  }

  /** SIGTERM, then waits for a clean exit (SIGKILL after 15 s). */
  async stop(): Promise<void> {
    await this.#signal("SIGTERM", 15_000);
  }

  /** Dies at once, as in a crash: no graceful shutdown, in-flight work lost. */
  async kill9(): Promise<void> {
    await this.#signal("SIGKILL", 5_000);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Stops the server, drops its database, removes its data directory and frees its address. */
  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    await this.stop().catch(() => this.kill9());
    await this.db.drop();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
    await this.#cleanup();
    await releaseLoopbackHost(this.host);
  }

  /** The server's log so far, for assertion messages. */
  logs(): string {
    try {
      return fs.readFileSync(this.logFile, "utf8");
    } catch {
      return "";
    }
  }

  async #signal(signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
    const child = this.#child;
    const exited = this.#exited;
    if (!child || !exited) return;
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
    const outcome = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      child.kill("SIGKILL");
      await exited;
      throw new Error(`weft at ${this.origin} did not exit within ${timeoutMs} ms of ${signal}; killed (log: ${this.logFile})`);
    }
  }

  async #waitForHealth(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + this.#startTimeoutMs;
    let lastError = "";
    while (Date.now() < deadline) {
      if (this.#child !== child) {
        throw new Error(`weft at ${this.origin} exited while starting:\n${this.logs().slice(-3000)}`);
      }
      try {
        const res = await fetch(this.url("/health"), { signal: AbortSignal.timeout(2000) });
        if (res.ok) return;
        lastError = `HTTP ${res.status}`;
      } catch (err) {
        lastError = String((err as Error).cause ?? err);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await this.kill9();
    throw new Error(`weft at ${this.origin} not healthy after ${this.#startTimeoutMs} ms (${lastError}):\n${this.logs().slice(-3000)}`);
  }
}

function logName(host: string): string {
  const testFile = path.basename(process.argv[1] ?? "run").replace(/\.[^.]+$/, "").replace(/\.test$/, "");
  return `${testFile}-${host}.log`;
}

/*
 * Instances must not share Fedify's Redis queue or cache (one would run another's deliveries), and
 * Weft's Redis keys have one fixed prefix; so in the Redis run each instance gets a logical database
 * of its own (1–15; 0 is left to other tests), emptied before and after use.
 */
async function privateRedis(base: string): Promise<{ url: string; release(): Promise<void> }> {
  const slot = await reserveNumber(REDIS_LOCK_BASE_PORT, 1, 15);
  const url = new URL(base);
  url.pathname = `/${slot.n}`;
  const flush = async () => {
    const redis = new Redis(url.toString(), { lazyConnect: true, maxRetriesPerRequest: 2 });
    try {
      await redis.connect();
      await redis.flushdb();
    } finally {
      redis.disconnect();
    }
  };
  try {
    await flush();
  } catch (err) {
    await slot.release();
    throw err;
  }
  return {
    url: url.toString(),
    async release() {
      await flush().catch(() => {});
      await slot.release();
    },
  };
}

/** A fresh Weft: new address, certificate, database and data directory; started and healthy. */
export async function startInstance(options: StartInstanceOptions = {}): Promise<WeftInstance> {
  const port = options.port ?? TEST_PORT;
  const host = options.host ?? (await reserveLoopbackHost(port));
  const ca = testCa();
  const cert = issueCertificate(host);
  const db = await createTestDb({ migrate: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-instance-"));
  fs.mkdirSync(LOG_DIR, { recursive: true });
  const logFile = path.join(LOG_DIR, logName(host));
  fs.writeFileSync(logFile, "");

  const redis = process.env.REDIS_URL ? await privateRedis(process.env.REDIS_URL) : null;

  const inherited = { ...process.env } as Record<string, string>;
  // The test runner's own markers would make a child think it is a test file.
  delete inherited.NODE_TEST_CONTEXT;
  const env: Record<string, string> = {
    ...inherited,
    WEFT_URL: `https://${host}:${port}`,
    HOST: host,
    PORT: String(port),
    WEFT_TLS_CERT: cert.certFile,
    WEFT_TLS_KEY: cert.keyFile,
    WEFT_ALLOW_PRIVATE_ADDRESS: "true",
    NODE_EXTRA_CA_CERTS: ca.caFile,
    LOG_LEVEL: process.env.WEFT_TEST_LOG_LEVEL ?? "info",
    ...db.env,
    WEFT_DATA_DIR: dataDir,
    ...(redis ? { REDIS_URL: redis.url } : {}),
    ...options.env,
  };
  const instance = new WeftInstance({
    host,
    port,
    db,
    dataDir,
    logFile,
    env,
    startTimeoutMs: options.startTimeoutMs ?? 30_000,
    cleanup: async () => redis?.release(),
  });
  try {
    await instance.start();
  } catch (err) {
    await instance.destroy().catch(() => {});
    throw err;
  }
  return instance;
}
