/**
 * Errors the embedders throw on purpose. They carry the same registry-wide marker as
 * @advfc/core's `AdvfcError` (`Symbol.for("advfc.error")`), so `AdvfcError.isInstance(e)` is true
 * for them too, without this package importing core (the dependency points the other way).
 */
const MARKER = Symbol.for("advfc.error");

/** Base class of every embedder error. */
export class EmbedError extends Error {
  readonly [MARKER] = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EmbedError";
  }
  static isInstance(e: unknown): e is EmbedError {
    return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** An embedder spec string or object is malformed: names the spec and what was expected. */
export class EmbedderSpecError extends EmbedError {
  constructor(
    message: string,
    readonly spec: string,
  ) {
    super(`Invalid embedder spec ${JSON.stringify(spec)}: ${message}`);
    this.name = "EmbedderSpecError";
  }
}

/**
 * A model is not available locally and cannot be fetched (offline, network down, missing files
 * on the hub, no ONNX export). `folder` is the exact folder to fill by hand, `files` what goes
 * there; the message already says both.
 */
export class ModelUnavailableError extends EmbedError {
  constructor(
    message: string,
    readonly folder: string,
    readonly files: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ModelUnavailableError";
  }
}

/**
 * An HTTP download failed. `reason`: "http" (a non-2xx reply, see `status`), "unreachable" (no
 * HTTP reply at all: offline, DNS, refused), "interrupted" (the connection broke or the stream
 * ended early more often than the retries allowed; the .part file is kept for a resume).
 */
export class DownloadError extends EmbedError {
  constructor(
    message: string,
    readonly url: string,
    readonly reason: "http" | "unreachable" | "interrupted",
    /** HTTP status when reason is "http". */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "DownloadError";
  }
}

/** A downloaded file's sha256 or size differs from what the server announced. */
export class ChecksumError extends EmbedError {
  constructor(
    readonly file: string,
    readonly expected: string,
    readonly received: string,
    readonly kind: "sha256" | "size",
  ) {
    super(`${file}: ${kind} mismatch, expected ${expected} but received ${received}; the partial download was deleted, run again to fetch it from scratch`);
    this.name = "ChecksumError";
  }
}

/** A model folder is present but unusable (bad tokenizer.json, model without the expected inputs/outputs). */
export class ModelFormatError extends EmbedError {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`${path}: ${message}`);
    this.name = "ModelFormatError";
  }
}
