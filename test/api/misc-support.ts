import { startApiServer, type ApiServer } from "../helpers/server.ts";

/** An API server with extra environment for the instance (rate limits, Redis). */
export const startServerWith = (env: Record<string, string> = {}): Promise<ApiServer> => startApiServer(env);

/** Sets an instance setting (JSON value), as an admin would. */
export async function setSetting(server: ApiServer, key: string, value: unknown): Promise<void> {
  await server.ctx.db
    .insertInto("instance_settings")
    .values({ key, value: JSON.stringify(value) })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value: JSON.stringify(value) }))
    .execute();
}
