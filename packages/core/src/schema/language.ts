import { z } from "zod";

/** Programming languages whose call syntax advfc checks (BFCL's three). */
export const LANGUAGES = ["python", "java", "javascript"] as const;

/** The language a sample's expected calls are written and checked in. */
export const LanguageSchema = z.enum(LANGUAGES);
export type Language = z.output<typeof LanguageSchema>;
