import { categoryLanguage, type Message, type Tool } from "@advfc/core";

/**
 * How BFCL's function docs are shown to a model: the language notes BFCL adds for its Java and
 * JavaScript categories, and advfc's prompt-mode system prompt.
 */

/** Placeholder in a system prompt template that is replaced by the function docs (JSON). */
export const FUNCTIONS_PLACEHOLDER = "{functions}";

/**
 * advfc's prompt-mode system prompt (written for advfc, in the spirit of BFCL's prompting
 * handlers): the functions as JSON, and the answer as a Python-syntax list of calls, or `[]`.
 * The checker decodes the reply with BFCL's prompt-mode decoder.
 */
export const DEFAULT_SYSTEM_PROMPT = `You can call functions to fulfil the user's request. The functions available to you are listed at the end, as JSON: each has a name, a description and its parameters as a JSON Schema.

Answer with the function calls only, as one list in Python call syntax, and nothing else:
[function_name(param1=value1, param2=value2), other_function(param=value)]

Rules:
- Use keyword arguments only, spelled exactly as in the parameter schema.
- Fill every required parameter. Leave out optional parameters the request gives no value for.
- Write values as literals: strings in quotes, numbers, True/False, lists [...] and dicts {...}.
- When the request needs several calls, put them all in the one list.
- When a function's description says it is in Java or JavaScript syntax, write each value as a string holding that language's source text, e.g. "new int[]{1, 2}", "true", "[1, 2]".
- When no function fits the request, or the request lacks a value a required parameter needs, answer [] and nothing else.
- No explanations, no code fences, no text before or after the list.

Functions:
${FUNCTIONS_PLACEHOLDER}`;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

function languageHint(language: "python" | "java" | "javascript"): string {
  switch (language) {
    case "java":
      return " Note that the provided function is in Java 8 SDK syntax.";
    case "javascript":
      return " Note that the provided function is in JavaScript syntax.";
    default:
      return " Note that the provided function is in Python 3 syntax.";
  }
}

/**
 * The function docs as BFCL shows them to models of a category (its
 * `func_doc_language_specific_pre_processing`): a language note at the end of every
 * description; for Java and JavaScript, every parameter becomes a `string` holding the value's
 * source text, with a note naming the original type (array element types and dict schemas move
 * into the note). The input is not modified.
 */
export function languageAdjustedFunctions(functions: readonly Tool[], category: string): Tool[] {
  const language = categoryLanguage(category);
  const name = language === "java" ? "Java" : "JavaScript";
  return functions.map((f) => {
    const item = clone(f) as Tool & { description?: string; parameters: { properties?: Record<string, Record<string, Json>> } };
    item.description = (item.description ?? "") + languageHint(language);
    if (language === "python") return item;
    for (const value of Object.values(item.parameters.properties ?? {})) {
      const type = typeof value.type === "string" ? value.type : "any";
      let desc = typeof value.description === "string" ? value.description : "";
      desc +=
        type === "any"
          ? ` This parameter can be of any type of ${name} object in string representation.`
          : ` This is ${name} ${type} type parameter in string representation.`;
      const items = value.items;
      const isList = language === "java" ? type === "ArrayList" || type === "Array" : type === "array";
      if (isList && items !== undefined) {
        const itemType = typeof items === "object" && items !== null && !Array.isArray(items) ? items.type : undefined;
        desc += ` The list elements are of type ${typeof itemType === "string" ? itemType : "any"}; they are not in string representation.`;
        delete value.items;
      }
      if (language === "javascript" && type === "dict" && value.properties !== undefined) {
        desc += ` The dictionary entries have the following schema; they are not in string representation. ${JSON.stringify(value.properties)}`;
        delete value.properties;
      }
      value.description = desc;
      value.type = "string";
    }
    return item;
  });
}

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
