import { type Sample, SampleSchema } from "../schema/sample.js";
import { validate } from "../schema/validate.js";
import { formatJsonLine, type JsonLinesInput, writeJsonLines } from "./jsonl.js";
import { convertJsonLines } from "./record.js";
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
export function readSamples(input: JsonLinesInput, options: { file?: string; signal?: AbortSignal } = {}): AsyncGenerator<ConvertItem> {
  return convertJsonLines(input, options, (value, line, file) => validate(SampleSchema, value, { file, line, field: "sample" }));
}

/** Write samples as canonical JSON Lines to `out` (not ended). @returns the number written. */
export function writeSamples(out: NodeJS.WritableStream, samples: Iterable<Sample> | AsyncIterable<Sample>): Promise<number> {
  return writeJsonLines(out, samples, { stringify: (s) => sampleToJsonLine(s as Sample) });
}
