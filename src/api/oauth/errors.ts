import { ApiError } from "../errors.ts";

/*
 * OAuth endpoints answer errors in RFC 6749's shape, `{"error": code, "error_description": text}`,
 * with the wording Mastodon's Doorkeeper uses, which some clients show to users.
 */
const DESCRIPTIONS = {
  invalid_request:
    "The request is missing a required parameter, includes an unsupported parameter value, or is otherwise malformed.",
  invalid_client:
    "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
  invalid_grant:
    "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
  unauthorized_client: "The client is not authorized to perform this request using this method.",
  unsupported_grant_type: "The authorization grant type is not supported by the authorization server.",
  invalid_scope: "The requested scope is invalid, unknown, or malformed.",
  unsupported_response_type: "The authorization server does not support this response type.",
  access_denied: "The resource owner or authorization server denied the request.",
} as const;

export type OauthErrorCode = keyof typeof DESCRIPTIONS;

const STATUS: Record<OauthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 403,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  unsupported_response_type: 400,
  access_denied: 403,
};

export function oauthError(code: OauthErrorCode, description?: string): ApiError {
  return new ApiError(STATUS[code], code, { description: description ?? DESCRIPTIONS[code] });
}

export function describeOauthError(code: OauthErrorCode): string {
  return DESCRIPTIONS[code];
}
