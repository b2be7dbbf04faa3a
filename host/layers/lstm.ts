// Lstm layer on the host: not built yet.

import type { EncodeContext, Encoded, ReferenceLayer } from "./types.js";

export interface LstmSpec {
  kind: "lstm";
  inputLen: number;
}

export function checkLstm(s: LstmSpec): void {
  throw new Error("lstm layers are not supported yet");
}

export function lstmReference(s: LstmSpec): ReferenceLayer {
  throw new Error("lstm layers are not supported yet");
}

export function encodeLstm(s: LstmSpec, ctx: EncodeContext): Encoded {
  throw new Error("lstm layers are not supported yet");
}

export function lstmOutputLen(s: LstmSpec): number {
  return s.inputLen;
}
