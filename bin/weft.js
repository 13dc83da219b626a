#!/usr/bin/env node
// Runs the TypeScript sources directly: Node >= 22.18 strips types itself, so there is no build step.
import { main } from "../src/cli.ts";

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
