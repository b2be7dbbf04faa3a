// A first-fit allocator over linear memory, used only when a model is loaded or a stream is
// opened — never in a step. Blocks are 16-byte aligned for SIMD loads and zero-filled.
// Block = a BlockHeader, padded to HEADER (16) bytes, then the payload.

/** The header in front of every block. */
// @ts-ignore: decorator
@unmanaged class BlockHeader {
  payloadBytes: u32; // a multiple of 16
  free: u32;         // 1 free, 0 in use
}
const HEADER: usize = (offsetof<BlockHeader>() + 15) & ~15; // 16: keeps payloads 16-aligned
let heapStart: usize = 0;
let heapEnd: usize = 0;
let limit: usize = 0; // memLimit's cap on heapEnd; 0: none

function init(): void {
  if (heapStart == 0) {
    heapStart = (__heap_base + 15) & ~<usize>15;
    heapEnd = heapStart;
  }
}

function zero(ptr: usize, bytes: usize): void {
  for (let p = ptr, end = ptr + bytes; p < end; p += 8) store<u64>(p, 0);
}

// @ts-ignore: decorator
@inline function block(p: usize): BlockHeader { return changetype<BlockHeader>(p); }

/** Allocate `bytes` (rounded up to 16), zero-filled; returns 0 when memory cannot grow. */
export function memAlloc(bytes: u32): usize {
  init();
  const size = ((<usize>bytes + 15) & ~<usize>15) || 16;
  if (size > 0x7ff00000) return 0;
  for (let p = heapStart; p < heapEnd; p += HEADER + <usize>block(p).payloadBytes) {
    const blockSize = <usize>block(p).payloadBytes;
    if (block(p).free != 0 && blockSize >= size) {
      if (blockSize - size >= HEADER + 16) {
        // split: the tail stays free
        const rest = block(p + HEADER + size);
        rest.payloadBytes = <u32>(blockSize - size - HEADER);
        rest.free = 1;
        block(p).payloadBytes = <u32>size;
      }
      block(p).free = 0;
      zero(p + HEADER, <usize>block(p).payloadBytes);
      return p + HEADER;
    }
  }
  const p = heapEnd;
  const end = p + HEADER + size;
  if (limit != 0 && end > limit) return 0;
  const havePages = <usize>memory.size();
  const needPages = (end + 0xffff) >> 16;
  if (needPages > havePages && memory.grow(<i32>(needPages - havePages)) < 0) return 0;
  block(p).payloadBytes = <u32>size;
  block(p).free = 0;
  heapEnd = end;
  zero(p + HEADER, size);
  return p + HEADER;
}

/**
 * Cap the heap at `bytes` of linear memory (0: no cap but the runtime's): past it memAlloc returns
 * 0 before it grows memory, for a runtime whose memory limit is not whole pages (wasm3's
 * memoryLimit), where touching memory past the limit would trap. Returns the heap's end now:
 * the linear memory in use, static data and stack included.
 */
export function memLimit(bytes: u32): usize {
  init();
  limit = <usize>bytes;
  return heapEnd;
}

/** Free a block from memAlloc; merges it with free neighbours. Unknown pointers are ignored. */
export function memFree(ptr: usize): void {
  init();
  if (ptr < heapStart + HEADER || ptr >= heapEnd || (ptr & 15) != 0) return;
  // Walk from the start so a stray pointer cannot corrupt the heap, merging free runs as we go.
  let prevFree: usize = 0;
  for (let p = heapStart; p < heapEnd; ) {
    const next = p + HEADER + <usize>block(p).payloadBytes;
    if (p + HEADER == ptr) block(p).free = 1;
    if (block(p).free != 0) {
      if (prevFree != 0) {
        block(prevFree).payloadBytes = <u32>(next - prevFree - HEADER);
      } else {
        prevFree = p;
      }
    } else {
      prevFree = 0;
    }
    p = next;
  }
  // A free run at the end returns to the bump pointer.
  if (prevFree != 0) heapEnd = prevFree;
}

/**
 * Is `p` a live handle: 16-aligned, its `bytes` inside memory, its first word `tag`? Every handle
 * the ABI takes (model, stream, frontend) is checked so, and cleared on free, so a stale or
 * made-up handle is refused instead of trusted.
 */
export function isTagged(p: usize, bytes: usize, tag: u32): bool {
  return p >= 16 && (p & 15) == 0 && <u64>p + <u64>bytes <= (<u64>memory.size() << 16) && load<u32>(p) == tag;
}
