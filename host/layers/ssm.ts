// Ssm layer on the host: not built yet.

import type { EncodeContext, Encoded, ReferenceLayer } from "./types.js";

export interface SsmSpec {
  kind: "ssm";
  inputLen: number;
}

export function checkSsm(s: SsmSpec): void {
  throw new Error("ssm layers are not supported yet");
}

export function ssmReference(s: SsmSpec): ReferenceLayer {
  throw new Error("ssm layers are not supported yet");
}

export function encodeSsm(s: SsmSpec, ctx: EncodeContext): Encoded {
  throw new Error("ssm layers are not supported yet");
}

export function ssmOutputLen(s: SsmSpec): number {
  return s.inputLen;
}
