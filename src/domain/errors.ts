/**
 * A rule of the domain was broken. `code` lets the API layer pick the HTTP status;
 * `message` is written to be safe to show to a client.
 */
export type DomainErrorCode = "invalid" | "not_found" | "forbidden" | "taken" | "conflict" | "gone" | "unavailable";

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  constructor(code: DomainErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
