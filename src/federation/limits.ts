import { paths } from "../domain/uris.ts";

/** Larger activities than this are refused; Mastodon's own limit is about the same. */
export const INBOX_BODY_LIMIT = 1024 * 1024;

const PERSONAL_INBOX = new RegExp(`^${paths.inbox("[^/]+").replace(/\//g, "\\/")}$`);

export function isInboxPost(request: Request): boolean {
  if (request.method !== "POST") return false;
  const path = new URL(request.url).pathname;
  return path === paths.sharedInbox() || PERSONAL_INBOX.test(path);
}

function refuse(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: message }), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", ...headers },
  });
}

/**
 * Cheap checks in front of Fedify's inbox handling, before any signature work or key fetch:
 *
 *  - a body over 1 MiB is refused with 413: by Content-Length before reading anything, and
 *    for a body without one (chunked) as soon as the limit is passed, without reading the rest;
 *  - a POST with no HTTP signature at all is refused with 401 (Fedify would too, but only after
 *    parsing the JSON-LD and looking for other proofs);
 *  - a body that is not a JSON object is refused with 400.
 *
 * Returns the request to hand on (with the body already read, so Fedify reads it from memory)
 * or the refusal.
 */
export async function guardInbox(request: Request, limit = INBOX_BODY_LIMIT): Promise<Request | Response> {
  const declared = request.headers.get("content-length");
  // Connection: close, so the client stops sending instead of the server draining the rest.
  const tooLarge = () => refuse(413, "Request body too large", { Connection: "close" });
  if (declared !== null && Number(declared) > limit) {
    await request.body?.cancel().catch(() => {});
    return tooLarge();
  }
  if (!request.headers.has("signature") && !request.headers.has("signature-input")) {
    await request.body?.cancel().catch(() => {});
    return refuse(401, "Request is not signed");
  }
  const body = await readCapped(request, limit);
  if (body === null) return tooLarge();
  try {
    const json: unknown = JSON.parse(new TextDecoder().decode(body));
    if (!json || typeof json !== "object" || Array.isArray(json)) return refuse(400, "Activity must be a JSON object");
  } catch {
    return refuse(400, "Malformed JSON");
  }
  return new Request(request.url, { method: request.method, headers: request.headers, body });
}

async function readCapped(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
