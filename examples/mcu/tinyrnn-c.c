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
 *   tinyrnn-c <module.wasm> <model.tinyrnn> detect <audio.wav> --labels a,b,...
 *             (--sum-thresholds T,... | --thresholds P,...) [--background a,...]
 *             [--smoothing-steps W] [--refractory-steps R] [--state-in <file>] [--state-out <file>]
 *             [--repeat N]
 *       keyword spotting with the default frontend (30 ms window, 10 ms hop, 40 channels,
 *       125-7500 Hz, noise reduction, PCAN, log): one JSON object per event on stdout, as
 *       `tinyrnn detect --json` prints them. One threshold per label: an int8 model's window sum
 *       (--sum-thresholds) or a probability (--thresholds: the sum threshold is derived as the
 *       TypeScript host derives it, and the f64 word set too, so the config words, and thus the
 *       saved states, are the TypeScript host's); "-" for a label that never fires, or name such
 *       labels in --background. W defaults to 1 step (no smoothing), R to 100 steps (1 s).
 *
 *   tinyrnn-c <module.wasm> <model.tinyrnn> info
 *
 *   tinyrnn-c <module.wasm> selftest
 *       only the self-test (host/c/tinyrnn_selftest.h): prints "selftest: ok", or why not.
 *
 * Every command runs the self-test first, right after the module is opened: if this engine does
 * not give Node's outputs, bit for bit, it says where and exits with status 1.
 *
 * On stderr: what ran, how fast, and the memory it took. --repeat N runs the input N times
 * (a reset between), for timing; outputs and events are those of the first run. --max-pages N
 * caps linear memory at N 64 KiB pages; --max-push N hands the pipeline
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
            "       %s <module.wasm> <model.tinyrnn> detect <audio.wav> --labels a,b (--sum-thresholds T,T | --thresholds P,P)\n"
            "                 [--background a] [--smoothing-steps W] [--refractory-steps R] [--state-in F] [--state-out F] [--repeat N]\n"
            "       %s <module.wasm> <model.tinyrnn> info\n"
            "       %s <module.wasm> selftest\n"
            "       any: [--max-pages N]   detect: [--max-push N]\n",
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

static void report_memory(tinyrnn *rt) {
    tinyrnn_memory_info m;
    char heap[160] = "";
    if (tinyrnn_memory(rt, &m) < 0) return;
    if (m.heap_total_bytes >= 0)
        snprintf(heap, sizeof heap, "; %s's own: %lld bytes in use, %lld at most (of a %lld-byte pool)", tinyrnn_runtime_name(),
                 (long long)m.heap_used_bytes, (long long)m.heap_peak_bytes, (long long)m.heap_total_bytes);
    else if (m.heap_used_bytes >= 0)
        snprintf(heap, sizeof heap, "; %s's own: %lld bytes (malloc)", tinyrnn_runtime_name(), (long long)m.heap_used_bytes);
    fprintf(stderr, "%s: memory: linear %lu pages (%lu bytes)%s\n", prog, (unsigned long)m.linear_pages, (unsigned long)m.linear_bytes, heap);
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
    char **labels;
    double window_ms, hop_ms, span_ms;
    int print;
    long events;
} detect_ctx;

/* Number(x.toFixed(4)) as JSON.stringify prints it. toFixed rounds the exact value half up, as
   printf does except on an exact tie, which for a binary double at the 5th decimal is x = j/32 for
   an odd j: printf rounds that to even, toFixed up. */
static void print_fixed4(double x) {
    char s[64];
    size_t n;
    if (!isfinite(x)) { fputs("null", stdout); return; }
    if (x * 32.0 == floor(x * 32.0) && fmod(x * 32.0, 2.0) != 0.0) snprintf(s, sizeof s, "%.4f", (floor(x * 10000.0) + 1.0) / 10000.0);
    else snprintf(s, sizeof s, "%.4f", x);
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

static void on_event(void *user, const tinyrnn_event *e) {
    detect_ctx *d = (detect_ctx *)user;
    const double end_ms = d->window_ms + (double)e->step * d->hop_ms;
    const double start_ms = end_ms - d->span_ms > 0 ? end_ms - d->span_ms : 0;
    d->events++;
    if (!d->print) return;
    fputs("{\"label\":", stdout);
    print_json_string(d->labels[e->label]);
    fputs(",\"score\":", stdout);
    print_fixed4(e->score);
    printf(",\"startMs\":%.0f,\"endMs\":%.0f}\n", js_round(start_ms) + 0.0, js_round(end_ms) + 0.0);
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

/* ---- main ----------------------------------------------------------------------------------- */

int main(int argc, char **argv) {
    static char stdout_buffer[1 << 16]; /* stdio would malloc its own: not while memory is measured */
    const char *wasm_path, *model_path, *command, *input_path, *out_path = NULL, *state_in_path = NULL, *state_out_path = NULL;
    char *labels_arg = NULL, *sums_arg = NULL, *probs_arg = NULL, *background_arg = NULL;
    long window_steps = 1, refractory_steps = 100, repeat = 1, max_push = 0;
    tinyrnn_options options = tinyrnn_default_options();
    int i16 = 0, i, status = 0;
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
    if (strcmp(command, "info") != 0 && argc < 5) usage();
    input_path = argc > 4 ? argv[4] : NULL;
    for (i = 5; i < argc; i++) {
        const char *a = argv[i];
        const int more = i + 1 < argc;
        if (strcmp(a, "--i16") == 0) i16 = 1;
        else if (strcmp(a, "-o") == 0 && more) out_path = argv[++i];
        else if (strcmp(a, "--state-in") == 0 && more) state_in_path = argv[++i];
        else if (strcmp(a, "--state-out") == 0 && more) state_out_path = argv[++i];
        else if (strcmp(a, "--repeat") == 0 && more) repeat = parse_long(argv[++i], "--repeat", 1, 1000000);
        else if (strcmp(a, "--max-pages") == 0 && more) options.max_memory_pages = (uint32_t)parse_long(argv[++i], "--max-pages", 1, 65536);
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

    if (!(rt = tinyrnn_open(wasm, wasm_bytes, &options, why, sizeof why))) die("%s: %s", wasm_path, why);
    if (tinyrnn_selftest(rt) < 0) die("%s", tinyrnn_last_error(rt)); /* first: is this engine Node's, bit for bit? */
    if (tinyrnn_load_model(rt, model_file, model_bytes, &model) < 0) die("%s: %s", model_path, tinyrnn_last_error(rt));

    if (strcmp(command, "info") == 0) {
        printf("{\"runtime\":\"%s\",\"build\":\"%s\",\"numType\":\"%s\",\"inputLen\":%d,\"outputLen\":%d,\"layerCount\":%d,"
               "\"stateBytes\":%d,\"scratchBytes\":%d,\"weightBytes\":%d,\"inputScale\":%.9g,\"outputScale\":%.9g}\n",
               tinyrnn_runtime_name(), tinyrnn_build_features(rt) & TINYRNN_BUILD_SIMD ? "simd" : "mvp",
               model.num_type == TINYRNN_NUM_INT8 ? "int8" : "f32", (int)model.input_len, (int)model.output_len, (int)model.layer_count,
               (int)model.state_bytes, (int)model.scratch_bytes, (int)model.weight_bytes, model.input_scale, model.output_scale);
        report_memory(rt);
    } else if (strcmp(command, "run") == 0) {
        status = run(rt, &model, model_path, input, input_bytes, i16, out_path, state_in, state_in_bytes, state_out_path, repeat);
    } else if (strcmp(command, "detect") == 0) {
        const int K = model.output_len;
        const wav_info w = read_wav(input, input_bytes, input_path);
        const int as_i16 = w.bits == 16 && w.channels == 1 && !w.is_float; /* as the TypeScript host: 16-bit mono as it is */
        int16_t *pcm16 = NULL;
        float *pcm32 = NULL;
        char *labels[MAX_LABELS], *thresholds[MAX_LABELS], *background[MAX_LABELS];
        int32_t *cfg;
        const int32_t words = TINYRNN_PIPELINE_WORDS(K, 0);
        uint8_t *state = NULL;
        tinyrnn_pipeline p;
        detect_ctx d;
        double t0, wall, audio_s;
        uint64_t steps = 0;
        long r;
        int l, n, b, backgrounds = 0;
        if (!labels_arg || (!sums_arg && !probs_arg) || (sums_arg && probs_arg)) die("detect needs --labels and one of --sum-thresholds and --thresholds");
        if (K > MAX_LABELS) die("this example handles at most %d labels", MAX_LABELS);
        if (split(labels_arg, labels, MAX_LABELS) != K) die("--labels must name the model's %d outputs", K);
        if (split(sums_arg ? sums_arg : probs_arg, thresholds, MAX_LABELS) != K) die("%s needs one threshold per label (\"-\": never fires)", sums_arg ? "--sum-thresholds" : "--thresholds");
        if (sums_arg && model.num_type != TINYRNN_NUM_INT8) die("--sum-thresholds are for int8 models; use --thresholds");
        if (background_arg) backgrounds = split(background_arg, background, MAX_LABELS);
        for (b = 0; b < backgrounds; b++) {
            for (l = 0; l < K && strcmp(labels[l], background[b]) != 0; l++) continue;
            if (l == K) die("--background names %s, which is not in --labels", background[b]);
        }
        /* the pipeline's config words: audio, the detector, the default frontend, the labels */
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
            char *end;
            if (strcmp(t, "-") == 0) continue; /* never fires */
            label[TINYRNN_PCL_FIRES] = 1;
            for (b = 0; b < backgrounds; b++) if (strcmp(labels[l], background[b]) == 0) label[TINYRNN_PCL_FIRES] = 0;
            if (sums_arg) {
                label[TINYRNN_PCL_SUM_THRESHOLD] = (int32_t)parse_long(t, "a sum threshold", -0x7fffffffL - 1, 0x7fffffffL);
            } else {
                const double prob = strtod(t, &end);
                if (*t == '\0' || *end != '\0' || !(prob >= 0 && prob <= 1)) die("threshold %s is not a probability in [0, 1]", t);
                label[TINYRNN_PCL_SUM_THRESHOLD] = tinyrnn_sum_threshold(prob, (int32_t)window_steps, model.output_scale);
                tinyrnn_config_set_f64(label, TINYRNN_PCL_THRESHOLD_F64, prob);
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
        d.window_ms = cfg[TINYRNN_PC_FRONTEND + TINYRNN_FE_WINDOW_SAMPLES] / 16.0;
        d.hop_ms = cfg[TINYRNN_PC_FRONTEND + TINYRNN_FE_HOP_SAMPLES] / 16.0;
        d.span_ms = d.window_ms + (double)(window_steps - 1) * d.hop_ms;
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
        fprintf(stderr, "%s: %ld event%s in %.2f s of audio (%lu Hz), %.3f s wall, %.0fx real time; %.0f steps, %.2f us per %g ms hop (%s, %s build)\n",
                prog, d.events / repeat, d.events / repeat == 1 ? "" : "s", audio_s, (unsigned long)w.rate_hz, wall / repeat,
                audio_s * repeat / wall, (double)steps, 1e6 * wall / ((double)steps * repeat), d.hop_ms, tinyrnn_runtime_name(),
                tinyrnn_build_features(rt) & TINYRNN_BUILD_SIMD ? "simd" : "mvp");
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
