import { describe, expect, it } from "vitest";
import { toJsonSchema, toOpenAITools } from "./tools.js";

describe("toJsonSchema", () => {
  it("maps BFCL's type names and recurses into nested schemas", () => {
    const bfcl = {
      type: "dict",
      properties: {
        a: { type: "float", description: "x", default: 1.5 },
        b: { type: "tuple", items: { type: "dict", properties: { c: { type: "any" } } } },
        d: { type: "any", description: "anything" },
        e: { type: "array", items: { type: "string", enum: ["x", "y"] } },
        f: { type: "HashMap", description: "java map" },
        g: { type: "long" },
        h: { type: "SomethingUnknown" },
        i: { anyOf: [{ type: "float" }, { type: "dict" }] },
      },
      required: ["a"],
    };
    const copy = structuredClone(bfcl);
    expect(toJsonSchema(bfcl)).toEqual({
      type: "object",
      properties: {
        a: { type: "number", description: "x", default: 1.5 },
        b: { type: "array", items: { type: "object", properties: { c: {} } } },
        d: { description: "anything" },
        e: { type: "array", items: { type: "string", enum: ["x", "y"] } },
        f: { type: "object", description: "java map" },
        g: { type: "integer" },
        h: {},
        i: { anyOf: [{ type: "number" }, { type: "object" }] },
      },
      required: ["a"],
    });
    expect(bfcl).toEqual(copy);
  });

  it("type unions map member by member; an unknown member drops the constraint", () => {
    expect(toJsonSchema({ type: ["float", "null"] })).toEqual({ type: ["number", "null"] });
    expect(toJsonSchema({ type: ["float", "Weird"] })).toEqual({});
    expect(toJsonSchema({ type: "tuple", items: [{ type: "float" }, { type: "str" }] })).toEqual({ type: "array", prefixItems: [{ type: "number" }, { type: "string" }] });
  });

  it("does not treat inherited names (toString) as types", () => {
    expect(toJsonSchema({ type: "toString" })).toEqual({});
  });
});

describe("toOpenAITools", () => {
  const tools = [{ name: "math.factorial", description: "n!", parameters: { type: "dict", properties: { n: { type: "integer" } }, required: ["n"] } }, { name: "noop", parameters: {} }];

  it("wraps each tool as {type: function, function: {name, description, parameters}} with an object schema", () => {
    const { tools: out, names } = toOpenAITools(tools);
    expect(out).toEqual([
      { type: "function", function: { name: "math.factorial", description: "n!", parameters: { type: "object", properties: { n: { type: "integer" } }, required: ["n"] } } },
      { type: "function", function: { name: "noop", parameters: { type: "object", properties: {} } } },
    ]);
    expect(names.size).toBe(0);
  });

  it("schema: as-is keeps the source dialect; sanitizeNames maps names back", () => {
    const { tools: out, names } = toOpenAITools(tools, { schema: "as-is", sanitizeNames: true });
    expect(out[0]!.function.parameters.type).toBe("dict");
    expect(out[0]!.function.name).toBe("math_factorial");
    expect(names.get("math_factorial")).toBe("math.factorial");
    expect(names.has("noop")).toBe(false);
  });
});
