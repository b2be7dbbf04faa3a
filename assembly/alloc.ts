// The allocator behind memAlloc and memFree, used only when a model is loaded or a stream is
// opened — never in a step. Blocks are 16-byte aligned for SIMD loads and zero-filled.
//
// From heapStart to heapEnd, memory is a chain of blocks: a Block header (16 bytes), then the
// payload. Past heapEnd is memory the bump pointer has not handed out. What memAlloc and memFree
// cost does not grow with the number of live blocks (an open stream holds two; a server may hold
// thousands of streams):
// - every header names the block physically before it (a boundary tag), so a freed block merges
//   with both neighbours at once, and a free run that ends the heap goes back to the bump pointer;
// - free blocks sit on doubly linked lists by size class — class k holds payloads of 16·2^k up to
//   16·2^(k+1) − 16 bytes — with a bitmap of the classes that hold any. memAlloc takes the first
//   block of the request's own class when it is big enough, else the first of the smallest class
//   above (every block there is), else bumps heapEnd; a block's excess is split off onto its list;
// - a check word in every header (address ^ size ^ CHECK; 0 once the block is merged away or
//   back behind the bump pointer), with the block after it naming it back, lets memFree ignore a
//   pointer it never gave out, or one already freed, without walking the heap. (Data that forges
//   a header for its own address, check word and neighbour included, would pass.)

/** The header in front of every block. */
// @ts-ignore: decorator
@unmanaged class Block {
  payloadBytes: u32; // a multiple of 16
  free: u32;         // 1 free (on a list), 0 in use
  before: u32;       // the block physically before this one; 0: the first
  check: u32;        // address ^ payloadBytes ^ CHECK while this is a block, else 0
}

/** A free block: its header, then the list links in its payload. */
// @ts-ignore: decorator
@unmanaged class FreeBlock extends Block {
  handleTag: u32;    // left alone: a handle's tag, cleared before its block is freed, stays 0 (isTagged)
  unused: u32;
  next: u32;         // the next block on its list; 0: the last
  prev: u32;         // the previous one; 0: the first
}

const HEADER: usize = offsetof<Block>(); // 16: keeps payloads 16-aligned
const CHECK: u32 = 0x2a1b0c0d; // low 4 bits set: a live check word is never 0
const CLASSES: usize = 28; // payloads up to 0x7ff00000 bytes: fewer than 2^28 granules of 16
const lists = memory.data(<i32>CLASSES << 2, 16); // the first block of each class's list; 0: empty
let nonEmpty: u32 = 0; // bit k: class k's list holds a block
const heapStart: usize = (__heap_base + 15) & ~<usize>15;
let heapEnd: usize = heapStart;
let lastBlock: usize = 0; // the block that ends at heapEnd; 0: none
let limit: usize = 0; // memLimit's cap on heapEnd; 0: none

function zero(ptr: usize, bytes: usize): void {
  for (let p = ptr, end = ptr + bytes; p < end; p += 8) store<u64>(p, 0);
}

// @ts-ignore: decorator
@inline function block(p: usize): FreeBlock { return changetype<FreeBlock>(p); }
// @ts-ignore: decorator
@inline function sizeClass(payloadBytes: usize): usize { return 31 - clz<u32>(<u32>(payloadBytes >> 4)); }
// @ts-ignore: decorator
@inline function listHead(k: usize): usize { return lists + (k << 2); }

/** Make `p` a block in use of `bytes` payload, after the block `before`. */
function setBlock(p: usize, bytes: usize, before: usize): void {
  const b = block(p);
  b.payloadBytes = <u32>bytes;
  b.free = 0;
  b.before = <u32>before;
  b.check = <u32>(p ^ bytes) ^ CHECK;
}

/** Free block `p` onto the front of its class's list. */
function push(p: usize): void {
  const k = sizeClass(block(p).payloadBytes);
  const head = load<u32>(listHead(k));
  block(p).free = 1;
  block(p).next = head;
  block(p).prev = 0;
  if (head != 0) block(head).prev = <u32>p;
  store<u32>(listHead(k), <u32>p);
  nonEmpty |= 1 << <u32>k;
}

/** Take free block `p` off its list. */
function unlink(p: usize): void {
  const next = block(p).next, prev = block(p).prev;
  if (prev != 0) {
    block(prev).next = next;
  } else {
    const k = sizeClass(block(p).payloadBytes);
    store<u32>(listHead(k), next);
    if (next == 0) nonEmpty &= ~(1 << <u32>k);
  }
  if (next != 0) block(next).prev = prev;
}

/** Allocate `bytes` (rounded up to 16), zero-filled; returns 0 when memory cannot grow. */
export function memAlloc(bytes: u32): usize {
  const size = ((<usize>bytes + 15) & ~<usize>15) || 16;
  if (size > 0x7ff00000) return 0;
  const k = sizeClass(size);
  let p = <usize>load<u32>(listHead(k));
  if (p == 0 || <usize>block(p).payloadBytes < size) {
    const above = nonEmpty & (<u32>0xfffffffe << <u32>k);
    p = above != 0 ? <usize>load<u32>(listHead(ctz(above))) : 0;
  }
  let have = size, before = lastBlock;
  if (p != 0) {
    unlink(p);
    have = <usize>block(p).payloadBytes;
    before = <usize>block(p).before;
    if (have - size >= HEADER + 16) {
      // split: the tail goes back on a list (a free block never ends the heap: a block follows)
      const rest = p + HEADER + size, restBytes = have - size - HEADER;
      setBlock(rest, restBytes, p);
      block(rest + HEADER + restBytes).before = <u32>rest;
      push(rest);
      have = size;
    }
  } else {
    p = heapEnd;
    const end = p + HEADER + size;
    if (end < p || (limit != 0 && end > limit)) return 0;
    const havePages = <usize>memory.size();
    const needPages = (end + 0xffff) >> 16;
    if (needPages > havePages && memory.grow(<i32>(needPages - havePages)) < 0) return 0;
    lastBlock = p;
    heapEnd = end;
  }
  setBlock(p, have, before);
  zero(p + HEADER, have);
  return p + HEADER;
}

/**
 * Cap the heap at `bytes` of linear memory (0: no cap but the runtime's): past it memAlloc returns
 * 0 before it grows memory, for a runtime whose memory limit is not whole pages (wasm3's
 * memoryLimit), where touching memory past the limit would trap. Returns the heap's end now:
 * the linear memory in use, static data and stack included.
 */
export function memLimit(bytes: u32): usize {
  limit = <usize>bytes;
  return heapEnd;
}

/** Free a block from memAlloc; merges it with free neighbours. Unknown pointers are ignored. */
export function memFree(ptr: usize): void {
  if (ptr < heapStart + HEADER || ptr >= heapEnd || (ptr & 15) != 0) return;
  let p = ptr - HEADER;
  const bytes = <usize>block(p).payloadBytes;
  // a block in use: its check word holds, it ends inside the heap, and the block after names it
  // (or it is the last)
  if (block(p).free != 0 || block(p).check != (<u32>(p ^ bytes) ^ CHECK) || bytes > heapEnd - ptr) return;
  let next = ptr + bytes;
  if (next < heapEnd ? <usize>block(next).before != p : lastBlock != p) return;
  if (next < heapEnd && block(next).free != 0) {
    unlink(next);
    block(next).check = 0;
    next += HEADER + <usize>block(next).payloadBytes;
  }
  const before = <usize>block(p).before;
  if (before != 0 && block(before).free != 0) {
    unlink(before);
    block(p).check = 0;
    p = before;
  }
  if (next == heapEnd) {
    // the free run ends the heap: back to the bump pointer
    block(p).check = 0;
    lastBlock = <usize>block(p).before;
    heapEnd = p;
    return;
  }
  setBlock(p, next - p - HEADER, block(p).before);
  block(next).before = <u32>p;
  push(p);
}

/**
 * Is `p` a live handle: 16-aligned, its `bytes` inside memory, its first word `tag`? Every handle
 * the ABI takes (model, stream, frontend) is checked so, and cleared on free, so a stale or
 * made-up handle is refused instead of trusted.
 */
export function isTagged(p: usize, bytes: usize, tag: u32): bool {
  return p >= 16 && (p & 15) == 0 && <u64>p + <u64>bytes <= (<u64>memory.size() << 16) && load<u32>(p) == tag;
}
