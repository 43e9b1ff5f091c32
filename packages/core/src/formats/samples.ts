import { InvalidInputError } from "../errors.js";
import { type Sample, SampleSchema } from "../schema/sample.js";
import { validate } from "../schema/validate.js";
import { formatJsonLine, inputLabel, type JsonLinesInput, readJsonLines, writeJsonLines } from "./jsonl.js";
import type { ConvertItem } from "./result.js";

/**
 * advfc's canonical sample files: JSON Lines, one {@link Sample} per line, exactly as the schema
 * describes it (plain JSON; Python float-ness of answers travels in `pyFloats`).
 */

/** One canonical line for a sample. */
export function sampleToJsonLine(sample: Sample): string {
  return formatJsonLine(sample);
}

/**
 * Stream a canonical samples file (`"-"` = stdin). Each line is validated against
 * {@link SampleSchema}; bad lines are yielded as errors and reading goes on.
 */
export async function* readSamples(input: JsonLinesInput, options: { file?: string; signal?: AbortSignal } = {}): AsyncGenerator<ConvertItem> {
  const file = inputLabel(input, options.file);
  for await (const l of readJsonLines(input, { file, signal: options.signal })) {
    if (l.error) {
      yield { line: l.line, error: l.error };
      continue;
    }
    try {
      yield { line: l.line, sample: validate(SampleSchema, l.value, { file, line: l.line, field: "sample" }) };
    } catch (e) {
      if (e instanceof InvalidInputError) yield { line: l.line, error: e };
      else throw e;
    }
  }
}

/** Write samples as canonical JSON Lines to `out` (not ended). @returns the number written. */
export function writeSamples(out: NodeJS.WritableStream, samples: Iterable<Sample> | AsyncIterable<Sample>): Promise<number> {
  return writeJsonLines(out, samples, { stringify: (s) => sampleToJsonLine(s as Sample) });
}
