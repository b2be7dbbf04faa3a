#!/bin/sh
# Build tinyrnn-c, the C host example, against a WebAssembly runtime built from its sources:
#
#   examples/mcu/build.sh <wasm3|wamr> <runtime-source-dir> <output-binary>
#
#   wasm3  <runtime-source-dir> holds wasm3's CMakeLists.txt and source/ (github.com/wasm3/wasm3)
#   wamr   <runtime-source-dir> holds WAMR's core/ and product-mini/ (bytecodealliance/wasm-micro-runtime),
#          built as its fast interpreter, without WASI, libc, SIMD or AOT, its bounds checked in
#          software (as on a microcontroller, which has no guard pages)
#
# The runtime is built once, with CMake, into <runtime-source-dir>/build-tinyrnn (again only when
# its sources change); then tinyrnn-c is compiled from host/c/ and examples/mcu/ (C99, -Wall -Wextra,
# in a second or two). Environment: CC (default cc), JOBS (parallel jobs, default: the CPUs),
# CFLAGS (added to tinyrnn-c's). Needs cmake, make and a C compiler.
set -eu

usage() { echo "usage: $0 <wasm3|wamr> <runtime-source-dir> <output-binary>" >&2; exit 2; }
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

# cmake configure and build, quiet unless they fail (their log is then shown)
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

case $runtime in
  wasm3)
    [ -f "$src/source/wasm3.h" ] || { echo "$0: $src is not wasm3's source (no source/wasm3.h)" >&2; exit 1; }
    cmake_build "$src" m3 -DBUILD_WASI=none
    includes="-isystem $src/source"
    libs="$lib/source/libm3.a -lm"
    ;;
  wamr)
    [ -f "$src/core/iwasm/include/wasm_export.h" ] || { echo "$0: $src is not WAMR's source (no core/iwasm/include/wasm_export.h)" >&2; exit 1; }
    cmake_build "$src/product-mini/platforms/linux" vmlib \
      -DWAMR_BUILD_INTERP=1 -DWAMR_BUILD_FAST_INTERP=1 -DWAMR_BUILD_AOT=0 -DWAMR_BUILD_JIT=0 \
      -DWAMR_BUILD_LIBC_WASI=0 -DWAMR_BUILD_LIBC_BUILTIN=0 -DWAMR_BUILD_SIMD=0 -DWAMR_DISABLE_HW_BOUND_CHECK=1
    includes="-isystem $src/core/iwasm/include"
    libs="$lib/libiwasm.a -lm -lpthread -ldl"
    ;;
  *) usage ;;
esac

echo "build.sh: compiling $out" >&2
mkdir -p "$(dirname "$out")"
# shellcheck disable=SC2086 # $includes, $libs and $CFLAGS are word lists
"$CC" -std=c99 -O2 -Wall -Wextra -Wpedantic ${CFLAGS:-} -I"$c" $includes \
  "$c/tinyrnn.c" "$c/tinyrnn_$runtime.c" "$here/tinyrnn-c.c" $libs -o "$out"
