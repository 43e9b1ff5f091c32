import { type Tool, toJsonSchema } from "@advfc/core";

/**
 * BFCL function docs → the tools of an FC-mode request, as BFCL's OpenAI FC handler sends them
 * (`convert_to_tool`): every `.` in a name becomes `_` (OpenAI-style APIs allow
 * `^[a-zA-Z0-9_-]{1,64}$`; the checker then compares names with `underscoreToDot`, as BFCL
 * does for these handlers), and the parameters become a JSON Schema object (`dict` → object,
 * `float` → number, `tuple` → array, …: core's `toJsonSchema`). The input is not modified.
 */
export function toApiTools(functions: readonly Tool[]): Tool[] {
  return functions.map((f) => {
    const parameters = toJsonSchema(f.parameters);
    return { ...f, name: apiToolName(f.name), parameters: { ...parameters, type: "object", properties: parameters.properties ?? {} } };
  });
}

/** A function name as BFCL sends it to OpenAI-style APIs (every `.` becomes `_`). */
export function apiToolName(name: string): string {
  return name.replace(/\./g, "_");
}
