import { z } from "zod";

/** Chat roles a sample's messages may have. */
export const MESSAGE_ROLES = ["system", "user", "assistant", "tool"] as const;

/**
 * One chat message. `content` is always a string (converters turn OpenAI's `null` content and
 * text-part arrays into strings). Other keys (`tool_calls`, `tool_call_id`, `name`, …) are kept.
 */
export const MessageSchema = z.looseObject({
  role: z.enum(MESSAGE_ROLES),
  content: z.string(),
});
export type Message = z.output<typeof MessageSchema>;
