import v8 from "node:v8";
import vm from "node:vm";

/**
 * Loading Weft's modules allocates fast enough that V8 grows its young generation to its
 * maximum (2 × 32 MiB here) and keeps it, along with the parser's garbage, for as long as the
 * process lives: an idle server would hold ~40 MiB it no longer needs. One "last resort" full
 * collection after start gives it back (it also shrinks the young generation); under load V8
 * grows the heap again as it sees fit, so throughput is not traded for it. The gc function is
 * borrowed from a throwaway context, so the global `gc` stays unexposed.
 */
export function compactHeapSoon(delayMs = 2000): void {
  const timer = setTimeout(() => {
    try {
      v8.setFlagsFromString("--expose-gc");
      const gc = vm.runInNewContext("gc") as (options?: object) => void;
      v8.setFlagsFromString("--no-expose-gc");
      gc({ type: "major", execution: "sync", flavor: "last-resort" });
    } catch {
      // an engine without the flag: nothing lost but memory
    }
  }, delayMs);
  timer.unref();
}
