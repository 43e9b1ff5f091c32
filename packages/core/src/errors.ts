const MARKER = Symbol.for("advfc.error");

/**
 * Base class of every error advfc throws on purpose. `AdvfcError.isInstance(e)` works across
 * copies of the package (it checks a registry-wide symbol, not the prototype chain).
 */
export class AdvfcError extends Error {
  readonly [MARKER] = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AdvfcError";
  }
  static isInstance(e: unknown): e is AdvfcError {
    return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[MARKER] === true;
  }
}

/**
 * Model output (or any text advfc decodes) could not be parsed. `position` is the 0-based
 * UTF-16 offset into the input where the problem was found.
 */
export class ParseError extends AdvfcError {
  constructor(
    message: string,
    readonly position: number,
    /** What kind of input was being parsed, e.g. "json", "python", "java". */
    readonly grammar: string,
  ) {
    // Parse errors are expected on the hot path (a wrong model output is data, not a bug): skip
    // the stack capture, which costs more than the parse. `position` says where it failed.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`${grammar}: ${message} at offset ${position}`);
    Error.stackTraceLimit = limit;
    this.name = "ParseError";
  }
}

/** A parse exceeded a size, depth or work limit; the input may be valid but is refused. */
export class LimitError extends ParseError {
  constructor(message: string, position: number, grammar: string) {
    super(message, position, grammar);
    this.name = "LimitError";
  }
}

/** Input data (a file line, a config key) is malformed. Names where, and what was expected. */
export class InvalidInputError extends AdvfcError {
  constructor(
    message: string,
    readonly where: { file?: string; line?: number; field?: string } = {},
  ) {
    const loc = [where.file, where.line !== undefined ? `line ${where.line}` : undefined, where.field]
      .filter((x) => x !== undefined)
      .join(", ");
    super(loc ? `${loc}: ${message}` : message);
    this.name = "InvalidInputError";
  }
}

/**
 * BFCL's checker itself would crash on this input (an unknown parameter type, a conversion it
 * does not implement). advfc reports it as a failed check with error type
 * `checker_error:<code>` instead of crashing; BFCL has no verdict to agree with here.
 */
export class CheckerCrashError extends AdvfcError {
  constructor(
    message: string,
    /** Short machine code, e.g. "unsupported_type". */
    readonly code: string,
  ) {
    super(message);
    this.name = "CheckerCrashError";
  }
}
