// NumPy .npy in and out for the command line (npyjs does the format), with the checks a user
// needs: float data, C order, the expected rank.

import { parse, dump } from "npyjs";

export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/** Read a float32 (or float64, converted) [T, F] array. `what` names it in errors. */
export function readNpyMatrix(bytes: Uint8Array, what: string): Matrix {
  let arr;
  try {
    arr = parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  } catch (e) {
    throw new Error(`${what} is not a valid .npy file (${(e as Error).message})`);
  }
  if (arr.fortranOrder) throw new Error(`${what} is in Fortran order; save it with np.ascontiguousarray`);
  if (arr.dtype !== "f4" && arr.dtype !== "f8") throw new Error(`${what} has dtype ${arr.dtype}; expected float32 (or float64)`);
  if (arr.shape.length !== 2) throw new Error(`${what} has shape [${arr.shape.join(", ")}]; expected [T, F]`);
  const [rows, cols] = arr.shape;
  const data = arr.data instanceof Float32Array ? arr.data : Float32Array.from(arr.data as Float64Array);
  if (data.length !== rows * cols) throw new Error(`${what} is truncated: ${data.length} values for shape [${rows}, ${cols}]`);
  return { data, rows, cols };
}

/** A float32 [rows, cols] .npy file. */
export function writeNpyMatrix(data: Float32Array, rows: number, cols: number): Uint8Array {
  return new Uint8Array(dump(data, [rows, cols]));
}
