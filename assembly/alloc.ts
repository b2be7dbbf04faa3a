// A first-fit allocator over linear memory, used only when a model is loaded or a stream is
// opened — never in a step. Blocks are 16-byte aligned for SIMD loads and zero-filled.
// Block = 16-byte header [payloadBytes: u32, free: u32, 8 unused] + payload.

const HEADER: usize = 16;
let heapStart: usize = 0;
let heapEnd: usize = 0;

function init(): void {
  if (heapStart == 0) {
    heapStart = (__heap_base + 15) & ~<usize>15;
    heapEnd = heapStart;
  }
}

function zero(ptr: usize, bytes: usize): void {
  for (let p = ptr, end = ptr + bytes; p < end; p += 8) store<u64>(p, 0);
}

/** Allocate `bytes` (rounded up to 16), zero-filled; returns 0 when memory cannot grow. */
export function memAlloc(bytes: u32): usize {
  init();
  const size = ((<usize>bytes + 15) & ~<usize>15) || 16;
  if (size > 0x7ff00000) return 0;
  for (let p = heapStart; p < heapEnd; p += HEADER + <usize>load<u32>(p)) {
    const blockSize = <usize>load<u32>(p);
    if (load<u32>(p, 4) != 0 && blockSize >= size) {
      if (blockSize - size >= HEADER + 16) {
        // split: the tail stays free
        const rest = p + HEADER + size;
        store<u32>(rest, <u32>(blockSize - size - HEADER));
        store<u32>(rest, 1, 4);
        store<u32>(p, <u32>size);
      }
      store<u32>(p, 0, 4);
      zero(p + HEADER, <usize>load<u32>(p));
      return p + HEADER;
    }
  }
  const p = heapEnd;
  const end = p + HEADER + size;
  const havePages = <usize>memory.size();
  const needPages = (end + 0xffff) >> 16;
  if (needPages > havePages && memory.grow(<i32>(needPages - havePages)) < 0) return 0;
  store<u32>(p, <u32>size);
  store<u32>(p, 0, 4);
  heapEnd = end;
  zero(p + HEADER, size);
  return p + HEADER;
}

/** Free a block from memAlloc; merges it with free neighbours. Unknown pointers are ignored. */
export function memFree(ptr: usize): void {
  init();
  if (ptr < heapStart + HEADER || ptr >= heapEnd || (ptr & 15) != 0) return;
  // Walk from the start so a stray pointer cannot corrupt the heap, merging free runs as we go.
  let prevFree: usize = 0;
  for (let p = heapStart; p < heapEnd; ) {
    const next = p + HEADER + <usize>load<u32>(p);
    if (p + HEADER == ptr) store<u32>(p, 1, 4);
    if (load<u32>(p, 4) != 0) {
      if (prevFree != 0) {
        store<u32>(prevFree, <u32>(next - prevFree - HEADER));
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
