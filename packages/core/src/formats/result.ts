import type { InvalidInputError } from "../errors.js";
import type { Sample } from "../schema/sample.js";

/**
 * What a streaming converter yields per input record: the sample, or why that record could
 * not be converted (the error names file and line). Conversion goes on after an error.
 */
export type ConvertItem = { line: number; sample: Sample; error?: undefined } | { line: number; error: InvalidInputError; sample?: undefined };

/** Samples and errors of a whole conversion, in input order. */
export interface ConvertResult {
  samples: Sample[];
  errors: InvalidInputError[];
}

/** Drain a converter into {@link ConvertResult}. */
export async function collectSamples(items: AsyncIterable<ConvertItem> | Iterable<ConvertItem>): Promise<ConvertResult> {
  const samples: Sample[] = [];
  const errors: InvalidInputError[] = [];
  for await (const item of items) {
    if (item.error) errors.push(item.error);
    else samples.push(item.sample);
  }
  return { samples, errors };
}
