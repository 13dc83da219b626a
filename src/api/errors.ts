import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ZodError } from "zod";
import type { Logger } from "../logger.ts";
import { DomainError } from "../domain/errors.ts";

/**
 * The one error type route handlers throw. `message` is safe to show a client;
 * `cause` (if any) goes to the log only.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly description: string | undefined;
  constructor(status: number, message: string, options: { cause?: unknown; description?: string } = {}) {
    super(message, { cause: options.cause });
    this.status = status;
    this.description = options.description;
  }
}

export const notFound = (what = "Record not found") => new ApiError(404, what);
export const unauthorized = (msg = "The access token is invalid") => new ApiError(401, msg);
export const forbidden = (msg = "This action is outside the authorized scopes") => new ApiError(403, msg);
export const unprocessable = (msg: string) => new ApiError(422, `Validation failed: ${msg}`);

/** Renders every error as Mastodon does: `{"error": "..."}`, never a stack trace. */
export function renderError(err: unknown, c: Context, log: Logger): Response {
  if (err instanceof ApiError) {
    if (err.status >= 500) log.error({ err: err.cause ?? err }, err.message);
    const body: Record<string, string> = { error: err.message };
    if (err.description) body.error_description = err.description;
    return c.json(body, err.status as 400);
  }
  if (err instanceof DomainError) {
    const status = { invalid: 422, not_found: 404, forbidden: 403, taken: 422, conflict: 409, gone: 410, unavailable: 503 }[err.code];
    return c.json({ error: status === 422 ? `Validation failed: ${err.message}` : err.message }, status as 400);
  }
  if (err instanceof ZodError) {
    const msg = err.issues.map((i) => (i.path.length ? `${i.path.join(".")} ${i.message}` : i.message)).join(", ");
    return c.json({ error: `Validation failed: ${msg}` }, 422);
  }
  if (err instanceof HTTPException) {
    const res = err.getResponse();
    const status = res.status;
    const msg = status === 413 ? "Request body too large" : err.message || "Bad request";
    return c.json({ error: msg }, status as 400);
  }
  if (err instanceof SyntaxError) {
    return c.json({ error: "Malformed request body" }, 400);
  }
  log.error({ err }, "unhandled error");
  return c.json({ error: "Internal server error" }, 500);
}
