import { AdvfcError } from "../errors.js";

/**
 * Why an attempt failed: `rate_limit` (429), `server_error` (5xx, 408, 409, 425), `network`
 * (connection refused / reset / dropped mid-response), `stale_socket` (a kept-alive socket the
 * server had closed; retried at once), `timeout` (no complete answer within `timeoutMs`),
 * `malformed` (status 200 whose body is not a chat completion), `client_error` (another 4xx: not
 * retried), `aborted` (the caller's `AbortSignal`, or `close()` while the call ran).
 */
export type ModelFailureReason =
  | "rate_limit"
  | "server_error"
  | "network"
  | "stale_socket"
  | "timeout"
  | "malformed"
  | "client_error"
  | "aborted";

/**
 * A chat request failed for good: a non-retryable answer (`retryable: false`: 400, 401, 403,
 * 404, 422, …) or retryable failures until the retry budget ran out. The message names the
 * endpoint, the HTTP status and the server's own error message; it never holds the API key.
 */
export class ModelRequestError extends AdvfcError {
  constructor(
    message: string,
    readonly details: {
      /** HTTP status of the last attempt (absent when it got no HTTP answer). */
      status?: number;
      /** Attempts made, retries included. */
      attempts: number;
      /** Whether the last failure was of a kind that is retried (so the budget ran out). */
      retryable: boolean;
      reason: ModelFailureReason;
      /** Endpoint of the last attempt (without credentials). */
      url?: string;
    },
  ) {
    super(message);
    this.name = "ModelRequestError";
  }
  get status(): number | undefined {
    return this.details.status;
  }
  get attempts(): number {
    return this.details.attempts;
  }
  get retryable(): boolean {
    return this.details.retryable;
  }
  get reason(): ModelFailureReason {
    return this.details.reason;
  }
}
