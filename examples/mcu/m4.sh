#!/bin/sh
# tinyrnn-c (examples/mcu/tinyrnn-c.c, unchanged) on wasm3 or WAMR on an emulated Cortex-M4F: QEMU's
# mps2-an386 board, files and stdio over semihosting.
#
#   examples/mcu/m4.sh build <wasm3|wamr> <runtime-source-dir> <firmware.elf>
#       builds the runtime and tinyrnn-c from host/c/ and examples/mcu/ with arm-none-eabi-gcc for a
#       Cortex-M4F (hard float), newlib-nano and librdimon (semihosting), plus examples/mcu/m4/
#       (startup, linker script, timer clock, figures); prints its sizes.
#         wasm3  its source/ (not its WASI or libc bindings), compiled here
#         wamr   its fast interpreter (no WASI, libc, SIMD, threads or AOT; bounds checked in
#                software) on examples/mcu/m4/wamr/, a bare-metal platform, built with CMake
#       Objects are kept beside the firmware, in <firmware.elf>.obj/, and rebuilt when flags change.
#   examples/mcu/m4.sh run <firmware.elf> <tinyrnn-c arguments>...
#       runs it: `qemu-system-arm -M mps2-an386 -icount shift=0`, the arguments passed by
#       semihosting (file paths are the host's, relative to here; no spaces in them). Its stdout is
#       tinyrnn-c's; on stderr tinyrnn-c's own lines, then the figures ("m4: ..."). Under
#       -icount shift=0 one instruction is one nanosecond of virtual time, so the times tinyrnn-c
#       prints are instruction counts (us per hop = thousands of instructions per hop). Exits with
#       the firmware's status.
#   examples/mcu/m4.sh aot <wamrc> <module.wasm> <module.aot>
#       compiles the module ahead of time for the M4 (thumbv7em, eabihf, cortex-m4; bounds checked
#       in software, wamrc's default for 32-bit targets). A firmware built with AOT=1 runs it:
#       pass <module.aot> where tinyrnn-c takes <module.wasm>. wamrc: examples/mcu/build.sh wamrc.
#   examples/mcu/m4.sh calibrate <firmware.elf>
#       builds and runs examples/mcu/m4/calibrate.c: loops of a known instruction count, timed as
#       tinyrnn-c times itself, to check that a nanosecond is an instruction here.
#   examples/mcu/m4.sh clip <in.wav> <from-s> <to-s> <out.wav>
#       cuts [from, to) seconds (whole samples) out of a 16-bit mono PCM WAV with a plain 44-byte
#       header, such as models/sample/morning.wav.
#
# Environment: OPT (default -Os; WAMR's interpreter wants -O2), AOT (WAMR: 1 adds its AOT loader, for modules compiled by wamrc --target=thumbv7em; default 0),
# WASM3_FLAGS (wasm3's d_m3* knobs; default below), JOBS,
# QEMU (default qemu-system-arm), TIMEOUT (seconds QEMU may run, default 600). Needs
# gcc-arm-none-eabi, libnewlib-arm-none-eabi and qemu-system-arm (Debian's); WAMR also cmake.
set -eu

prog=$0
die() { echo "$prog: $*" >&2; exit 1; }
usage() {
  echo "usage: $prog build <wasm3|wamr> <runtime-source-dir> <firmware.elf>" >&2
  echo "       $prog run <firmware.elf> <tinyrnn-c arguments>..." >&2
  echo "       $prog clip <in.wav> <from-s> <to-s> <out.wav>" >&2
  echo "       $prog calibrate <firmware.elf>" >&2
  echo "       $prog aot <wamrc> <module.wasm> <module.aot>" >&2
  exit 2
}
[ $# -ge 1 ] || usage
here=$(cd "$(dirname "$0")" && pwd)
c="$here/../../host/c"
m4="$here/m4"
CC=arm-none-eabi-gcc
OPT=${OPT:--Os}
# wasm3's knobs: compiled code in 1 KiB-aligned pages (not 32 KiB), its compiler's operand stack
# (on the C stack while compiling) 256 slots deep (not 2,000)
WASM3_FLAGS=${WASM3_FLAGS:--Dd_m3CodePageAlignSize=1024 -Dd_m3MaxFunctionStackHeight=256}
AOT=${AOT:-0}
JOBS=${JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
QEMU=${QEMU:-qemu-system-arm}
TIMEOUT=${TIMEOUT:-600}
CPU="-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16"

build() {
  [ $# -eq 3 ] || usage
  runtime=$1
  src=$(cd "$2" 2>/dev/null && pwd) || die "no directory $2"
  out=$3
  for tool in $CC arm-none-eabi-objcopy arm-none-eabi-ar arm-none-eabi-size; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)"
  done
  obj="$out.obj"
  mkdir -p "$obj"
  common="$CPU $OPT -g -ffunction-sections -fdata-sections"
  stamp="$runtime | $common | $WASM3_FLAGS | $AOT | $src"
  if [ ! -f "$obj/flags" ] || [ "$(cat "$obj/flags")" != "$stamp" ]; then rm -rf "$obj"/*.o "$obj"/*.a "$obj/wamr"; fi
  echo "$stamp" >"$obj/flags"
  # the runtime's and the C layer's allocations renamed: m4.c counts them apart
  rename="--redefine-sym calloc=m4_rt_calloc --redefine-sym malloc=m4_rt_malloc --redefine-sym realloc=m4_rt_realloc --redefine-sym free=m4_rt_free"

  case $runtime in
    wasm3)
      [ -f "$src/source/wasm3.h" ] || die "$src is not wasm3's source (no source/wasm3.h)"
      # its core, not its WASI or libc bindings
      if [ ! -f "$obj/libm3.a" ]; then
        echo "m4.sh: compiling wasm3 ($OPT $WASM3_FLAGS)" >&2
        ls "$src"/source/m3_*.c | grep -v '/m3_api_' | sed 's,.*/,,; s,\.c$,,' | \
          xargs -P "$JOBS" -I{} sh -c "$CC $common -std=gnu11 -w $WASM3_FLAGS -I'$src/source' -c '$src/source/{}.c' -o '$obj/w3-{}.o' && arm-none-eabi-objcopy $rename '$obj/w3-{}.o'" \
          || die "wasm3 did not compile"
        arm-none-eabi-ar rcs "$obj/libm3.a" "$obj"/w3-*.o
      fi
      includes="-isystem $src/source $WASM3_FLAGS"
      lib="$obj/libm3.a"
      ;;
    wamr)
      [ -f "$src/core/iwasm/include/wasm_export.h" ] || die "$src is not WAMR's source (no core/iwasm/include/wasm_export.h)"
      command -v cmake >/dev/null 2>&1 || die "cmake is not installed (apt-get install cmake make)"
      # its fast interpreter on the bare-metal platform in examples/mcu/m4/wamr/, built with CMake
      if [ ! -f "$obj/wamr/libvmlib.a" ]; then
        echo "m4.sh: building WAMR ($OPT) in $obj/wamr" >&2
        cmake -S "$m4/wamr" -B "$obj/wamr" -DWAMR_ROOT_DIR="$src" -DCMAKE_SYSTEM_NAME=Generic -DCMAKE_SYSTEM_PROCESSOR=arm \
          -DCMAKE_C_COMPILER=$CC -DCMAKE_ASM_COMPILER=$CC -DCMAKE_TRY_COMPILE_TARGET_TYPE=STATIC_LIBRARY -DCMAKE_BUILD_TYPE=Release -DTINYRNN_WAMR_AOT="$AOT" \
          -DCMAKE_C_FLAGS="$common" -DCMAKE_ASM_FLAGS="$CPU" -DCMAKE_C_FLAGS_RELEASE="" >"$obj/wamr-configure.log" 2>&1 \
          || { cat "$obj/wamr-configure.log" >&2; die "cmake could not configure WAMR"; }
        make -C "$obj/wamr" -j"$JOBS" vmlib >"$obj/wamr-build.log" 2>&1 || { tail -40 "$obj/wamr-build.log" >&2; die "WAMR did not build"; }
        ( cd "$obj/wamr" && mkdir -p x && cd x && arm-none-eabi-ar x ../libvmlib.a && for o in *.o *.obj; do [ -f "$o" ] && arm-none-eabi-objcopy $rename "$o"; done; \
          rm -f ../libvmlib.a && arm-none-eabi-ar rcs ../libvmlib.a ./* ) || die "WAMR's objects could not be renamed"
      fi
      includes="-isystem $src/core/iwasm/include"
      lib="$obj/wamr/libvmlib.a"
      ;;
    *) usage ;;
  esac

  echo "m4.sh: compiling tinyrnn-c and the board support" >&2
  warn="-std=c99 -Wall -Wextra -Wpedantic"
  $CC $common $warn -I"$c" $includes -c "$c/tinyrnn.c" -o "$obj/tinyrnn.o"
  $CC $common $warn -I"$c" $includes -c "$c/tinyrnn_$runtime.c" -o "$obj/tinyrnn_$runtime.o"
  arm-none-eabi-objcopy $rename "$obj/tinyrnn.o"
  arm-none-eabi-objcopy $rename "$obj/tinyrnn_$runtime.o"
  $CC $common $warn -I"$c" -include "$m4/clock.h" -c "$here/tinyrnn-c.c" -o "$obj/tinyrnn-c.o"
  # shellcheck disable=SC2086 # word lists
  $CC $common $warn -I"$c" -I"$m4" $includes -DM4_TINYRNN -c "$m4/m4.c" -o "$obj/m4.o"
  # shellcheck disable=SC2086
  $CC $CPU $OPT --specs=nano.specs --specs=rdimon.specs -nostartfiles -T "$m4/mps2-an386.ld" \
    -Wl,--gc-sections -Wl,-z,noexecstack -Wl,--wrap=tinyrnn_backend_call -Wl,--wrap=tinyrnn_backend_open -Wl,-Map="$obj/firmware.map" \
    -u _printf_float "$obj/m4.o" "$obj/tinyrnn-c.o" "$obj/tinyrnn.o" "$obj/tinyrnn_$runtime.o" "$lib" -lm -o "$out"
  arm-none-eabi-size -A "$out" | awk -v out="$out" '
    $1 == ".text" || $1 == ".ARM.exidx" || $1 == ".ARM.extab" { flash += $2 }
    $1 == ".data" { flash += $2; data = $2 } $1 == ".bss" { bss = $2 }
    END { printf "m4.sh: %s: flash %d bytes (code, constants, .data initial values); RAM %d static (.data %d, .bss %d) + heap + stack\n", out, flash, data + bss, data, bss > "/dev/stderr" }'
}

# QEMU's option syntax: a comma inside a value is written twice
qarg() { printf '%s' "$1" | sed 's/,/,,/g'; }

run() {
  [ $# -ge 1 ] || usage
  fw=$1; shift
  [ -f "$fw" ] || die "no firmware $fw (build it first: $prog build <wasm3|wamr> <runtime-source-dir> $fw)"
  command -v "$QEMU" >/dev/null 2>&1 || die "$QEMU is not installed (apt-get install qemu-system-arm)"
  semi="enable=on,target=native,arg=tinyrnn-c"
  for a in "$@"; do
    case $a in *" "*) die "an argument with a space cannot be passed by semihosting: $a" ;; esac
    semi="$semi,arg=$(qarg "$a")"
  done
  status=0
  timeout "$TIMEOUT" "$QEMU" -M mps2-an386 -display none -monitor none -serial none -icount shift=0 \
    -semihosting-config "$semi" -kernel "$fw" || status=$?
  [ "$status" -ne 124 ] || die "QEMU ran past ${TIMEOUT} s (TIMEOUT): stopped"
  exit "$status"
}

# A little-endian u32 or u16 as bytes, for a WAV header
le32() { printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)))"; }

clip() {
  [ $# -eq 4 ] || usage
  in=$1; from=$2; to=$3; out=$4
  [ -f "$in" ] || die "no file $in"
  head=$(od -A n -t x1 -N 44 "$in" | tr -d ' \n')
  # "RIFF", its size, "WAVEfmt ", fmt size 16, PCM (1), mono (1), 16000 Hz, 32000 B/s, block 2, 16 bits, "data"
  want=57415645666d74201000000001000100803e0000007d00000200100064617461
  [ "$(printf '%s' "$head" | cut -c 1-8)" = 52494646 ] && [ "$(printf '%s' "$head" | cut -c 17-80)" = "$want" ] ||
    die "$in is not a 16-bit mono 16 kHz PCM WAV with a plain 44-byte header"
  first=$(awk -v s="$from" 'BEGIN { if (s !~ /^[0-9]+(\.[0-9]+)?$/) exit 1; printf "%d", s * 16000 + 0.5 }') || die "from-s must be seconds, not $from"
  last=$(awk -v s="$to" 'BEGIN { if (s !~ /^[0-9]+(\.[0-9]+)?$/) exit 1; printf "%d", s * 16000 + 0.5 }') || die "to-s must be seconds, not $to"
  have=$(( ($(wc -c <"$in") - 44) / 2 ))
  [ "$first" -lt "$last" ] && [ "$last" -le "$have" ] || die "[$from, $to) s is not inside $in ($have samples at 16 kHz)"
  n=$(( last - first ))
  {
    printf RIFF; le32 $(( 36 + 2 * n )); printf 'WAVEfmt '; le32 16
    printf '\001\000\001\000'; le32 16000; le32 32000; printf '\002\000\020\000'
    printf data; le32 $(( 2 * n ))
    tail -c +$(( 45 + 2 * first )) "$in" | head -c $(( 2 * n ))
  } >"$out"
}

# A firmware of calibrate.c and m4.c alone (no wasm3): a known loop timed as tinyrnn-c times itself
calibrate() {
  [ $# -eq 1 ] || usage
  out=$1
  mkdir -p "$(dirname "$out")"
  $CC $CPU $OPT -std=c99 -Wall -Wextra -Wpedantic -I"$c" -I"$m4" --specs=nano.specs --specs=rdimon.specs -nostartfiles \
    -T "$m4/mps2-an386.ld" -Wl,--gc-sections "$m4/m4.c" "$m4/calibrate.c" -o "$out"
  run "$out"
}

aot() {
  [ $# -eq 3 ] || usage
  [ -x "$1" ] || die "no wamrc at $1 (build it: examples/mcu/build.sh wamrc <wamr-source-dir> <wamrc>)"
  [ -f "$2" ] || die "no module $2"
  "$1" --target=thumbv7em --target-abi=eabihf --cpu=cortex-m4 --opt-level=3 -o "$3" "$2" >"$3.log" 2>&1 ||
    { cat "$3.log" >&2; rm -f "$3.log"; die "wamrc could not compile $2"; }
  rm -f "$3.log"
}

cmd=$1; shift
case $cmd in
  aot) aot "$@" ;;
  build) build "$@" ;;
  calibrate) calibrate "$@" ;;
  run) run "$@" ;;
  clip) clip "$@" ;;
  *) usage ;;
esac
