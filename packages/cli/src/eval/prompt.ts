import { FC_PROMPT_SYSTEM_PROMPT, FUNCTIONS_PLACEHOLDER, languageAdjustedTools, type Message, type Tool } from "@advfc/core";

/**
 * How BFCL's function docs are shown to a model in `advfc eval`. The prompt and BFCL's language
 * notes live in @advfc/core (loop/openai-roles.ts), shared with the loop's FC role, so an
 * evaluation and a run ask the model the same way.
 */

export { FUNCTIONS_PLACEHOLDER };

/** advfc's prompt-mode system prompt: the functions as JSON, answers as a Python call list or `[]`. */
export const DEFAULT_SYSTEM_PROMPT = FC_PROMPT_SYSTEM_PROMPT;

/** The function docs as BFCL shows them to models of `category` (language notes; Java/JS values as source strings). */
export const languageAdjustedFunctions: (functions: readonly Tool[], category: string) => Tool[] = languageAdjustedTools;

/** The system prompt for one entry: `template` with {@link FUNCTIONS_PLACEHOLDER} replaced by the docs as JSON. */
export function renderSystemPrompt(template: string, functions: readonly Tool[]): string {
  return template.split(FUNCTIONS_PLACEHOLDER).join(JSON.stringify(functions, null, 2));
}

/**
 * The messages of a prompt-mode request: the system prompt first; when the entry has its own
 * system message, it follows the prompt in the same message (as BFCL does).
 */
export function promptModeMessages(messages: readonly Message[], systemPrompt: string): Message[] {
  const out = messages.map((m) => ({ ...m }));
  const first = out[0];
  if (first !== undefined && first.role === "system") first.content = `${systemPrompt}\n\n${first.content}`;
  else out.unshift({ role: "system", content: systemPrompt });
  return out;
}
