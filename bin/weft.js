#!/usr/bin/env node
// Runs the TypeScript sources directly: Node >= 22.18 strips types itself, so there is no build step.
import module from "node:module";

// Node's on-disk code cache (in os.tmpdir()/node-compile-cache unless NODE_COMPILE_CACHE says
// otherwise; NODE_DISABLE_COMPILE_CACHE=1 turns it off). It keeps the type-stripped output and V8's
// compiled code of every module, so a restart neither loads the type stripper (~20 MiB of
// WebAssembly memory) nor re-parses Fedify's vocabulary. It must be on before the sources load,
// hence the dynamic import below.
module.enableCompileCache?.();

const { main } = await import("../src/cli.ts");

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
