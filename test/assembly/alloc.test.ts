// The allocator (assembly/alloc.ts) through its exports memAlloc, memFree and memLimit, on both
// builds: thousands of allocations and frees of random sizes in random order, with pointers it
// never gave out and pointers freed twice thrown in. What it costs is `npm run bench`'s to
// measure (stream open + dispose with many streams open), not a test's.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Runtime } from "../tinyrnn.js";
import { BUILDS, runtime, rng } from "../helpers.js";

/** What a block of `bytes` holds: rounded up to 16, at least 16. */
const payload = (bytes: number) => Math.max(16, (bytes + 15) & ~15);

/** Live blocks, each filled with its own byte so that an overlap or a stray write shows. */
class Heap {
  readonly live = new Map<number, { bytes: number; fill: number }>();
  private count = 0;
  constructor(readonly rt: Runtime) {}

  alloc(bytes: number): number {
    const p = this.rt.exports.memAlloc(bytes);
    assert.ok(p > 0, `memAlloc(${bytes}) failed`);
    assert.equal(p % 16, 0, `memAlloc(${bytes}) = ${p}: not 16-aligned`);
    assert.ok(!this.live.has(p), `memAlloc(${bytes}) = ${p}: already live`);
    const n = payload(bytes);
    const u8 = this.rt.u8;
    assert.ok(p + n <= u8.length, `memAlloc(${bytes}) = ${p}: past the end of memory`);
    for (let i = p; i < p + n; i++) if (u8[i] !== 0) assert.fail(`memAlloc(${bytes}) = ${p}: byte ${i - p} is ${u8[i]}, not zero`);
    const fill = (this.count++ % 255) + 1;
    u8.fill(fill, p, p + n);
    this.live.set(p, { bytes: n, fill });
    return p;
  }

  /** Check that block `p` still holds its own byte everywhere, then free it. */
  free(p: number): void {
    const b = this.live.get(p)!;
    const u8 = this.rt.u8;
    for (let i = p; i < p + b.bytes; i++) if (u8[i] !== b.fill) assert.fail(`block ${p} (${b.bytes} B): byte ${i - p} was overwritten`);
    this.rt.exports.memFree(p);
    this.live.delete(p);
  }

  /** No two live blocks overlap, and all lie below the heap's end. */
  checkDisjoint(): void {
    const blocks = [...this.live].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < blocks.length; i++) {
      const [p, { bytes }] = blocks[i - 1];
      assert.ok(p + bytes <= blocks[i][0], `blocks ${p} (${bytes} B) and ${blocks[i][0]} overlap`);
    }
    const end = this.rt.exports.memLimit(0);
    if (blocks.length) assert.ok(blocks[blocks.length - 1][0] + blocks[blocks.length - 1][1].bytes <= end);
  }
}

/** Mostly small blocks, some of a few KB, a few over a 64 KiB page; now and then 0 bytes. */
function randomBytes(r: () => number): number {
  const u = r();
  if (u < 0.02) return 0;
  if (u < 0.7) return 1 + Math.floor(r() * 256);
  if (u < 0.97) return 1 + Math.floor(r() * 8192);
  return 65536 + Math.floor(r() * 100000);
}

for (const build of BUILDS) {
  test(`${build}: random allocations and frees never overlap, come zeroed and 16-aligned, and all freed give the heap back`, async () => {
    const rt = await runtime(build, true);
    const ex = rt.exports;
    const start = ex.memLimit(0);
    const heap = new Heap(rt);
    const r = rng(2101);
    let strays = 0, doubles = 0, maxLive = 0;
    const freed: number[] = []; // pointers freed and not handed out again since
    for (const ops of [6000, 3000]) {
      for (let op = 0; op < ops; op++) {
        // grow to a few thousand live blocks, then shrink, then grow again
        const wantMore = heap.live.size < 50 || r() < (op % 3000 < 1800 ? 0.8 : 0.35);
        if (wantMore) {
          const p = heap.alloc(randomBytes(r));
          const k = freed.indexOf(p);
          if (k >= 0) freed.splice(k, 1);
        } else {
          const ptrs = [...heap.live.keys()];
          const p = ptrs[Math.floor(r() * ptrs.length)];
          heap.free(p);
          freed.push(p);
          if (freed.length > 64) freed.shift();
        }
        maxLive = Math.max(maxLive, heap.live.size);
        if (op % 7 === 0) {
          // a pointer it never gave out: into a live block, at its header, unaligned, outside
          // the heap, or anywhere 16-aligned in the heap; memFree must ignore every one
          const ptrs = [...heap.live.keys()];
          const q = ptrs[Math.floor(r() * ptrs.length)];
          const end = ex.memLimit(0);
          const stray = [q + 16 * (1 + Math.floor(r() * (heap.live.get(q)!.bytes / 16))), q - 16, q - 32, q + 1, q + 8, 0, 16, start - 16,
            end, end + 16, 0x7ffffff0, (start + Math.floor(r() * (end - start))) & ~15];
          for (const s of stray) {
            if (heap.live.has(s)) continue;
            ex.memFree(s);
            strays++;
          }
        }
        if (op % 11 === 0 && freed.length) {
          // a pointer freed before (maybe merged into a neighbour since) and not handed out again
          ex.memFree(freed[Math.floor(r() * freed.length)]);
          doubles++;
        }
        if (op % 500 === 0) heap.checkDisjoint();
      }
      heap.checkDisjoint();
      for (const p of [...heap.live.keys()].sort(() => r() - 0.5)) heap.free(p);
      assert.equal(ex.memLimit(0), start, "everything freed: the heap's end is back where it started");
    }
    assert.ok(maxLive > 1000, `only ${maxLive} blocks were live at once`);
    assert.ok(strays > 1000 && doubles > 500);
  });

  test(`${build}: freed blocks are reused, merge with free neighbours, and return to the heap's end`, async () => {
    const rt = await runtime(build, true);
    const ex = rt.exports;
    const start = ex.memLimit(0);
    const heap = new Heap(rt);
    const [a, b, c, d] = [1000, 200, 3000, 16].map((n) => heap.alloc(n));
    heap.free(b);
    assert.equal(heap.alloc(100), b, "a small block goes where a bigger one was freed");
    heap.free(b);
    heap.free(a);
    heap.free(c);
    // a, b and c merged: one block from a to d
    assert.equal(heap.alloc(d - a - 16), a, "freed neighbours merge into one block");
    heap.free(a);
    heap.free(d);
    assert.equal(ex.memLimit(0), start, "a free run at the end goes back to the heap's end");
    // freeing twice changes nothing
    const e = heap.alloc(48);
    heap.free(e);
    ex.memFree(e);
    assert.equal(ex.memLimit(0), start);
    assert.equal(heap.alloc(48), e);
    heap.free(e);
  });

  test(`${build}: past memLimit's cap memAlloc returns 0; freed blocks below it are still handed out`, async () => {
    const rt = await runtime(build, true);
    const ex = rt.exports;
    const start = ex.memLimit(0);
    const heap = new Heap(rt);
    const a = heap.alloc(4096);
    heap.alloc(16);
    heap.free(a);
    const end = ex.memLimit(0);
    ex.memLimit(end + 1024);
    assert.equal(ex.memAlloc(5000), 0, "more than the free block holds, and over the cap");
    assert.equal(ex.memAlloc(0x7fffffff), 0, "over 2 GiB");
    assert.equal(heap.alloc(4000), a, "the free block, under the cap");
    assert.equal(heap.alloc(1024 - 16) + 1024 - 16, end + 1024, "a new block up to the cap");
    assert.equal(ex.memAlloc(100), 0, "more than the free rest of the first block holds, and over the cap");
    ex.memLimit(0);
    assert.ok(heap.alloc(100) > 0);
    for (const p of [...heap.live.keys()]) heap.free(p);
    assert.equal(ex.memLimit(0), start);
  });
}
