import { CheckerCrashError, InvalidInputError, ParseError } from "../errors.js";
import { asCallList, decodeForCheck, TextResponseError, type DecodeOptions, type OutputMode } from "../parse/decode.js";
import { SURE_FAILURE, takeDeferredFailure } from "../parse/python.js";
import { astChecker, type AstCheckOptions, type AstCheckResult, type CheckLanguage } from "./ast-checker.js";
import type { PyValue } from "./pyvalue.js";
import { categoryLanguage, tryV4Category } from "../schema/category.js";

export { categoryLanguage };

/**
 * advfc's three-way reading of a model output, next to BFCL's verdict:
 * - `call`: it decodes to at least one function call;
 * - `abstain`: it decodes to no call (an empty list, no `<tool_call>` block, a text answer in
 *   openai mode);
 * - `unparseable`: it does not decode, or decodes to something that is not calls, or BFCL
 *   silently dropped malformed parts of it.
 * BFCL folds `unparseable` into "no call" for irrelevance; advfc keeps them apart.
 */
export type CallOutcome = "call" | "abstain" | "unparseable";

/** Normalise a v3 or v4 category name to v4; undefined when it is neither. */
export const normalizeCategory = tryV4Category;

/** True for relevance and irrelevance categories (scored on whether any call decodes). */
export function isRelevanceCategory(category: string): boolean {
  return category.includes("relevance");
}

export interface CheckCaseInput {
  /** A BFCL v4 (or v3) category name. */
  category: string;
  /** The entry's function docs, as in BFCL's question files. */
  functions: PyValue;
  /** BFCL's ground_truth list; null for relevance/irrelevance. */
  possibleAnswer: PyValue;
  /** The raw model output: a string, or (openai mode) the tool_calls array. */
  modelOutput: PyValue;
  mode: OutputMode;
}

export interface CheckCaseOptions extends DecodeOptions, AstCheckOptions {}

export interface CheckCaseResult {
  valid: boolean;
  /** BFCL's error type (`ast_decoder:decoder_failed`, `value_error:string`, …) or null. */
  errorType: string | null;
  errors: string[];
  outcome: CallOutcome;
  /** The decoded calls (BFCL's `[{name: {param: value}}]`), when decoding succeeded. */
  decoded?: PyValue;
}

/**
 * The result of a case the AST checker scored. `errors` is read through to the checker's result,
 * which builds its messages only when they are asked for (scoring needs the error type alone).
 */
class CheckedCase implements CheckCaseResult {
  readonly valid: boolean;
  readonly errorType: string | null;
  constructor(
    private readonly check: AstCheckResult,
    readonly outcome: CallOutcome,
    readonly decoded: PyValue,
  ) {
    this.valid = check.valid;
    this.errorType = check.errorType;
  }
  get errors(): string[] {
    return this.check.errors;
  }
  toJSON(): CheckCaseResult {
    return { valid: this.valid, errorType: this.errorType, errors: this.errors, outcome: this.outcome, decoded: this.decoded };
  }
}

/** A failed decode: `errors` (which reads a possibly deferred parse error's message) built only when asked for. */
class FailedDecode implements CheckCaseResult {
  private built: string[] | undefined;
  constructor(
    readonly valid: boolean,
    readonly errorType: string | null,
    readonly outcome: CallOutcome,
    private readonly make: () => string[],
  ) {}
  get errors(): string[] {
    return (this.built ??= this.make());
  }
  toJSON(): CheckCaseResult {
    return { valid: this.valid, errorType: this.errorType, errors: this.errors, outcome: this.outcome };
  }
}

/** The message of a decode error, worked out when called (the real one for a deferred failure). */
function messageOf(error: ParseError, deferred: (() => ParseError) | undefined): () => string {
  return deferred === undefined ? () => error.message : () => deferred().message;
}

/**
 * Score one model output exactly as BFCL does: decode with the mode's decoder, then the AST
 * checker (or, for relevance/irrelevance, whether a call decoded).
 */
export function checkCase(input: CheckCaseInput, options: CheckCaseOptions = {}): CheckCaseResult {
  const category = normalizeCategory(input.category);
  if (category === undefined)
    throw new InvalidInputError(`Expected a BFCL single-turn category (v4, or v3 spelling) but received ${JSON.stringify(input.category)}`, { field: "category" });
  const relevance = isRelevanceCategory(category);
  const language: CheckLanguage = relevance ? "python" : categoryLanguage(category);

  let decoded: PyValue | undefined;
  let dropped = false;
  /** The decode error, or (a sure failure whose details were deferred) how to get it. */
  let decodeError: ParseError | undefined;
  let deferredError: (() => ParseError) | undefined;
  try {
    const d = decodeForCheck(input.modelOutput, input.mode, language, options);
    decoded = d.value;
    dropped = d.dropped;
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    decodeError = e;
    if (e === SURE_FAILURE) deferredError = takeDeferredFailure();
  }

  const calls = decoded === undefined ? undefined : asCallList(decoded);
  let outcome: CallOutcome;
  if (decodeError !== undefined) outcome = decodeError instanceof TextResponseError ? "abstain" : "unparseable";
  else if (calls === undefined) outcome = "unparseable";
  else if (calls.length === 0) outcome = dropped ? "unparseable" : "abstain";
  else outcome = "call";

  if (relevance) {
    // BFCL: a call was made iff decoding succeeded and `is_empty_output` is false.
    const containsCall = calls !== undefined && calls.length > 0;
    const irrelevance = category.includes("irrelevance");
    const valid = irrelevance ? !containsCall : containsCall;
    if (decodeError !== undefined) {
      const message = messageOf(decodeError, deferredError);
      return new FailedDecode(valid, valid ? null : irrelevance ? "irrelevance_error:decoder_success" : "relevance_error:decoder_failed", outcome, () =>
        valid ? [] : irrelevance ? ["Valid syntax. Successfully decode AST when it should not."] : [`Invalid syntax. Failed to decode AST when it should have. ${message()}`],
      );
    }
    return {
      valid,
      errorType: valid ? null : irrelevance ? "irrelevance_error:decoder_success" : "relevance_error:decoder_failed",
      errors: valid
        ? []
        : irrelevance
          ? ["Valid syntax. Successfully decode AST when it should not."]
          : ["Invalid syntax. Failed to decode AST when it should have."],
      outcome,
      ...(decoded !== undefined ? { decoded } : {}),
    };
  }

  if (decodeError !== undefined) {
    const message = messageOf(decodeError, deferredError);
    return new FailedDecode(false, "ast_decoder:decoder_failed", outcome, () => [`Invalid syntax. Failed to decode AST. ${message()}`]);
  }
  if (calls === undefined)
    return {
      valid: false,
      errorType: "ast_decoder:decoder_wrong_output_format",
      errors: ["Did not output in the specified format."],
      outcome,
      decoded: decoded!,
    };
  if (!Array.isArray(input.possibleAnswer))
    throw new InvalidInputError(`Expected BFCL's ground_truth list for category ${category}`, { field: "possible_answer" });
  try {
    const r = astChecker(input.functions, calls, input.possibleAnswer, language, category, options);
    return new CheckedCase(r, outcome, decoded!);
  } catch (e) {
    if (e instanceof CheckerCrashError)
      return { valid: false, errorType: `checker_error:${e.code}`, errors: [e.message], outcome, decoded: decoded! };
    throw e;
  }
}

