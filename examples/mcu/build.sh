#!/bin/sh
# Build tinyrnn-c, the C host example, against a WebAssembly runtime built from its sources; or
# WAMR's ahead-of-time compiler wamrc:
#
#   examples/mcu/build.sh <wasm3|wamr|wamr-aot|wamr-aot-hw|wamr-aot-only> <runtime-source-dir> <output-binary>
#   examples/mcu/build.sh wamrc <wamr-source-dir> <output-wamrc>
#
#   wasm3     <runtime-source-dir> holds wasm3's CMakeLists.txt and source/ (github.com/wasm3/wasm3)
#   wamr      <runtime-source-dir> holds WAMR's core/ and product-mini/ (bytecodealliance/wasm-micro-runtime),
#             built as its fast interpreter, without WASI, libc, SIMD or AOT, its bounds checked in
#             software (as on a microcontroller, which has no guard pages)
#   wamr-aot  the same, with WAMR's AOT loader too: this tinyrnn-c runs a module.wasm (interpreted)
#             or a module.aot that wamrc compiled with --bounds-checks=1 (the runtime does not
#             check bounds in hardware, and an .aot file does not say how it was compiled: one
#             compiled without runs with no bounds checks at all)
#   wamr-aot-hw  the same with WAMR's hardware bounds checks, for 64-bit Linux (not a
#             microcontroller): linear memory inside an 8 GiB reservation of address space, and
#             WAMR's SIGSEGV handler; runs an .aot compiled with or without --bounds-checks=1
#             (without, wamrc's default on 64-bit targets: several times faster)
#   wamr-aot-only  WAMR's AOT loader alone, no interpreter (the smallest WAMR), with SIMD: runs an
#             .aot only (compiled with --bounds-checks=1), of the mvp or the simd build
#   wamrc     WAMR's AOT compiler (wamr-compiler/ of the same source), against LLVM 16
#             (Debian: apt-get install llvm-16-dev; LLVM_DIR names another LLVM's lib/cmake/llvm);
#             under a minute on two cores. Then: <output-wamrc> --bounds-checks=1 -o module.aot module.wasm
#
# The runtime is built once, with CMake, into <runtime-source-dir>/build-tinyrnn (build-tinyrnn-aot,
# build-tinyrnn-aot-hw, build-tinyrnn-aot-only, build-wamrc), again only when its sources change;
# then tinyrnn-c is compiled from host/c/ and examples/mcu/ (C99, -Wall -Wextra, in a second or two). Environment: CC (default cc), JOBS
# (parallel jobs, default: the CPUs), CFLAGS (added to tinyrnn-c's). Needs cmake, make and a C
# compiler (wamrc: a C++ compiler too).
set -eu

usage() { echo "usage: $0 <wasm3|wamr|wamr-aot|wamr-aot-hw|wamr-aot-only|wamrc> <runtime-source-dir> <output-binary>" >&2; exit 2; }
[ $# -eq 3 ] || usage
runtime=$1
src=$(cd "$2" 2>/dev/null && pwd) || { echo "$0: no directory $2" >&2; exit 1; }
out=$3
here=$(cd "$(dirname "$0")" && pwd)
c="$here/../../host/c"
lib="$src/build-tinyrnn"
CC=${CC:-cc}
JOBS=${JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
for tool in cmake make "$CC"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$0: $tool is not installed (apt-get install cmake make gcc)" >&2; exit 1; }
done

# cmake configure and build in $lib, quiet unless they fail (their log is then shown)
cmake_build() { # <source> <target> <cmake options>...
  s=$1; target=$2; shift 2
  mkdir -p "$lib"
  if [ ! -f "$lib/CMakeCache.txt" ]; then
    echo "build.sh: configuring $runtime in $lib" >&2
    if ! cmake -S "$s" -B "$lib" -DCMAKE_BUILD_TYPE=Release "$@" >"$lib/configure.log" 2>&1; then
      cat "$lib/configure.log" >&2; rm -f "$lib/CMakeCache.txt"; echo "$0: cmake could not configure $runtime" >&2; exit 1
    fi
  fi
  echo "build.sh: building $runtime ($target) in $lib" >&2
  if ! make -C "$lib" -j"$JOBS" "$target" >"$lib/build.log" 2>&1; then
    tail -40 "$lib/build.log" >&2; echo "$0: $runtime did not build (whole log: $lib/build.log)" >&2; exit 1
  fi
}

is_wamr() {
  [ -f "$src/core/iwasm/include/wasm_export.h" ] || { echo "$0: $src is not WAMR's source (no core/iwasm/include/wasm_export.h)" >&2; exit 1; }
}

# WAMR as tinyrnn-c links it: nothing the module does not import; the fast interpreter, the AOT
# loader or both; bounds checked in software or in hardware. (SIMD in the fast interpreter would
# need SIMDe, which WAMR's CMake fetches from GitHub: not here.)
wamr_lib() { # <interpreter: 0|1> <AOT: 0|1> <hardware bounds checks off: 1|0> <SIMD: 0|1>
  is_wamr
  cmake_build "$src/product-mini/platforms/linux" vmlib \
    -DWAMR_BUILD_INTERP="$1" -DWAMR_BUILD_FAST_INTERP="$1" -DWAMR_BUILD_AOT="$2" -DWAMR_BUILD_JIT=0 \
    -DWAMR_BUILD_LIBC_WASI=0 -DWAMR_BUILD_LIBC_BUILTIN=0 -DWAMR_BUILD_SIMD="$4" -DWAMR_DISABLE_HW_BOUND_CHECK="$3"
  includes="-isystem $src/core/iwasm/include"
  libs="$lib/libiwasm.a -lm -lpthread -ldl"
  backend=wamr
}

case $runtime in
  wasm3)
    [ -f "$src/source/wasm3.h" ] || { echo "$0: $src is not wasm3's source (no source/wasm3.h)" >&2; exit 1; }
    cmake_build "$src" m3 -DBUILD_WASI=none
    includes="-isystem $src/source"
    libs="$lib/source/libm3.a -lm"
    backend=wasm3
    ;;
  wamr) wamr_lib 1 0 1 0 ;;
  wamr-aot) lib="$src/build-tinyrnn-aot"; wamr_lib 1 1 1 0 ;;
  wamr-aot-hw) lib="$src/build-tinyrnn-aot-hw"; wamr_lib 1 1 0 0 ;;
  wamr-aot-only) lib="$src/build-tinyrnn-aot-only"; wamr_lib 0 1 1 1 ;;
  wamrc)
    is_wamr
    [ -f "$src/wamr-compiler/CMakeLists.txt" ] || { echo "$0: $src has no wamr-compiler/ (WAMR's AOT compiler)" >&2; exit 1; }
    CXX=${CXX:-c++}
    command -v "$CXX" >/dev/null 2>&1 || { echo "$0: $CXX is not installed (apt-get install g++)" >&2; exit 1; }
    llvm=${LLVM_DIR:-$(llvm-config-16 --cmakedir 2>/dev/null || true)}
    [ -n "$llvm" ] && [ -f "$llvm/LLVMConfig.cmake" ] || { echo "$0: wamrc needs LLVM 16's CMake files, not found${llvm:+ in $llvm} (apt-get install llvm-16-dev; or set LLVM_DIR to an LLVM's lib/cmake/llvm)" >&2; exit 1; }
    lib="$src/build-wamrc"
    cmake_build "$src/wamr-compiler" wamrc -DWAMR_BUILD_WITH_CUSTOM_LLVM=1 -DLLVM_DIR="$llvm"
    mkdir -p "$(dirname "$out")"
    cp -L "$lib/wamrc" "$out"
    "$out" --version >/dev/null 2>&1 || { echo "$0: the wamrc built in $lib does not run" >&2; exit 1; }
    exit 0
    ;;
  *) usage ;;
esac

echo "build.sh: compiling $out" >&2
mkdir -p "$(dirname "$out")"
# shellcheck disable=SC2086 # $includes, $libs and $CFLAGS are word lists
"$CC" -std=c99 -O2 -Wall -Wextra -Wpedantic ${CFLAGS:-} -I"$c" $includes \
  "$c/tinyrnn.c" "$c/tinyrnn_$backend.c" "$here/tinyrnn-c.c" $libs -o "$out"
