import { Migrator, type Migration, type MigrationProvider } from "kysely/migration";
import type { Db } from "./index.ts";
import * as m0001 from "./migrations/0001_initial.ts";
import * as m0002 from "./migrations/0002_jobs.ts";
import * as m0004 from "./migrations/0004_markers.ts";
import * as m0005 from "./migrations/0005_lists_filters.ts";
import * as m0007 from "./migrations/0007_pins_reports_notification_groups.ts";
import * as m0008 from "./migrations/0008_preview_cards.ts";
import * as m0009 from "./migrations/0009_scheduled_statuses.ts";

// Listed by hand so migrations work the same from source, from a bundle and under tests.
const migrations: Record<string, Migration> = {
  "0001_initial": m0001,
  "0002_jobs": m0002,
  "0004_markers": m0004,
  "0005_lists_filters": m0005,
  "0007_pins_reports_notification_groups": m0007,
  "0008_preview_cards": m0008,
  "0009_scheduled_statuses": m0009,
};

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
