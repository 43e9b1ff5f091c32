/**
 * Builds ONNX models (ModelProto bytes) from a list of nodes and float32 / int64 initializers, for
 * tests. Field numbers follow onnx/onnx.proto (IR version 8, default-domain opset 17).
 */
import { ProtoWriter } from "./protobuf.js";

/** TensorProto.DataType values used here. */
export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;

/** An attribute value, tagged with its AttributeProto type. */
export type OnnxAttr = { i: number } | { f: number } | { ints: readonly number[] } | { floats: readonly number[] };

/** A graph input/output: element type and shape, where a string is a symbolic (dynamic) dimension. */
export interface OnnxValueInfo {
  name: string;
  elemType: typeof ONNX_FLOAT | typeof ONNX_INT64;
  shape: ReadonlyArray<number | string>;
}

interface Initializer {
  name: string;
  dims: readonly number[];
  dataType: number;
  raw: Uint8Array;
}

interface Node {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attrs: Readonly<Record<string, OnnxAttr>>;
}

export class OnnxGraphBuilder {
  private readonly nodes: Node[] = [];
  private readonly inits: Initializer[] = [];
  private counter = 0;

  constructor(private readonly graphName = "graph") {}

  private fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  /** Adds a float32 initializer (row-major data of the given dims) and returns its name. */
  f32(dims: readonly number[], data: ArrayLike<number>, name = this.fresh("w")): string {
    const n = dims.reduce((a, b) => a * b, 1);
    if (data.length !== n) throw new Error(`initializer ${name}: ${data.length} values for dims [${dims.join(", ")}]`);
    const raw = new Uint8Array(n * 4);
    const dv = new DataView(raw.buffer);
    for (let i = 0; i < n; i++) dv.setFloat32(i * 4, data[i] as number, true);
    this.inits.push({ name, dims, dataType: ONNX_FLOAT, raw });
    return name;
  }

  /** Adds an int64 initializer; `dims` = [] makes a scalar. */
  i64(dims: readonly number[], data: readonly number[], name = this.fresh("c")): string {
    const raw = new Uint8Array(data.length * 8);
    const dv = new DataView(raw.buffer);
    data.forEach((v, i) => dv.setBigInt64(i * 8, BigInt(v), true));
    this.inits.push({ name, dims, dataType: ONNX_INT64, raw });
    return name;
  }

  /** Adds a node with one output and returns the output's name (or `output` when given). */
  op(op: string, inputs: readonly string[], attrs: Readonly<Record<string, OnnxAttr>> = {}, output = this.fresh(op.toLowerCase())): string {
    this.nodes.push({ op, inputs, outputs: [output], attrs });
    return output;
  }

  /** Serialises a ModelProto with the given graph inputs and outputs. */
  build(inputs: readonly OnnxValueInfo[], outputs: readonly OnnxValueInfo[]): Uint8Array {
    const graph = new ProtoWriter();
    this.nodes.forEach((n, idx) => {
      const node = new ProtoWriter();
      for (const i of n.inputs) node.string(1, i);
      for (const o of n.outputs) node.string(2, o);
      node.string(3, `${n.op}_${idx}`);
      node.string(4, n.op);
      for (const [name, a] of Object.entries(n.attrs)) node.message(5, attribute(name, a));
      graph.message(1, node);
    });
    graph.string(2, this.graphName);
    for (const t of this.inits) {
      const tensor = new ProtoWriter();
      for (const d of t.dims) tensor.int(1, d);
      tensor.int(2, t.dataType).string(8, t.name).bytes(9, t.raw);
      graph.message(5, tensor);
    }
    for (const v of inputs) graph.message(11, valueInfo(v));
    for (const v of outputs) graph.message(12, valueInfo(v));

    const model = new ProtoWriter();
    model.int(1, 8); // ir_version
    model.string(2, "advfc-tiny-model-generator");
    model.message(7, graph);
    model.message(8, new ProtoWriter().string(1, "").int(2, 17)); // opset_import {domain "", version 17}
    return model.finish();
  }
}

function attribute(name: string, a: OnnxAttr): ProtoWriter {
  // AttributeProto: name=1, f=2, i=3, floats=7, ints=8, type=20 (FLOAT=1, INT=2, FLOATS=6, INTS=7).
  const w = new ProtoWriter().string(1, name);
  if ("i" in a) w.int(3, a.i).int(20, 2);
  else if ("f" in a) w.float(2, a.f).int(20, 1);
  else if ("ints" in a) {
    for (const v of a.ints) w.int(8, v);
    w.int(20, 7);
  } else {
    for (const v of a.floats) w.float(7, v);
    w.int(20, 6);
  }
  return w;
}

function valueInfo(v: OnnxValueInfo): ProtoWriter {
  // ValueInfoProto{name=1, type=2 → TypeProto{tensor_type=1 → {elem_type=1, shape=2 → {dim=1 → {dim_value=1 | dim_param=2}}}}}
  const shape = new ProtoWriter();
  for (const d of v.shape) shape.message(1, typeof d === "number" ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
  const tensorType = new ProtoWriter().int(1, v.elemType).message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}
