import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createLocalAccount } from "../../src/domain/accounts.ts";
import { createLocalStatus } from "../../src/domain/statuses.ts";
import { newId, nowIso } from "../../src/domain/ids.ts";
import { testDialect } from "../helpers/db.ts";
import { assertMatchesEntity } from "../helpers/openapi.ts";
import { startApiServer, type ApiServer } from "../helpers/server.ts";

let server: ApiServer;
before(async () => {
  server = await startApiServer();
});
after(() => server.close());

test(`the old GET /statuses/:id/card answers the post's preview card, or {} (${testDialect()})`, async () => {
  const hana = await createLocalAccount(server.ctx, { username: "hana" });
  const linked = await createLocalStatus(server.ctx, { accountId: hana.id, text: "Read this https://example.com/story" });
  const plain = await createLocalStatus(server.ctx, { accountId: hana.id, text: "no links here" });
  // What the card.fetch job stores once it has read the page.
  const cardId = newId();
  await server.ctx.db
    .insertInto("preview_cards")
    .values({
      id: cardId, url: "https://example.com/story", title: "A story", description: "What happened", type: "link",
      author_name: "", author_url: "", provider_name: "Example", provider_url: "https://example.com/", html: "", width: 0, height: 0,
      image: null, image_description: "", blurhash: null, language: "en", published_at: null, fetched_at: nowIso(),
      error: null, created_at: nowIso(),
    })
    .execute();
  await server.ctx.db.insertInto("status_cards").values({ status_id: linked.id, card_id: cardId }).execute();

  const card = await (await fetch(`${server.url}/api/v1/statuses/${linked.id}/card`)).json();
  assert.equal(card.title, "A story");
  assert.equal(card.url, "https://example.com/story");
  assertMatchesEntity(card, "PreviewCard");
  assert.deepEqual(await (await fetch(`${server.url}/api/v1/statuses/${plain.id}/card`)).json(), {});
});
