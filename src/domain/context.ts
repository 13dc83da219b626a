import type { Config } from "../config.ts";
import type { Db, Dialect } from "../db/index.ts";
import type { Logger } from "../logger.ts";
import type { Events } from "./events.ts";

/**
 * What every domain function needs, passed explicitly as the first argument.
 * Nothing in domain/ reaches for module-level singletons.
 */
export interface Ctx {
  db: Db;
  dialect: Dialect;
  config: Config;
  log: Logger;
  events: Events;
}
