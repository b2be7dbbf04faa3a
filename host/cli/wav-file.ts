// A WAV file on disk, read in pieces: the header once, then the data a piece at a time through
// typed-array views (16-bit mono is handed on as it is), so memory stays flat however long the file.

import { openSync, readSync, fstatSync, closeSync } from "node:fs";
import { readWavHeader, decodeWavFrames, type WavFormat } from "../runtime/core.js";

const HEAD_BYTES = 1 << 16;
const PIECE_BYTES = 1 << 18;

/** Open `path` as a WAV file and call `onPiece` with its samples, in order, a piece at a time. */
export function readWavPieces(path: string, onFormat: (f: WavFormat) => void, onPiece: (samples: Int16Array | Float32Array) => void): WavFormat {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new Error(`cannot read the audio ${path}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
  try {
    const fileBytes = fstatSync(fd).size;
    const head = new Uint8Array(Math.min(fileBytes, HEAD_BYTES));
    readFully(fd, head, 0, path);
    const f = readWavHeader(head, fileBytes, path);
    onFormat(f);
    const pieceFrames = Math.max(1, Math.floor(PIECE_BYTES / f.frameBytes));
    const buf = new Uint8Array(pieceFrames * f.frameBytes);
    const out = new Float32Array(pieceFrames);
    for (let done = 0; done < f.frames; ) {
      const n = Math.min(pieceFrames, f.frames - done);
      const piece = buf.subarray(0, n * f.frameBytes);
      readFully(fd, piece, f.dataOffset + done * f.frameBytes, path);
      onPiece(decodeWavFrames(f, piece, path, done, out));
      done += n;
    }
    return f;
  } finally {
    closeSync(fd);
  }
}

function readFully(fd: number, into: Uint8Array, position: number, path: string): void {
  for (let got = 0; got < into.length; ) {
    const r = readSync(fd, into, got, into.length - got, position + got);
    if (r === 0) throw new Error(`${path} ended early (it shrank while being read?)`);
    got += r;
  }
}
