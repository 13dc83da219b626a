import { spawnSync } from "node:child_process";
import path from "node:path";
import { repoRoot, rssMiB, startWeft, stop, tempDir } from "./lib.ts";

/** Time from spawning `weft serve` to its first answered request, and idle RSS, on an embedded (SQLite) install. */
export async function benchStartup(runs = 5): Promise<{ startMs: number[]; idleRssMiB: number }> {
  const dir = tempDir("weft-bench-start-");
  const env = { WEFT_DATA_DIR: dir, WEFT_URL: "http://127.0.0.1:3901", DATABASE_URL: "" };
  // First start applies migrations; measure the starts after it, as an operator restarting sees.
  spawnSync(process.execPath, [path.join(repoRoot, "bin/weft.js"), "migrate"], { env: { ...process.env, ...env } });
  const startMs: number[] = [];
  let idleRssMiB = NaN;
  for (let i = 0; i < runs; i++) {
    const { child, startedAt, readyAt } = await startWeft(env, 3901);
    startMs.push(readyAt - startedAt);
    if (i === runs - 1) {
      await new Promise((r) => setTimeout(r, 3000));
      idleRssMiB = rssMiB(child.pid!);
    }
    await stop(child);
  }
  return { startMs, idleRssMiB };
}
