/*
 * tinyrnn-c: the C host on wasm3 or WAMR, as a command line (examples/mcu/build.sh builds it).
 *
 *   tinyrnn-c <module.wasm> <model.tinyrnn> run <input.f32> [-o <output.f32>] [--i16]
 *             [--state-in <file>] [--state-out <file>] [--repeat N]
 *       step a raw stream over the input's rows (float32, little-endian, [T, inputLen]) and write
 *       its outputs ([T, outputLen] float32) to the output file or stdout. --i16: int16 rows in
 *       and out (an int8 model's integer-only step). --state-in/--state-out: continue from, and
 *       save, the stream's state (the TypeScript host's format).
 *
 *   tinyrnn-c <module.wasm> <model.tinyrnn> [detect] <audio.wav> [--json] [--threshold P]
 *       keyword spotting as `tinyrnn detect` does it, with the model's own labels, frontend and
 *       detector settings (its host section, format 1.1): one line per event on stdout, then a
 *       summary; --json: one JSON object per event, the summary on stderr. --threshold P: every
 *       label's threshold.
 *
 *       The settings can be given instead (a file of format 1.0 has no host section):
 *         --labels a,b,... (--sum-thresholds T,... | --thresholds P,...) [--background a,...]
 *         [--smoothing-steps W] [--refractory-steps R]
 *       with the default frontend (30 ms window, 10 ms hop, 40 channels, 125-7500 Hz, noise
 *       reduction, PCAN, log). One threshold per label: an int8 model's window sum
 *       (--sum-thresholds) or a probability (--thresholds: the sum threshold is derived as the
 *       TypeScript host derives it, and the f64 word set too, so the config words, and thus the
 *       saved states, are the TypeScript host's); "-" for a label that never fires, or name such
 *       labels in --background. W defaults to 1 step (no smoothing), R to 100 steps (1 s).
 *       Either way: [--state-in <file>] [--state-out <file>] [--repeat N] [--max-push N]
 *
 *   tinyrnn-c <module.wasm> <model.tinyrnn> info
 *
 *   tinyrnn-c <module.wasm> selftest
 *       only the self-test (host/c/tinyrnn_selftest.h): prints "selftest: ok", or why not.
 *
 * Every command runs the self-test first, right after the module is opened: if this engine does
 * not give Node's outputs, bit for bit, it says where and exits with status 1.
 *
 * On stderr: what ran, how fast, and the memory it took (linear memory, the runtime's own heap,
 * the stack given to the module). --repeat N runs the input N times (a reset between), for
 * timing; outputs and events are those of the first run. --max-memory BYTES caps linear memory
 * (--max-pages N: at N 64 KiB pages), where the module refuses to allocate: an error, not a trap;
 * --stack-bytes N sizes the runtime's stack for the module's calls (default 32 KiB; the module
 * needs ~3 KiB); --pool-bytes N sizes WAMR's pool (default 1 MiB); --max-push N hands the pipeline
 * at most N samples per call (default 4096), which sizes its buffers in linear memory.
 */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tinyrnn.h"
#include "tinyrnn_selftest.h"

#define MAX_VALUES 4096 /* per input or output vector (TINYRNN_MAX_DIM is 8192) */
#define MAX_LABELS 1024

static const char *prog = "tinyrnn-c";

static void die(const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void usage(void) {
    fprintf(stderr,
            "usage: %s <module.wasm> <model.tinyrnn> run <input.f32> [-o <output.f32>] [--i16] [--state-in F] [--state-out F] [--repeat N]\n"
            "       %s <module.wasm> <model.tinyrnn> [detect] <audio.wav> [--json] [--threshold P] [--state-in F] [--state-out F] [--repeat N]\n"
            "                 [--labels a,b (--sum-thresholds T,T | --thresholds P,P) [--background a] [--smoothing-steps W] [--refractory-steps R]]\n"
            "       %s <module.wasm> <model.tinyrnn> info\n"
            "       %s <module.wasm> selftest\n"
            "       any: [--max-memory BYTES | --max-pages N] [--stack-bytes N] [--pool-bytes N]   detect: [--max-push N]\n",
            prog, prog, prog, prog);
    exit(2);
}

/* A whole file, read before the runtime starts (so that the runtime's heap is measured alone). */
static uint8_t *read_file(const char *path, const char *what, uint32_t *bytes) {
    FILE *f = fopen(path, "rb");
    uint8_t *data;
    long n;
    if (!f) die("cannot read the %s %s", what, path);
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) die("cannot read the %s %s (not a regular file?)", what, path);
    if ((unsigned long)n > 0x7fffffffUL) die("the %s %s is too large", what, path);
    data = (uint8_t *)malloc(n ? (size_t)n : 1);
    if (!data) die("out of memory reading the %s %s", what, path);
    if (n && fread(data, 1, (size_t)n, f) != (size_t)n) die("cannot read the %s %s (short read)", what, path);
    fclose(f);
    *bytes = (uint32_t)n;
    return data;
}

static void write_file(const char *path, const void *data, size_t bytes, const char *what) {
    FILE *f = path ? fopen(path, "wb") : stdout;
    if (!f) die("cannot write the %s %s", what, path);
    if (fwrite(data, 1, bytes, f) != bytes || (path ? fclose(f) : fflush(f)) != 0) die("cannot write the %s %s", what, path ? path : "to stdout");
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void check(tinyrnn *rt, int result) {
    if (result < 0) die("%s", tinyrnn_last_error(rt));
}

static uint32_t stack_bytes; /* tinyrnn_options.stack_bytes, for the memory report */

static void report_memory(tinyrnn *rt) {
    tinyrnn_memory_info m;
    char heap[160] = "";
    if (tinyrnn_memory(rt, &m) < 0) return;
    if (m.heap_total_bytes >= 0)
        snprintf(heap, sizeof heap, "; %s's own: %lld bytes in use, %lld at most (of a %lld-byte pool)", tinyrnn_runtime_name(),
                 (long long)m.heap_used_bytes, (long long)m.heap_peak_bytes, (long long)m.heap_total_bytes);
    else if (m.heap_used_bytes >= 0)
        snprintf(heap, sizeof heap, "; %s's own: %lld bytes (malloc)", tinyrnn_runtime_name(), (long long)m.heap_used_bytes);
    fprintf(stderr, "%s: memory: linear %lu pages (%lu bytes held, %lu used)%s; the module's stack %lu bytes\n", prog, (unsigned long)m.linear_pages,
            (unsigned long)m.linear_bytes, (unsigned long)m.linear_used_bytes, heap, (unsigned long)stack_bytes);
}

/* ---- run ------------------------------------------------------------------------------------ */

static int run(tinyrnn *rt, tinyrnn_model *model, const char *model_path, const uint8_t *input, uint32_t input_bytes, int i16,
               const char *out_path, const uint8_t *state_in, uint32_t state_in_bytes, const char *state_out, long repeat) {
    const uint32_t in_elem = i16 ? 2 : 4, row_in = in_elem * (uint32_t)model->input_len, row_out = in_elem * (uint32_t)model->output_len;
    const uint32_t rows = input_bytes / row_in;
    tinyrnn_stream s;
    uint8_t *outputs, *state = NULL;
    uint32_t t;
    long r;
    double t0, wall;
    if (input_bytes % row_in != 0) {
        fprintf(stderr, "%s: the input has %lu bytes: not a whole number of %lu-byte rows (%d %s values)\n", prog,
                (unsigned long)input_bytes, (unsigned long)row_in, (int)model->input_len, i16 ? "int16" : "float32");
        return 1;
    }
    if (model->input_len > MAX_VALUES || model->output_len > MAX_VALUES) die("this example steps at most %d values", MAX_VALUES);
    if (i16 && model->num_type != TINYRNN_NUM_INT8) die("--i16 needs an int8 model; %s is f32", model_path);
    outputs = (uint8_t *)malloc((size_t)rows * row_out + 1);
    if (state_out) state = (uint8_t *)malloc(TINYRNN_STREAM_STATE_HEADER_BYTES + (size_t)model->state_bytes);
    if (!outputs || (state_out && !state)) die("out of memory for the outputs");
    check(rt, tinyrnn_stream_open(model, &s));
    t0 = now_s();
    for (r = 0; r < repeat; r++) {
        if (r > 0) check(rt, tinyrnn_stream_reset(&s));
        if (state_in) check(rt, tinyrnn_stream_restore(&s, state_in, state_in_bytes));
        for (t = 0; t < rows; t++) {
            int e;
            if (i16) {
                int16_t x[MAX_VALUES], y[MAX_VALUES];
                memcpy(x, input + (size_t)t * row_in, row_in);
                e = tinyrnn_stream_step_i16(&s, x, y);
                if (r == 0) memcpy(outputs + (size_t)t * row_out, y, row_out);
            } else {
                float x[MAX_VALUES], y[MAX_VALUES];
                memcpy(x, input + (size_t)t * row_in, row_in);
                e = tinyrnn_stream_step(&s, x, y);
                if (r == 0) memcpy(outputs + (size_t)t * row_out, y, row_out);
            }
            if (e < 0) {
                fprintf(stderr, "%s: row %lu: %s\n", prog, (unsigned long)t, tinyrnn_last_error(rt));
                return 1;
            }
        }
        if (r == 0 && state_out) {
            int n = tinyrnn_stream_save(&s, state, TINYRNN_STREAM_STATE_HEADER_BYTES + (uint32_t)model->state_bytes);
            check(rt, n);
            write_file(state_out, state, (size_t)n, "state");
        }
    }
    wall = now_s() - t0;
    report_memory(rt);
    check(rt, tinyrnn_stream_free(&s));
    fprintf(stderr, "%s: %lu steps through %s (%s, %s) in %.1f ms: %.0f steps/s, %.2f us per step\n", prog,
            (unsigned long)rows * (unsigned long)repeat, model_path, model->num_type == TINYRNN_NUM_INT8 ? "int8" : "f32", tinyrnn_runtime_name(),
            1e3 * wall, (double)rows * (double)repeat / wall, 1e6 * wall / ((double)rows * (double)repeat));
    write_file(out_path, outputs, (size_t)rows * row_out, "outputs");
    free(outputs);
    free(state);
    return 0;
}

/* ---- detect --------------------------------------------------------------------------------- */

typedef struct { uint32_t rate_hz, channels, bits, is_float, frames; const uint8_t *data; } wav_info;

static uint32_t u16le(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t u32le(const uint8_t *p) { return u16le(p) | u16le(p + 2) << 16; }

/* The WAV formats the TypeScript host reads (host/runtime/wav.ts): PCM 16/24/32-bit or float32,
   plain or WAVE_FORMAT_EXTENSIBLE, any channel count. */
static wav_info read_wav(const uint8_t *f, uint32_t bytes, const char *path) {
    wav_info w;
    uint32_t at = 12, format = 0, block = 0, data_bytes = 0;
    int have_fmt = 0;
    memset(&w, 0, sizeof w);
    if (bytes < 12 || memcmp(f, "RIFF", 4) != 0 || memcmp(f + 8, "WAVE", 4) != 0) die("%s is not a readable WAV file (%s)", path, "no RIFF/WAVE header");
    while (at + 8 <= bytes) {
        const uint32_t size = u32le(f + at + 4), body = at + 8;
        if (memcmp(f + at, "fmt ", 4) == 0) {
            if (size < 16 || body + size > bytes) die("%s is not a readable WAV file (%s)", path, "its fmt chunk is truncated");
            format = u16le(f + body);
            if (format == 0xfffe && size >= 40) format = u16le(f + body + 24);
            w.channels = u16le(f + body + 2);
            w.rate_hz = u32le(f + body + 4);
            block = u16le(f + body + 12);
            w.bits = u16le(f + body + 14);
            have_fmt = 1;
        } else if (memcmp(f + at, "data", 4) == 0) {
            if (body + size > bytes) die("%s is truncated: its data chunk declares more bytes than follow", path);
            w.data = f + body;
            data_bytes = size;
            break;
        }
        at = body + size + (size & 1);
    }
    if (!have_fmt || !w.data) die("%s is not a readable WAV file (%s)", path, have_fmt ? "no data chunk" : "no fmt chunk");
    if (!((format == 1 && (w.bits == 16 || w.bits == 24 || w.bits == 32)) || (format == 3 && w.bits == 32)))
        die("%s holds audio that is not PCM 16, 24 or 32-bit integer or 32-bit float", path);
    w.is_float = format == 3;
    if (w.channels < 1 || block != w.channels * w.bits / 8) die("%s is not a readable WAV file (%s)", path, "bad block size");
    w.frames = data_bytes / block;
    if (w.frames == 0) die("%s holds no audio samples", path);
    return w;
}

/* Mono f32 in [-1, 1], exactly as host/runtime/wav.ts decodes it (sums in f64, one multiply). */
static float *decode_f32(const wav_info *w) {
    const uint32_t sample_bytes = w->bits / 8;
    const double full = w->is_float ? 1.0 : w->bits == 16 ? 32768.0 : w->bits == 24 ? 8388608.0 : 2147483648.0;
    const double k = 1.0 / (full * (double)w->channels);
    float *out = (float *)malloc((size_t)w->frames * sizeof(float));
    uint32_t i, c;
    const uint8_t *p = w->data;
    if (!out) die("out of memory decoding the audio");
    for (i = 0; i < w->frames; i++) {
        double s = 0;
        for (c = 0; c < w->channels; c++, p += sample_bytes) {
            if (w->is_float) { float v; memcpy(&v, p, 4); s += v; }
            else if (w->bits == 16) { int16_t v; memcpy(&v, p, 2); s += v; }
            else if (w->bits == 32) { int32_t v; memcpy(&v, p, 4); s += v; }
            else s += (double)(int32_t)(((uint32_t)p[2] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[0] << 8)) / 256.0;
        }
        out[i] = (float)(s * k);
        if (w->is_float && !isfinite(out[i])) die("the audio has a non-finite sample at %lu", (unsigned long)i);
    }
    return out;
}

typedef struct {
    const char **labels;
    const tinyrnn_host_section *timing; /* hop and window, for event times */
    int32_t window_steps;
    int print, json;
    long events;
} detect_ctx;

/* x.toFixed(digits) as JavaScript gives it, for x >= 0. toFixed rounds the exact value half up,
   as printf does except on an exact tie, which for a binary double at the d-th decimal is
   x = j / 2^(d+1) for an odd j: printf rounds that to even, toFixed up. */
static void js_fixed(char *out, size_t size, double x, int digits) {
    const double twice = ldexp(x, digits + 1);
    if (twice == floor(twice) && fmod(twice, 2.0) != 0.0) snprintf(out, size, "%.*f", digits, (floor(x * pow(10, digits)) + 1.0) / pow(10, digits));
    else snprintf(out, size, "%.*f", digits, x);
}

/* Number(x.toFixed(4)) as JSON.stringify prints it. */
static void print_fixed4(double x) {
    char s[64];
    size_t n;
    if (!isfinite(x)) { fputs("null", stdout); return; }
    js_fixed(s, sizeof s, x, 4);
    n = strlen(s);
    while (n > 0 && s[n - 1] == '0') s[--n] = '\0';
    if (n > 0 && s[n - 1] == '.') s[--n] = '\0';
    fputs(strcmp(s, "-0") == 0 ? "0" : s, stdout);
}

static void print_json_string(const char *s) {
    putchar('"');
    for (; *s; s++) {
        const unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') { putchar('\\'); putchar(c); }
        else if (c == '\n') fputs("\\n", stdout);
        else if (c == '\r') fputs("\\r", stdout);
        else if (c == '\t') fputs("\\t", stdout);
        else if (c == '\b') fputs("\\b", stdout);
        else if (c == '\f') fputs("\\f", stdout);
        else if (c < 0x20) printf("\\u%04x", c);
        else putchar(c);
    }
    putchar('"');
}

static double js_round(double x) { return floor(x + 0.5); }

/* An event as `tinyrnn detect` prints it: "    0.84 s –     1.54 s  hey_jarvis  0.912", or with
   --json as `tinyrnn detect --json` does. */
static void on_event(void *user, const tinyrnn_event *e) {
    detect_ctx *d = (detect_ctx *)user;
    double start_ms, end_ms;
    char a[64], b[64], score[64];
    tinyrnn_event_span(d->timing, d->window_steps, e->step, &start_ms, &end_ms);
    d->events++;
    if (!d->print) return;
    if (d->json) {
        fputs("{\"label\":", stdout);
        print_json_string(d->labels[e->label]);
        fputs(",\"score\":", stdout);
        print_fixed4(e->score);
        printf(",\"startMs\":%.0f,\"endMs\":%.0f}\n", js_round(start_ms) + 0.0, js_round(end_ms) + 0.0);
    } else {
        js_fixed(a, sizeof a, start_ms / 1000, 2);
        js_fixed(b, sizeof b, end_ms / 1000, 2);
        js_fixed(score, sizeof score, e->score, 3);
        printf("%8s s \xe2\x80\x93 %8s s  %s  %s\n", a, b, d->labels[e->label], score);
    }
}

/* Split "a,b,c" in place. */
static int split(char *list, char **out, int max) {
    int n = 0;
    char *p = list;
    while (n < max) {
        char *comma = strchr(p, ',');
        out[n++] = p;
        if (!comma) break;
        *comma = '\0';
        p = comma + 1;
    }
    return n;
}

static long parse_long(const char *s, const char *what, long lo, long hi) {
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < lo || v > hi) die("%s must be an integer in %ld..%ld, not %s", what, lo, hi, s);
    return v;
}

/* A probability in [0, 1] from the command line; `what` names it in the error. */
static double parse_probability(const char *s, const char *what) {
    char *end;
    const double p = strtod(s, &end);
    if (*s == '\0' || *end != '\0' || !(p >= 0 && p <= 1)) die("%s%s is not a probability in [0, 1]", what, s);
    return p;
}

/* A label's threshold as the TypeScript host sets it: the f64 word, and an int8 model's window sum. */
static void set_threshold(int32_t *label, double p, int32_t window_steps, float output_scale) {
    label[TINYRNN_PCL_SUM_THRESHOLD] = tinyrnn_sum_threshold(p, window_steps, output_scale);
    tinyrnn_config_set_f64(label, TINYRNN_PCL_THRESHOLD_F64, p);
}

/* ---- main ----------------------------------------------------------------------------------- */

int main(int argc, char **argv) {
    static char stdout_buffer[1 << 16]; /* stdio would malloc its own: not while memory is measured */
    const char *wasm_path, *model_path, *command, *input_path, *out_path = NULL, *state_in_path = NULL, *state_out_path = NULL;
    char *labels_arg = NULL, *sums_arg = NULL, *probs_arg = NULL, *background_arg = NULL, *threshold_arg = NULL;
    long window_steps = 1, refractory_steps = 100, repeat = 1, max_push = 0;
    tinyrnn_options options = tinyrnn_default_options();
    int i16 = 0, json = 0, i, first_option, status = 0;
    uint32_t wasm_bytes, model_bytes, input_bytes = 0, state_in_bytes = 0;
    uint8_t *wasm, *model_file, *input = NULL, *state_in = NULL;
    char why[512];
    tinyrnn *rt;
    tinyrnn_model model;

    setvbuf(stdout, stdout_buffer, _IOFBF, sizeof stdout_buffer);
    if (argc == 3 && strcmp(argv[2], "selftest") == 0) {
        wasm = read_file(argv[1], "module", &wasm_bytes);
        if (!(rt = tinyrnn_open(wasm, wasm_bytes, NULL, why, sizeof why))) die("%s: %s", argv[1], why);
        if (tinyrnn_selftest(rt) < 0) die("%s", tinyrnn_last_error(rt));
        printf("selftest: ok\n");
        tinyrnn_close(rt);
        free(wasm);
        return 0;
    }
    if (argc < 4) usage();
    wasm_path = argv[1];
    model_path = argv[2];
    command = argv[3];
    if (strcmp(command, "run") != 0 && strcmp(command, "detect") != 0 && strcmp(command, "info") != 0) {
        if (command[0] == '-') usage();
        command = "detect"; /* tinyrnn-c <module.wasm> <model.tinyrnn> <audio.wav> ... */
        input_path = argv[3];
        first_option = 4;
    } else {
        if (strcmp(command, "info") != 0 && argc < 5) usage();
        input_path = strcmp(command, "info") != 0 ? argv[4] : NULL;
        first_option = input_path ? 5 : 4;
    }
    for (i = first_option; i < argc; i++) {
        const char *a = argv[i];
        const int more = i + 1 < argc;
        if (strcmp(a, "--i16") == 0) i16 = 1;
        else if (strcmp(a, "--json") == 0) json = 1;
        else if (strcmp(a, "--threshold") == 0 && more) threshold_arg = argv[++i];
        else if (strcmp(a, "--max-memory") == 0 && more) options.max_memory_bytes = (uint32_t)parse_long(argv[++i], "--max-memory", 65536, 0x7fffffffL);
        else if (strcmp(a, "--pool-bytes") == 0 && more) options.pool_bytes = (uint32_t)parse_long(argv[++i], "--pool-bytes", 4096, 0x7fffffffL);
        else if (strcmp(a, "--stack-bytes") == 0 && more) options.stack_bytes = (uint32_t)parse_long(argv[++i], "--stack-bytes", 1024, 0x7fffffffL);
        else if (strcmp(a, "-o") == 0 && more) out_path = argv[++i];
        else if (strcmp(a, "--state-in") == 0 && more) state_in_path = argv[++i];
        else if (strcmp(a, "--state-out") == 0 && more) state_out_path = argv[++i];
        else if (strcmp(a, "--repeat") == 0 && more) repeat = parse_long(argv[++i], "--repeat", 1, 1000000);
        else if (strcmp(a, "--max-pages") == 0 && more) options.max_memory_bytes = (uint32_t)parse_long(argv[++i], "--max-pages", 1, 32767) << 16;
        else if (strcmp(a, "--max-push") == 0 && more) max_push = parse_long(argv[++i], "--max-push", 1, 1 << 24);
        else if (strcmp(a, "--labels") == 0 && more) labels_arg = argv[++i];
        else if (strcmp(a, "--sum-thresholds") == 0 && more) sums_arg = argv[++i];
        else if (strcmp(a, "--thresholds") == 0 && more) probs_arg = argv[++i];
        else if (strcmp(a, "--background") == 0 && more) background_arg = argv[++i];
        else if (strcmp(a, "--smoothing-steps") == 0 && more) window_steps = parse_long(argv[++i], "--smoothing-steps", 1, TINYRNN_PIPE_MAX_SMOOTHING_STEPS);
        else if (strcmp(a, "--refractory-steps") == 0 && more) refractory_steps = parse_long(argv[++i], "--refractory-steps", 0, 0x7fffffffL);
        else die("unknown option %s (or it lacks its value)", a);
    }

    /* every file first: the runtime's heap is then measured alone */
    wasm = read_file(wasm_path, "module", &wasm_bytes);
    model_file = read_file(model_path, "model", &model_bytes);
    if (input_path) input = read_file(input_path, strcmp(command, "detect") == 0 ? "audio" : "input", &input_bytes);
    if (state_in_path) state_in = read_file(state_in_path, "state", &state_in_bytes);

    stack_bytes = options.stack_bytes;
    if (!(rt = tinyrnn_open(wasm, wasm_bytes, &options, why, sizeof why))) die("%s: %s", wasm_path, why);
    if (tinyrnn_selftest(rt) < 0) die("%s", tinyrnn_last_error(rt)); /* first: is this engine Node's, bit for bit? */
    if (tinyrnn_load_model(rt, model_file, model_bytes, &model) < 0) die("%s: %s", model_path, tinyrnn_last_error(rt));

    if (strcmp(command, "info") == 0) {
        tinyrnn_host_section host;
        const char *host_why;
        const int have_host = tinyrnn_read_host_section(model_file, model_bytes, &host, &host_why);
        int l;
        if (have_host < 0) die("%s: %s", model_path, host_why);
        printf("{\"runtime\":\"%s\",\"build\":\"%s\",\"numType\":\"%s\",\"inputLen\":%d,\"outputLen\":%d,\"layerCount\":%d,"
               "\"stateBytes\":%d,\"scratchBytes\":%d,\"weightBytes\":%d,\"inputScale\":%.9g,\"outputScale\":%.9g",
               tinyrnn_runtime_name(), tinyrnn_build_features(rt) & TINYRNN_BUILD_SIMD ? "simd" : "mvp",
               model.num_type == TINYRNN_NUM_INT8 ? "int8" : "f32", (int)model.input_len, (int)model.output_len, (int)model.layer_count,
               (int)model.state_bytes, (int)model.scratch_bytes, (int)model.weight_bytes, model.input_scale, model.output_scale);
        if (have_host == 0) { /* the host section: the pipeline and its labels */
            printf(",\"pipeline\":\"%s\",\"hopMs\":%.17g,\"labels\":[", host.pipe_kind == TINYRNN_PIPE_AUDIO ? "audio" : host.pipe_kind == TINYRNN_PIPE_SENSOR ? "sensor" : "none", host.hop_ms);
            for (l = 0; l < host.label_count; l++) {
                if (l) putchar(',');
                print_json_string(tinyrnn_host_label(&host, l));
            }
            putchar(']');
        }
        printf("}\n");
        report_memory(rt);
    } else if (strcmp(command, "run") == 0) {
        status = run(rt, &model, model_path, input, input_bytes, i16, out_path, state_in, state_in_bytes, state_out_path, repeat);
    } else if (strcmp(command, "detect") == 0) {
        const int K = model.output_len;
        const wav_info w = read_wav(input, input_bytes, input_path);
        const int as_i16 = w.bits == 16 && w.channels == 1 && !w.is_float; /* as the TypeScript host: 16-bit mono as it is */
        const int given = labels_arg || sums_arg || probs_arg || background_arg;
        int16_t *pcm16 = NULL;
        float *pcm32 = NULL;
        char *thresholds[MAX_LABELS], *background[MAX_LABELS];
        const char *labels[MAX_LABELS];
        int32_t *cfg;
        int32_t words = TINYRNN_PIPELINE_WORDS(K, 0);
        uint8_t *state = NULL;
        tinyrnn_host_section host;
        const char *host_why;
        const int have_host = tinyrnn_read_host_section(model_file, model_bytes, &host, &host_why);
        tinyrnn_pipeline p;
        detect_ctx d;
        double t0, wall, audio_s;
        uint64_t steps = 0;
        long r;
        int l, n, b, backgrounds = 0;
        if (K > MAX_LABELS) die("this example handles at most %d labels", MAX_LABELS);
        if (have_host < 0) die("%s: %s", model_path, host_why);
        if (given || have_host == 1) {
            /* the settings from the command line: audio, the detector, the default frontend, the labels */
            if (!labels_arg || (!sums_arg && !probs_arg) || (sums_arg && probs_arg))
                die("%s%s: give --labels and one of --sum-thresholds and --thresholds", have_host == 1 ? model_path : "", have_host == 1 ? " has no host section (format 1.0)" : "detect");
            if (threshold_arg) die("--threshold is for the model's own settings; give --thresholds");
            if (split(labels_arg, (char **)labels, MAX_LABELS) != K) die("--labels must name the model's %d outputs", K);
            if (split(sums_arg ? sums_arg : probs_arg, thresholds, MAX_LABELS) != K) die("%s needs one threshold per label (\"-\": never fires)", sums_arg ? "--sum-thresholds" : "--thresholds");
            if (sums_arg && model.num_type != TINYRNN_NUM_INT8) die("--sum-thresholds are for int8 models; use --thresholds");
            if (background_arg) backgrounds = split(background_arg, background, MAX_LABELS);
            for (b = 0; b < backgrounds; b++) {
                for (l = 0; l < K && strcmp(labels[l], background[b]) != 0; l++) continue;
                if (l == K) die("--background names %s, which is not in --labels", background[b]);
            }
            cfg = (int32_t *)calloc((size_t)words, sizeof *cfg);
            if (!cfg) die("out of memory");
            cfg[TINYRNN_PC_KIND] = TINYRNN_PIPE_AUDIO;
            cfg[TINYRNN_PC_WINDOW_STEPS] = (int32_t)window_steps;
            cfg[TINYRNN_PC_REFRACTORY_STEPS] = (int32_t)refractory_steps;
            cfg[TINYRNN_PC_FLAGS] = 0;
            tinyrnn_default_frontend_config(cfg + TINYRNN_PC_FRONTEND, (int32_t)w.rate_hz);
            for (l = 0; l < K; l++) {
                int32_t *label = cfg + TINYRNN_PC_LABELS + l * TINYRNN_PC_LABEL_WORDS;
                const char *t = thresholds[l];
                if (strcmp(t, "-") == 0) continue; /* never fires */
                label[TINYRNN_PCL_FIRES] = 1;
                for (b = 0; b < backgrounds; b++) if (strcmp(labels[l], background[b]) == 0) label[TINYRNN_PCL_FIRES] = 0;
                if (sums_arg) {
                    label[TINYRNN_PCL_SUM_THRESHOLD] = (int32_t)parse_long(t, "a sum threshold", -0x7fffffffL - 1, 0x7fffffffL);
                } else {
                    set_threshold(label, parse_probability(t, "threshold "), (int32_t)window_steps, model.output_scale);
                }
            }
            host.hop_ms = cfg[TINYRNN_PC_FRONTEND + TINYRNN_FE_HOP_SAMPLES] / 16.0;
            host.window_ms = cfg[TINYRNN_PC_FRONTEND + TINYRNN_FE_WINDOW_SAMPLES] / 16.0;
        } else {
            /* the model's own settings, from its host section, as KeywordSpotter makes them */
            if (host.pipe_kind != TINYRNN_PIPE_AUDIO) die("%s is not a keyword-spotting model (its metadata describes no audio pipeline)", model_path);
            words = host.config_words;
            cfg = (int32_t *)calloc((size_t)words, sizeof *cfg);
            if (!cfg) die("out of memory");
            check(rt, tinyrnn_host_config(&host, (int32_t)w.rate_hz, cfg, words));
            for (l = 0; l < K; l++) labels[l] = tinyrnn_host_label(&host, l);
            if (threshold_arg) { /* as `tinyrnn detect --threshold`: every label's */
                const double prob = parse_probability(threshold_arg, "--threshold ");
                for (l = 0; l < K; l++) set_threshold(cfg + TINYRNN_PC_LABELS + l * TINYRNN_PC_LABEL_WORDS, prob, cfg[TINYRNN_PC_WINDOW_STEPS], model.output_scale);
            }
        }
        if (as_i16) {
            pcm16 = (int16_t *)malloc((size_t)w.frames * 2);
            if (!pcm16) die("out of memory");
            memcpy(pcm16, w.data, (size_t)w.frames * 2);
        } else {
            pcm32 = decode_f32(&w);
        }
        if (state_out_path) state = (uint8_t *)malloc(1 << 20);
        d.labels = labels;
        d.timing = &host;
        d.window_steps = cfg[TINYRNN_PC_WINDOW_STEPS];
        d.json = json;
        d.events = 0;
        check(rt, tinyrnn_pipeline_open(&model, cfg, words, (uint32_t)max_push, &p));
        t0 = now_s();
        for (r = 0; r < repeat; r++) {
            d.print = r == 0;
            if (r > 0) check(rt, tinyrnn_pipeline_reset(&p));
            if (state_in) check(rt, tinyrnn_pipeline_restore(&p, state_in, state_in_bytes));
            n = as_i16 ? tinyrnn_pipeline_push_i16(&p, pcm16, w.frames, on_event, &d) : tinyrnn_pipeline_push_f32(&p, pcm32, w.frames, on_event, &d);
            check(rt, n);
            if (r == 0) {
                check(rt, tinyrnn_pipeline_steps(&p, &steps));
                if (state_out_path) {
                    const int bytes = tinyrnn_pipeline_save(&p, state, 1 << 20);
                    check(rt, bytes);
                    write_file(state_out_path, state, (size_t)bytes, "state");
                }
            }
        }
        wall = now_s() - t0;
        fflush(stdout);
        report_memory(rt);
        check(rt, tinyrnn_pipeline_free(&p));
        audio_s = (double)w.frames / w.rate_hz;
        /* the summary `tinyrnn detect` prints: on stdout after the events, or with --json on stderr */
        fprintf(json ? stderr : stdout, "%s%ld event%s in %.2f s of audio (%lu Hz), %.3f s wall, %.0f\xc3\x97 real time (%s build, %s)\n",
                json ? "tinyrnn-c: " : "", d.events / repeat, d.events / repeat == 1 ? "" : "s", audio_s, (unsigned long)w.rate_hz, wall / repeat,
                audio_s * repeat / wall, tinyrnn_build_features(rt) & TINYRNN_BUILD_SIMD ? "simd" : "mvp", tinyrnn_runtime_name());
        fprintf(stderr, "%s: %.0f steps, %.2f us per %g ms hop\n", prog, (double)steps, 1e6 * wall / ((double)steps * repeat), host.hop_ms);
        free(cfg);
        free(pcm16);
        free(pcm32);
        free(state);
    } else {
        usage();
    }
    check(rt, tinyrnn_model_free(&model));
    tinyrnn_close(rt);
    free(wasm);
    free(model_file);
    free(input);
    free(state_in);
    return status;
}
