// NumPy .npy in and out for the command line (npyjs does the format), with the checks a user
// needs: float data, C order, the expected rank.

import { parse, dump } from "npyjs";

export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/**
 * Parse a .npy file and check what every reader needs: C order, one of `dtypes` (`dtypeText` names
 * them in the error), one of `ranks` (`expected` names them), and as many values as the shape says.
 */
function parseNpy(bytes: Uint8Array, what: string, dtypes: string[], dtypeText: string, ranks: number[], expected: string) {
  let arr;
  try {
    // the values are a view over the file's bytes when they are a whole ArrayBuffer of their own
    // (readFileSync of anything but a small file), else over a copy
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    arr = parse(whole ? (bytes.buffer as ArrayBuffer) : (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer));
  } catch (e) {
    throw new Error(`${what} is not a valid .npy file (${(e as Error).message})`);
  }
  if (arr.fortranOrder) throw new Error(`${what} is in Fortran order; save it with np.ascontiguousarray`);
  if (!dtypes.includes(arr.dtype)) throw new Error(`${what} has dtype ${arr.dtype}; expected ${dtypeText}`);
  if (!ranks.includes(arr.shape.length)) throw new Error(`${what} has shape [${arr.shape.join(", ")}]; expected ${expected}`);
  const values = (arr.data as unknown as ArrayLike<number>).length;
  if (values !== arr.shape.reduce((a: number, b: number) => a * b, 1)) throw new Error(`${what} is truncated: ${values} values for shape [${arr.shape.join(", ")}]`);
  return arr;
}

/** A float32 (or float64, converted) array of one of `ranks`, C order, finite values checked by the callers. */
function parseFloatNpy(bytes: Uint8Array, what: string, ranks: number[], expected: string): { data: Float32Array; shape: number[] } {
  const arr = parseNpy(bytes, what, ["f4", "f8"], "float32 (or float64)", ranks, expected);
  const data = arr.data instanceof Float32Array ? arr.data : Float32Array.from(arr.data as Float64Array);
  return { data, shape: arr.shape };
}

/** Read a float32 (or float64, converted) [T, F] array. `what` names it in errors. */
export function readNpyMatrix(bytes: Uint8Array, what: string): Matrix {
  const { data, shape } = parseFloatNpy(bytes, what, [2], "[T, F]");
  return { data, rows: shape[0], cols: shape[1] };
}

/**
 * Sequences of feature vectors: [T, F] (one sequence) or [N, T, F] (N sequences), float32 or
 * float64 — what `tinyrnn convert --calibrate` takes. Returns the sequences, each [T, F] flat.
 */
export function readNpySequences(bytes: Uint8Array, what: string): { sequences: Float32Array[]; features: number } {
  const { data, shape } = parseFloatNpy(bytes, what, [2, 3], "[T, F] or [N, T, F]");
  const [n, t, f] = shape.length === 2 ? [1, shape[0], shape[1]] : shape;
  if (n * t === 0) throw new Error(`${what} holds no steps`);
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) throw new Error(`${what} has a non-finite value at index ${i}`);
  return { sequences: Array.from({ length: n }, (_, i) => data.subarray(i * t * f, (i + 1) * t * f)), features: f };
}

/**
 * The bytes of a float32 [rows, cols] .npy file, its values zero, and a view of its values to fill
 * in place: the header (npyjs's, 8-byte aligned) comes first, so the values are aligned too.
 */
export function npyMatrixFile(rows: number, cols: number): { bytes: Uint8Array; data: Float32Array } {
  const header = new Uint8Array(dump(new Float32Array(0), [rows, cols]));
  const bytes = new Uint8Array(header.length + 4 * rows * cols);
  bytes.set(header);
  return { bytes, data: new Float32Array(bytes.buffer, header.length, rows * cols) };
}

/** A float32 [rows, cols] .npy file. */
export function writeNpyMatrix(data: Float32Array, rows: number, cols: number): Uint8Array {
  if (data.length !== rows * cols) throw new RangeError(`${data.length} values for shape [${rows}, ${cols}]`);
  const file = npyMatrixFile(rows, cols);
  file.data.set(data);
  return file.bytes;
}

/** An integer array (int8, int16 or int32, C order) of one of `ranks`: its values and shape. */
export function readNpyInt(bytes: Uint8Array, what: string, dtypes: ("i1" | "i2" | "i4")[], ranks: number[], expected: string): { data: Int8Array | Int16Array | Int32Array; shape: number[] } {
  const names = { i1: "int8", i2: "int16", i4: "int32" };
  const arr = parseNpy(bytes, what, dtypes, dtypes.map((d) => names[d]).join(" or "), ranks, expected);
  return { data: arr.data as Int8Array | Int16Array | Int32Array, shape: arr.shape };
}

/** The dtype of a .npy file ("f4", "i2", …), or undefined when it is not one. */
export function npyDtype(bytes: Uint8Array): string | undefined {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, Math.min(bytes.length, 256)));
  return /'descr'\s*:\s*'[<>|=]?([a-zA-Z]\d+)'/.exec(head)?.[1];
}
