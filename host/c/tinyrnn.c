/*
 * The C layer over the module's exports (tinyrnn.h), the same on every runtime: each call copies
 * its inputs into linear memory, calls one export through the backend (tinyrnn_wasm3.c or
 * tinyrnn_wamr.c) and copies the results out. Buffers in linear memory are allocated when a
 * model is loaded or a stream or pipeline opened; a step or a push allocates nothing. Errors
 * are turned into words only when they happen.
 */
#include "tinyrnn_backend.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the tinyrnn C layer copies values to and from WebAssembly memory as they are: it needs a little-endian host"
#endif

#define DEFAULT_STACK_BYTES (32u << 10)
#define DEFAULT_POOL_BYTES (1u << 20)
#define DEFAULT_MAX_PUSH 4096u /* samples per pipelinePush, as the TypeScript host (PIECE_VALUES) */

#define EXPORT_NAME(name, args) #name,
#define EXPORT_ARGS(name, args) args,
const char *const tinyrnn_export_names[TINYRNN_FN_COUNT] = { TINYRNN_EXPORTS(EXPORT_NAME) };
const uint8_t tinyrnn_export_args[TINYRNN_FN_COUNT] = { TINYRNN_EXPORTS(EXPORT_ARGS) };

int tinyrnn_export_result(int fn) {
    return fn == TINYRNN_FN_memFree ? TINYRNN_RESULT_NONE : fn == TINYRNN_FN_pipelineSteps ? TINYRNN_RESULT_F64 : TINYRNN_RESULT_I32;
}

/* ---- errors ---------------------------------------------------------------------------------- */

/* " (layer 3)": what a detail means for a code, as host/runtime/abi.ts's describeDetail words it
 * (and the scales' header fields by name, as host/build's namedRefusal does). */
static void describe(char *out, size_t size, int code, int32_t detail) {
    const char *field;
    switch (tinyrnn_error_detail_kind(code)) {
    case TINYRNN_DETAIL_LAYER: snprintf(out, size, " (layer %ld)", (long)detail); break;
    case TINYRNN_DETAIL_LAYER_TENSOR:
        snprintf(out, size, " (layer %ld, tensor %ld)", (long)(detail >> TINYRNN_LAYER_TENSOR_SHIFT), (long)(detail & ((1 << TINYRNN_LAYER_TENSOR_SHIFT) - 1)));
        break;
    case TINYRNN_DETAIL_HEADER_BYTE:
        field = detail == TINYRNN_HDR_INPUT_SCALE ? ": input scale" : detail == TINYRNN_HDR_OUTPUT_SCALE ? ": output scale" : "";
        snprintf(out, size, " (header byte %ld%s)", (long)detail, field);
        break;
    case TINYRNN_DETAIL_BYTES: snprintf(out, size, " (%ld bytes)", (long)detail); break;
    case TINYRNN_DETAIL_VERSION: snprintf(out, size, " (version %ld, this runtime reads %d)", (long)detail, TINYRNN_FILE_VERSION_MAJOR); break;
    case TINYRNN_DETAIL_INPUT_ELEMENT: snprintf(out, size, " (input element %ld)", (long)detail); break;
    case TINYRNN_DETAIL_FRONTEND_FIELD:
        field = tinyrnn_frontend_field_name(detail);
        if (field) snprintf(out, size, " (%s)", field);
        else snprintf(out, size, " (field %ld)", (long)detail);
        break;
    case TINYRNN_DETAIL_HZ: snprintf(out, size, " (%ld Hz)", (long)detail); break;
    case TINYRNN_DETAIL_ARGUMENT: snprintf(out, size, " (argument %ld)", (long)detail); break;
    default: out[0] = '\0'; break;
    }
}

/* Record a failure: "<context>: <message>[ (<detail>)]". Returns -code. */
static int fail(tinyrnn *rt, const char *context, int code, int32_t detail) {
    char said[96];
    if (!rt) return -code;
    rt->detail = detail;
    if (code == TINYRNN_WASM_FAILED) {
        snprintf(rt->error, sizeof rt->error, "%s: %s (%s)", context, tinyrnn_error_message(code), rt->trap);
        rt->detail = 0;
    } else {
        describe(said, sizeof said, code, detail);
        snprintf(rt->error, sizeof rt->error, "%s: %s%s", context, tinyrnn_error_message(code), said);
    }
    return -code;
}

/* Call an export; a trap becomes -TINYRNN_WASM_FAILED, recorded under `context`. */
static int call(tinyrnn *rt, const char *context, int fn, const int32_t *args, int32_t *result) {
    int32_t r = 0;
    if (tinyrnn_backend_call(rt, fn, args, &r, NULL) < 0) return fail(rt, context, TINYRNN_WASM_FAILED, 0);
    if (result) *result = r;
    return 0;
}

/* A negative result of the export just called: read errorDetail() and record it. */
static int module_fail(tinyrnn *rt, const char *context, int32_t result, int32_t detail_offset) {
    int32_t detail = 0;
    if (call(rt, context, TINYRNN_FN_errorDetail, NULL, &detail) < 0) return -TINYRNN_WASM_FAILED;
    return fail(rt, context, (int)-result, detail + detail_offset);
}

static int check(tinyrnn *rt, const char *context, int fn, const int32_t *args, int32_t *result) {
    int32_t r = 0;
    int e = call(rt, context, fn, args, &r);
    if (e < 0) return e;
    if (result) *result = r;
    return r < 0 ? module_fail(rt, context, r, 0) : 0;
}

static uint8_t *memory(tinyrnn *rt) {
    uint32_t bytes;
    return tinyrnn_backend_memory(rt, &bytes);
}

/* memAlloc, or 0 with TINYRNN_ERR_OUT_OF_MEMORY recorded (or a trap). */
static uint32_t alloc(tinyrnn *rt, const char *context, uint64_t bytes, int *err) {
    int32_t args[1], ptr = 0;
    if (bytes > 0x7fff0000u) { *err = fail(rt, context, TINYRNN_ERR_OUT_OF_MEMORY, 0); return 0; }
    args[0] = (int32_t)(bytes ? bytes : 1);
    if ((*err = call(rt, context, TINYRNN_FN_memAlloc, args, &ptr)) < 0) return 0;
    if (ptr == 0) { *err = fail(rt, context, TINYRNN_ERR_OUT_OF_MEMORY, 0); return 0; }
    return (uint32_t)ptr;
}

static void release(tinyrnn *rt, uint32_t ptr) {
    int32_t args[1];
    args[0] = (int32_t)ptr;
    if (ptr) tinyrnn_backend_call(rt, TINYRNN_FN_memFree, args, NULL, NULL);
}

static uint32_t get_u32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static void put_u32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

/* ---- the host section ------------------------------------------------------------------------ */

static double get_f64(const uint8_t *p) { double v; memcpy(&v, p, 8); return v; }

int tinyrnn_read_host_section(const void *file, uint32_t bytes, tinyrnn_host_section *section, const char **why) {
    const uint8_t *f = (const uint8_t *)file, *s, *p, *end;
    uint32_t file_bytes, at, size, labels_at, config_at, words, count, i;
    const char *unused;
    if (!why) why = &unused;
    *why = "";
    if (!f || bytes < TINYRNN_FILE_HEADER_BYTES) { *why = "shorter than a model file's header"; return -TINYRNN_ERR_TRUNCATED; }
    if (get_u32(f + TINYRNN_HDR_MAGIC) != TINYRNN_FILE_MAGIC) { *why = "not a .tinyrnn file (no TRNN magic)"; return -TINYRNN_ERR_BAD_MAGIC; }
    if ((get_u32(f + TINYRNN_HDR_VERSION_MAJOR) & 0xffffu) != TINYRNN_FILE_VERSION_MAJOR) { *why = "another major version of the format"; return -TINYRNN_ERR_BAD_VERSION; }
    file_bytes = get_u32(f + TINYRNN_HDR_FILE_BYTES);
    if (file_bytes > bytes) { *why = "shorter than its header says"; return -TINYRNN_ERR_TRUNCATED; }
    at = (get_u32(f + TINYRNN_HDR_VERSION_MAJOR) >> 16) >= 1 ? get_u32(f + TINYRNN_HDR_HOST_SECTION) : 0;
    if (at == 0) { *why = "the file has no host section (format 1.0): give its labels and settings yourself, or convert it again"; return 1; }
    if ((at & 3) != 0 || at > file_bytes || file_bytes - at < TINYRNN_HOST_HEADER_BYTES) { *why = "its host section is outside the file or unaligned"; return -TINYRNN_ERR_BAD_HEADER; }
    s = f + at;
    size = get_u32(s + TINYRNN_HS_BYTES);
    if (get_u32(s + TINYRNN_HS_MAGIC) != TINYRNN_HOST_MAGIC || size < TINYRNN_HOST_HEADER_BYTES || size > file_bytes - at) { *why = "its host section has a bad magic or size"; return -TINYRNN_ERR_BAD_HEADER; }
    count = get_u32(s + TINYRNN_HS_LABEL_COUNT);
    labels_at = get_u32(s + TINYRNN_HS_LABELS);
    config_at = get_u32(s + TINYRNN_HS_CONFIG);
    words = get_u32(s + TINYRNN_HS_CONFIG_WORDS);
    if (count != 0 && count != get_u32(f + TINYRNN_HDR_OUTPUT_LEN)) { *why = "its host section's labels are not one per output"; return -TINYRNN_ERR_BAD_HEADER; }
    if (labels_at > size || (config_at & 3) != 0 || config_at > size || words > (size - config_at) / 4) { *why = "its host section's parts are outside it"; return -TINYRNN_ERR_BAD_HEADER; }
    for (p = s + labels_at, end = s + size, i = 0; i < count; i++, p++) {
        while (p < end && *p != 0) p++;
        if (p == end) { *why = "its host section's labels run out of it"; return -TINYRNN_ERR_BAD_HEADER; }
    }
    section->pipe_kind = (int32_t)get_u32(s + TINYRNN_HS_PIPE_KIND);
    section->label_count = (int32_t)count;
    section->config_words = (int32_t)words;
    section->hop_ms = get_f64(s + TINYRNN_HS_HOP_MS);
    section->window_ms = get_f64(s + TINYRNN_HS_WINDOW_MS);
    section->labels = s + labels_at;
    section->config = s + config_at;
    if ((section->pipe_kind != 0) != (words >= TINYRNN_PC_LABELS) || (words && (int32_t)get_u32(section->config + 4 * TINYRNN_PC_KIND) != section->pipe_kind)) {
        *why = "its host section's pipeline does not match its kind"; return -TINYRNN_ERR_BAD_HEADER;
    }
    return 0;
}

const char *tinyrnn_host_label(const tinyrnn_host_section *section, int32_t i) {
    const char *p;
    if (!section || i < 0 || i >= section->label_count) return NULL;
    for (p = (const char *)section->labels; i > 0; i--) p += strlen(p) + 1;
    return p;
}

int32_t tinyrnn_host_config(const tinyrnn_host_section *section, int32_t input_rate_hz, int32_t *words, int32_t capacity) {
    if (!section || section->config_words == 0 || !words || capacity < section->config_words) return -TINYRNN_ERR_BAD_ARGUMENT;
    memcpy(words, section->config, (size_t)section->config_words * 4);
    if (section->pipe_kind == TINYRNN_PIPE_AUDIO) words[TINYRNN_PC_FRONTEND + TINYRNN_FE_SAMPLE_RATE_HZ] = input_rate_hz;
    return section->config_words;
}

void tinyrnn_event_span(const tinyrnn_host_section *section, int32_t window_steps, uint64_t step, double *start_ms, double *end_ms) {
    const double span = section->window_ms + (double)(window_steps - 1) * section->hop_ms;
    const double end = section->window_ms + (double)step * section->hop_ms;
    *end_ms = end;
    *start_ms = end - span > 0 ? end - span : 0;
}

/* ---- the instance --------------------------------------------------------------------------- */

tinyrnn_options tinyrnn_default_options(void) {
    tinyrnn_options o;
    o.stack_bytes = DEFAULT_STACK_BYTES;
    o.max_memory_bytes = 0;
    o.pool = NULL;
    o.pool_bytes = DEFAULT_POOL_BYTES;
    return o;
}

tinyrnn *tinyrnn_open(const uint8_t *wasm, uint32_t wasm_bytes, const tinyrnn_options *options, char *why, size_t why_bytes) {
    tinyrnn_options o = options ? *options : tinyrnn_default_options();
    tinyrnn *rt;
    char ignored[8];
    if (!why || why_bytes == 0) { why = ignored; why_bytes = sizeof ignored; }
    why[0] = '\0';
    if (!o.stack_bytes) o.stack_bytes = DEFAULT_STACK_BYTES;
    if (!o.pool_bytes) o.pool_bytes = DEFAULT_POOL_BYTES;
    if (!wasm || wasm_bytes < 8) {
        snprintf(why, why_bytes, "tinyrnn_open: no WebAssembly module given (%lu bytes)", (unsigned long)wasm_bytes);
        return NULL;
    }
    rt = (tinyrnn *)calloc(1, sizeof *rt);
    if (!rt) {
        snprintf(why, why_bytes, "tinyrnn_open: out of memory (%lu bytes for the instance)", (unsigned long)sizeof *rt);
        return NULL;
    }
    if (tinyrnn_backend_open(rt, wasm, wasm_bytes, &o, why, why_bytes) < 0) {
        free(rt);
        return NULL;
    }
    /* the module stops short of the limit itself: a runtime may trap past it (wasm3) */
    rt->memory_limit = o.max_memory_bytes;
    if (o.max_memory_bytes) {
        int32_t args[1], end = 0;
        args[0] = (int32_t)o.max_memory_bytes;
        if (tinyrnn_backend_call(rt, TINYRNN_FN_memLimit, args, &end, NULL) < 0 || (uint32_t)end > o.max_memory_bytes) {
            snprintf(why, why_bytes, "tinyrnn_open: the module's static data and stack take %ld bytes, over the limit of %lu bytes",
                     (long)end, (unsigned long)o.max_memory_bytes);
            tinyrnn_close(rt);
            return NULL;
        }
    }
    return rt;
}

void tinyrnn_close(tinyrnn *rt) {
    if (!rt) return;
    tinyrnn_backend_close(rt);
    free(rt);
}

const char *tinyrnn_runtime_name(void) { return tinyrnn_backend_name(); }
const char *tinyrnn_last_error(const tinyrnn *rt) { return rt ? rt->error : "no tinyrnn instance"; }

int tinyrnn_set_error(tinyrnn *rt, int code, const char *message) {
    if (!rt) return -code;
    rt->detail = 0;
    snprintf(rt->error, sizeof rt->error, "%s", message ? message : "");
    return -code;
}
int32_t tinyrnn_last_detail(const tinyrnn *rt) { return rt ? rt->detail : 0; }

int32_t tinyrnn_build_features(tinyrnn *rt) {
    int32_t bits = 0;
    int e = call(rt, "reading the build features", TINYRNN_FN_buildFeatures, NULL, &bits);
    return e < 0 ? e : bits;
}

int tinyrnn_memory(tinyrnn *rt, tinyrnn_memory_info *info) {
    int32_t args[1], end = 0;
    if (!rt || !info) return -TINYRNN_ERR_BAD_ARGUMENT;
    tinyrnn_backend_memory_info(rt, info);
    args[0] = (int32_t)rt->memory_limit; /* as it is: memLimit reads the heap's end */
    if (call(rt, "reading the memory in use", TINYRNN_FN_memLimit, args, &end) < 0) return -TINYRNN_WASM_FAILED;
    info->linear_used_bytes = (uint32_t)end;
    return 0;
}

/* ---- models --------------------------------------------------------------------------------- */

/* A TINYRNN_ERR_NON_FINITE_WEIGHT refusal of `file` with its layer's kind and the tensor by name, as
 * the TypeScript tools say it (host/build namedRefusal; the module has read the layer table: it
 * lies within the file). */
static void name_tensor(tinyrnn *rt, const char *context, const uint8_t *file, uint32_t len) {
    int32_t layer = rt->detail >> TINYRNN_LAYER_TENSOR_SHIFT, tensor = rt->detail & ((1 << TINYRNN_LAYER_TENSOR_SHIFT) - 1);
    uint64_t rec;
    int kind;
    if (len < TINYRNN_FILE_HEADER_BYTES) return;
    rec = (uint64_t)get_u32(file + TINYRNN_HDR_LAYER_TABLE) + (uint64_t)layer * TINYRNN_LAYER_RECORD_BYTES;
    if (rec + TINYRNN_LAYER_RECORD_BYTES > len) return;
    kind = (int)get_u32(file + rec + TINYRNN_REC_KIND);
    if (!tinyrnn_kind_name(kind) || !tinyrnn_f32_tensor_name(kind, tensor)) return;
    snprintf(rt->error, sizeof rt->error, "%s: %s (layer %ld %s, tensor %ld %s)", context, tinyrnn_error_message(TINYRNN_ERR_NON_FINITE_WEIGHT),
             (long)layer, tinyrnn_kind_name(kind), (long)tensor, tinyrnn_f32_tensor_name(kind, tensor));
}

int tinyrnn_load_model(tinyrnn *rt, const void *bytes, uint32_t len, tinyrnn_model *model) {
    static const char what[] = "loading the model";
    static const int selectors[6] = { TINYRNN_INFO_NUM_TYPE, TINYRNN_INFO_INPUT_LEN, TINYRNN_INFO_OUTPUT_LEN,
                                      TINYRNN_INFO_LAYER_COUNT, TINYRNN_INFO_STATE_BYTES, TINYRNN_INFO_SCRATCH_BYTES };
    int32_t *fields[6];
    int32_t args[2], handle = 0;
    uint32_t image;
    int err = 0, i;
    const uint8_t *file = (const uint8_t *)bytes;
    if (!rt) return -TINYRNN_ERR_BAD_ARGUMENT;
    if (!model) return fail(rt, what, TINYRNN_ERR_BAD_ARGUMENT, 3);
    if (!bytes && len) return fail(rt, what, TINYRNN_ERR_BAD_ARGUMENT, 1);
    memset(model, 0, sizeof *model);
    image = alloc(rt, what, len, &err);
    if (!image) return err;
    if (len) memcpy(memory(rt) + image, bytes, len);
    args[0] = (int32_t)image;
    args[1] = (int32_t)len;
    if ((err = call(rt, what, TINYRNN_FN_modelLoad, args, &handle)) < 0) { release(rt, image); return err; }
    if (handle < 0) {
        err = module_fail(rt, what, handle, 0);
        if (err == -TINYRNN_ERR_NON_FINITE_WEIGHT) name_tensor(rt, what, file, len);
        release(rt, image); /* refused: the image is still ours */
        return err;
    }
    /* from here the image is the model's: modelFree frees it */
    model->rt = rt;
    model->handle = handle;
    fields[0] = &model->num_type; fields[1] = &model->input_len; fields[2] = &model->output_len;
    fields[3] = &model->layer_count; fields[4] = &model->state_bytes; fields[5] = &model->scratch_bytes;
    args[0] = handle;
    for (i = 0; i < 6 && err == 0; i++) {
        args[1] = selectors[i];
        err = check(rt, what, TINYRNN_FN_modelInfo, args, fields[i]);
    }
    args[1] = TINYRNN_INFO_WEIGHT_BYTES;
    if (err == 0) err = check(rt, what, TINYRNN_FN_modelInfo, args, &model->weight_bytes);
    if (err == 0) {
        /* the module has checked the header: the scales and the checksum are where it says */
        uint32_t in = get_u32(file + TINYRNN_HDR_INPUT_SCALE), out = get_u32(file + TINYRNN_HDR_OUTPUT_SCALE);
        memcpy(&model->input_scale, &in, 4);
        memcpy(&model->output_scale, &out, 4);
        model->checksum = get_u32(file + TINYRNN_HDR_CHECKSUM);
        /* one step's input and output, f32-sized (int16 steps use the first half) */
        model->io_in = alloc(rt, what, 4u * (uint32_t)model->input_len, &err);
        if (model->io_in) model->io_out = alloc(rt, what, 4u * (uint32_t)model->output_len, &err);
    }
    if (err < 0) {
        release(rt, model->io_in);
        args[0] = handle;
        tinyrnn_backend_call(rt, TINYRNN_FN_modelFree, args, NULL, NULL);
        memset(model, 0, sizeof *model);
        return err;
    }
    return 0;
}

int tinyrnn_model_free(tinyrnn_model *model) {
    int32_t args[1];
    int err;
    if (!model || !model->rt) return -TINYRNN_ERR_BAD_ARGUMENT;
    args[0] = model->handle;
    if ((err = check(model->rt, "freeing the model", TINYRNN_FN_modelFree, args, NULL)) < 0) return err;
    release(model->rt, model->io_in);
    release(model->rt, model->io_out);
    memset(model, 0, sizeof *model);
    return 0;
}

/* ---- streams -------------------------------------------------------------------------------- */

int tinyrnn_stream_open(tinyrnn_model *model, tinyrnn_stream *stream) {
    int32_t args[1], h = 0;
    int err;
    if (!model || !model->rt) return -TINYRNN_ERR_BAD_ARGUMENT;
    if (!stream) return fail(model->rt, "opening a stream", TINYRNN_ERR_BAD_ARGUMENT, 1);
    args[0] = model->handle;
    if ((err = check(model->rt, "opening a stream", TINYRNN_FN_streamOpen, args, &h)) < 0) return err;
    stream->model = model;
    stream->handle = h;
    return 0;
}

static int step(tinyrnn_stream *stream, const void *input, void *output, uint32_t elem, int fn, const char *what) {
    tinyrnn_model *m;
    tinyrnn *rt;
    int32_t args[3];
    int err;
    if (!stream || !stream->model || !stream->model->rt) return -TINYRNN_ERR_BAD_ARGUMENT;
    m = stream->model;
    rt = m->rt;
    if (!input || !output) return fail(rt, what, TINYRNN_ERR_BAD_ARGUMENT, input ? 2 : 1);
    memcpy(memory(rt) + m->io_in, input, elem * (uint32_t)m->input_len);
    args[0] = stream->handle;
    args[1] = (int32_t)m->io_in;
    args[2] = (int32_t)m->io_out;
    if ((err = check(rt, what, fn, args, NULL)) < 0) return err;
    memcpy(output, memory(rt) + m->io_out, elem * (uint32_t)m->output_len);
    return 0;
}

int tinyrnn_stream_step(tinyrnn_stream *stream, const float *input, float *output) {
    return step(stream, input, output, 4, TINYRNN_FN_streamStep, "stream step");
}

int tinyrnn_stream_step_i16(tinyrnn_stream *stream, const int16_t *input, int16_t *output) {
    return step(stream, input, output, 2, TINYRNN_FN_streamStepI16, "stream step_i16");
}

int tinyrnn_stream_reset(tinyrnn_stream *stream) {
    int32_t args[1];
    if (!stream || !stream->model || !stream->model->rt) return -TINYRNN_ERR_BAD_ARGUMENT;
    args[0] = stream->handle;
    return check(stream->model->rt, "stream reset", TINYRNN_FN_streamReset, args, NULL);
}

uint32_t tinyrnn_stream_state_bytes(const tinyrnn_stream *stream) {
    return stream && stream->model ? TINYRNN_STREAM_STATE_HEADER_BYTES + (uint32_t)stream->model->state_bytes : 0;
}

/* The stream's state block in linear memory, or 0 with the failure recorded in *err. */
static uint32_t state_block(tinyrnn_stream *stream, const char *what, int *err) {
    int32_t args[1], p = 0;
    args[0] = stream->handle;
    if ((*err = call(stream->model->rt, what, TINYRNN_FN_streamState, args, &p)) < 0) return 0;
    if (p == 0) *err = fail(stream->model->rt, what, TINYRNN_ERR_BAD_HANDLE, 0);
    return (uint32_t)p;
}

int tinyrnn_stream_save(tinyrnn_stream *stream, void *dst, uint32_t capacity) {
    static const char what[] = "stream save";
    uint8_t *out = (uint8_t *)dst;
    uint32_t bytes, p;
    int err = 0;
    if (!stream || !stream->model || !stream->model->rt) return -TINYRNN_ERR_BAD_ARGUMENT;
    bytes = tinyrnn_stream_state_bytes(stream);
    if (!dst || capacity < bytes) return fail(stream->model->rt, what, TINYRNN_ERR_BAD_ARGUMENT, dst ? 2 : 1);
    if (!(p = state_block(stream, what, &err))) return err;
    put_u32(out + TINYRNN_SS_MAGIC, TINYRNN_STREAM_STATE_MAGIC);
    put_u32(out + TINYRNN_SS_VERSION, TINYRNN_STREAM_STATE_VERSION);
    put_u32(out + TINYRNN_SS_MODEL_CRC, stream->model->checksum);
    put_u32(out + TINYRNN_SS_STATE_BYTES, (uint32_t)stream->model->state_bytes);
    memcpy(out + TINYRNN_STREAM_STATE_HEADER_BYTES, memory(stream->model->rt) + p, (uint32_t)stream->model->state_bytes);
    return (int)bytes;
}

int tinyrnn_stream_restore(tinyrnn_stream *stream, const void *src, uint32_t bytes) {
    const uint8_t *in = (const uint8_t *)src;
    tinyrnn *rt;
    uint32_t p, i;
    int err = 0;
    if (!stream || !stream->model || !stream->model->rt) return -TINYRNN_ERR_BAD_ARGUMENT;
    rt = stream->model->rt;
    /* the TypeScript host's checks and words (Stream.loadState) */
    if (!src || bytes < TINYRNN_STREAM_STATE_HEADER_BYTES || get_u32(in + TINYRNN_SS_MAGIC) != TINYRNN_STREAM_STATE_MAGIC || get_u32(in + TINYRNN_SS_VERSION) != TINYRNN_STREAM_STATE_VERSION)
        return fail(rt, "stream restore: not a saved tinyrnn state", TINYRNN_ERR_BAD_STATE, 1);
    if (get_u32(in + TINYRNN_SS_MODEL_CRC) != stream->model->checksum)
        return fail(rt, "stream restore: the state was saved from a different model", TINYRNN_ERR_BAD_STATE, 2);
    if (get_u32(in + TINYRNN_SS_STATE_BYTES) != (uint32_t)stream->model->state_bytes || bytes != tinyrnn_stream_state_bytes(stream))
        return fail(rt, "stream restore: wrong state size", TINYRNN_ERR_BAD_STATE, 3);
    if (stream->model->num_type == TINYRNN_NUM_F32) {
        /* every value of an f32 model's state is an f32: no NaN or infinity (all exponent bits set) */
        for (i = TINYRNN_STREAM_STATE_HEADER_BYTES; i < bytes; i += 4) {
            if ((get_u32(in + i) & 0x7f800000u) == 0x7f800000u)
                return fail(rt, "stream restore: the state holds NaN or infinity", TINYRNN_ERR_BAD_STATE, 4);
        }
    }
    if (!(p = state_block(stream, "stream restore", &err))) return err;
    memcpy(memory(rt) + p, in + TINYRNN_STREAM_STATE_HEADER_BYTES, (uint32_t)stream->model->state_bytes);
    return 0;
}

int tinyrnn_stream_free(tinyrnn_stream *stream) {
    int32_t args[1];
    int err;
    if (!stream || !stream->model || !stream->model->rt) return -TINYRNN_ERR_BAD_ARGUMENT;
    args[0] = stream->handle;
    if ((err = check(stream->model->rt, "freeing a stream", TINYRNN_FN_streamFree, args, NULL)) < 0) return err;
    stream->model = NULL;
    stream->handle = 0;
    return 0;
}

/* ---- pipelines ------------------------------------------------------------------------------ */

int tinyrnn_pipeline_open(tinyrnn_model *model, const int32_t *config, int32_t words, uint32_t max_push, tinyrnn_pipeline *pipeline) {
    static const char what[] = "opening the pipeline";
    tinyrnn *rt;
    int32_t args[3], h = 0, detail = 0;
    uint64_t max_steps;
    uint32_t cfg, samples = 0, events = 0;
    int err = 0;
    if (!model || !model->rt) return -TINYRNN_ERR_BAD_ARGUMENT;
    rt = model->rt;
    if (!pipeline) return fail(rt, what, TINYRNN_ERR_BAD_ARGUMENT, 4);
    /* as the module refuses them (argument 2: the word count) */
    if (!config || words < TINYRNN_PC_LABELS) return fail(rt, what, TINYRNN_ERR_BAD_ARGUMENT, 2);
    memset(pipeline, 0, sizeof *pipeline);
    if (!(cfg = alloc(rt, what, 4u * (uint32_t)words, &err))) return err;
    memcpy(memory(rt) + cfg, config, 4u * (uint32_t)words);
    args[0] = model->handle;
    args[1] = (int32_t)cfg;
    args[2] = words;
    err = call(rt, what, TINYRNN_FN_pipelineOpen, args, &h);
    if (err == 0 && h < 0) err = call(rt, what, TINYRNN_FN_errorDetail, NULL, &detail);
    release(rt, cfg);
    if (err < 0) return err;
    if (h < 0) return fail(rt, what, -h, detail);

    if (!max_push) max_push = DEFAULT_MAX_PUSH;
    if (max_push > (1u << 24)) max_push = 1u << 24;
    if (config[TINYRNN_PC_KIND] == TINYRNN_PIPE_AUDIO) {
        /* the most frames one push can complete: its samples at 16 kHz plus a window buffered
           (the bound the TypeScript host uses; the module refuses a push it does not cover) */
        const uint64_t window = (uint32_t)config[TINYRNN_PC_FRONTEND + TINYRNN_FE_WINDOW_SAMPLES];
        const uint64_t hop = (uint32_t)config[TINYRNN_PC_FRONTEND + TINYRNN_FE_HOP_SAMPLES];
        const uint64_t rate = (uint32_t)config[TINYRNN_PC_FRONTEND + TINYRNN_FE_SAMPLE_RATE_HZ];
        const uint64_t at16k = ((uint64_t)max_push * TINYRNN_FRONTEND_SAMPLE_RATE_HZ + rate - 1) / rate;
        max_steps = (window + at16k + 2) / hop + 2;
    } else {
        const uint32_t vectors = max_push / (uint32_t)model->input_len ? max_push / (uint32_t)model->input_len : 1;
        max_push = vectors * (uint32_t)model->input_len;
        max_steps = vectors;
    }
    samples = alloc(rt, what, 4u * (uint64_t)max_push, &err);
    if (samples) events = alloc(rt, what, max_steps * TINYRNN_EVENT_BYTES, &err);
    if (!events) {
        release(rt, samples);
        args[0] = h;
        tinyrnn_backend_call(rt, TINYRNN_FN_pipelineFree, args, NULL, NULL);
        return err;
    }
    pipeline->model = model;
    pipeline->handle = h;
    pipeline->kind = config[TINYRNN_PC_KIND];
    pipeline->max_push = (int32_t)max_push;
    pipeline->max_steps = (int32_t)max_steps;
    pipeline->samples = samples;
    pipeline->events = events;
    return 0;
}

static int push(tinyrnn_pipeline *p, const void *values, uint32_t count, int32_t sample_type, tinyrnn_event_fn on_event, void *user) {
    static const char what[] = "pipeline push";
    const uint32_t elem = sample_type == TINYRNN_SAMPLE_I16 ? 2 : 4;
    tinyrnn *rt;
    int32_t args[7];
    uint32_t off, i;
    int total = 0, err;
    if (!p || !p->model || !p->model->rt) return -TINYRNN_ERR_BAD_ARGUMENT;
    rt = p->model->rt;
    if (!values && count) return fail(rt, what, TINYRNN_ERR_BAD_ARGUMENT, 1);
    if (p->kind == TINYRNN_PIPE_SENSOR && count % (uint32_t)p->model->input_len != 0) return fail(rt, what, TINYRNN_ERR_BAD_ARGUMENT, 2);
    if (sample_type == TINYRNN_SAMPLE_F32 && count > (uint32_t)p->max_push) {
        /* more than one piece: a NaN or infinity anywhere refuses the whole push before any runs
           (one piece: the module checks it so itself) */
        const float *x = (const float *)values;
        for (i = 0; i < count; i++) if (!isfinite(x[i])) return fail(rt, what, TINYRNN_ERR_NON_FINITE_INPUT, (int32_t)i);
    }
    for (off = 0; off < count; off += (uint32_t)p->max_push) {
        const uint32_t n = count - off < (uint32_t)p->max_push ? count - off : (uint32_t)p->max_push;
        const uint8_t *mem;
        int32_t r = 0;
        memcpy(memory(rt) + p->samples, (const uint8_t *)values + (size_t)off * elem, (size_t)n * elem);
        args[0] = p->handle;
        args[1] = (int32_t)p->samples;
        args[2] = (int32_t)n;
        args[3] = sample_type;
        args[4] = (int32_t)p->events;
        args[5] = 0; /* no per-step outputs */
        args[6] = p->max_steps;
        if ((err = call(rt, what, TINYRNN_FN_pipelinePush, args, &r)) < 0) return err;
        if (r < 0) return module_fail(rt, what, r, -r == TINYRNN_ERR_NON_FINITE_INPUT ? (int32_t)off : 0);
        mem = memory(rt) + p->events;
        for (i = 0; i < (uint32_t)r; i++) {
            const uint8_t *e = mem + (size_t)i * TINYRNN_EVENT_BYTES;
            tinyrnn_event ev;
            memcpy(&ev.label, e + TINYRNN_EV_LABEL, 4);
            memcpy(&ev.step, e + TINYRNN_EV_STEP, 8);
            memcpy(&ev.score, e + TINYRNN_EV_SCORE, 8);
            if (on_event) on_event(user, &ev);
        }
        total += r;
    }
    return total;
}

int tinyrnn_pipeline_push_i16(tinyrnn_pipeline *pipeline, const int16_t *pcm, uint32_t count, tinyrnn_event_fn on_event, void *user) {
    return push(pipeline, pcm, count, TINYRNN_SAMPLE_I16, on_event, user);
}

int tinyrnn_pipeline_push_f32(tinyrnn_pipeline *pipeline, const float *values, uint32_t count, tinyrnn_event_fn on_event, void *user) {
    return push(pipeline, values, count, TINYRNN_SAMPLE_F32, on_event, user);
}

int tinyrnn_pipeline_steps(tinyrnn_pipeline *pipeline, uint64_t *steps) {
    int32_t args[1];
    double n = 0;
    if (!pipeline || !pipeline->model || !pipeline->model->rt || !steps) return -TINYRNN_ERR_BAD_ARGUMENT;
    args[0] = pipeline->handle;
    if (tinyrnn_backend_call(pipeline->model->rt, TINYRNN_FN_pipelineSteps, args, NULL, &n) < 0)
        return fail(pipeline->model->rt, "pipeline steps", TINYRNN_WASM_FAILED, 0);
    if (n < 0) return fail(pipeline->model->rt, "pipeline steps", TINYRNN_ERR_BAD_HANDLE, 0);
    *steps = (uint64_t)n;
    return 0;
}

int tinyrnn_pipeline_reset(tinyrnn_pipeline *pipeline) {
    int32_t args[1];
    if (!pipeline || !pipeline->model || !pipeline->model->rt) return -TINYRNN_ERR_BAD_ARGUMENT;
    args[0] = pipeline->handle;
    return check(pipeline->model->rt, "pipeline reset", TINYRNN_FN_pipelineReset, args, NULL);
}

int tinyrnn_pipeline_state_bytes(tinyrnn_pipeline *pipeline) {
    int32_t args[1], bytes = 0;
    int err;
    if (!pipeline || !pipeline->model || !pipeline->model->rt) return -TINYRNN_ERR_BAD_ARGUMENT;
    args[0] = pipeline->handle;
    if ((err = check(pipeline->model->rt, "pipeline state bytes", TINYRNN_FN_pipelineStateBytes, args, &bytes)) < 0) return err;
    return bytes;
}

int tinyrnn_pipeline_save(tinyrnn_pipeline *pipeline, void *dst, uint32_t capacity) {
    static const char what[] = "pipeline save";
    tinyrnn *rt;
    int32_t args[2], bytes;
    uint32_t buf;
    int err = 0;
    if ((bytes = tinyrnn_pipeline_state_bytes(pipeline)) < 0) return bytes;
    rt = pipeline->model->rt;
    if (!dst || capacity < (uint32_t)bytes) return fail(rt, what, TINYRNN_ERR_BAD_ARGUMENT, dst ? 2 : 1);
    if (!(buf = alloc(rt, what, (uint32_t)bytes, &err))) return err;
    args[0] = pipeline->handle;
    args[1] = (int32_t)buf;
    if ((err = check(rt, what, TINYRNN_FN_pipelineSave, args, NULL)) == 0) memcpy(dst, memory(rt) + buf, (uint32_t)bytes);
    release(rt, buf);
    return err < 0 ? err : bytes;
}

/* pipelineLoad's errorDetail for TINYRNN_ERR_BAD_STATE, in the TypeScript host's words (host/runtime/pipeline.ts). */
static const char *state_refusal(int32_t detail) {
    switch (detail) {
    case 1: return "not a saved tinyrnn pipeline state, or another version";
    case 2: return "the state has the wrong size (truncated, or from another model or configuration)";
    case 3: return "the state was saved with another model";
    case 4: return "the state was saved with another configuration (frontend or detector settings)";
    case 5: return "the state was saved at another input sample rate";
    case 6: return "the state is corrupt (checksum mismatch)";
    case 7: return "the state's detector part is out of range";
    case 8: return "the state's audio frontend part is out of range or not finite";
    case 9: return "the state's model part is not finite";
    default: return "refused";
    }
}

int tinyrnn_pipeline_restore(tinyrnn_pipeline *pipeline, const void *src, uint32_t bytes) {
    static const char what[] = "pipeline restore";
    tinyrnn *rt;
    int32_t args[3], r = 0, detail = 0;
    uint32_t buf;
    int err = 0;
    if (!pipeline || !pipeline->model || !pipeline->model->rt) return -TINYRNN_ERR_BAD_ARGUMENT;
    rt = pipeline->model->rt;
    if (!src && bytes) return fail(rt, what, TINYRNN_ERR_BAD_ARGUMENT, 1);
    if (!(buf = alloc(rt, what, bytes, &err))) return err;
    if (bytes) memcpy(memory(rt) + buf, src, bytes);
    args[0] = pipeline->handle;
    args[1] = (int32_t)buf;
    args[2] = (int32_t)bytes;
    err = call(rt, what, TINYRNN_FN_pipelineLoad, args, &r);
    if (err == 0 && r < 0) err = call(rt, what, TINYRNN_FN_errorDetail, NULL, &detail);
    release(rt, buf);
    if (err < 0) return err;
    if (r == -TINYRNN_ERR_BAD_STATE) {
        char context[160];
        snprintf(context, sizeof context, "%s: %s", what, state_refusal(detail));
        return fail(rt, context, TINYRNN_ERR_BAD_STATE, detail);
    }
    return r < 0 ? fail(rt, what, -r, detail) : 0;
}

int tinyrnn_pipeline_free(tinyrnn_pipeline *pipeline) {
    int32_t args[1];
    int err;
    if (!pipeline || !pipeline->model || !pipeline->model->rt) return -TINYRNN_ERR_BAD_ARGUMENT;
    args[0] = pipeline->handle;
    if ((err = check(pipeline->model->rt, "freeing the pipeline", TINYRNN_FN_pipelineFree, args, NULL)) < 0) return err;
    release(pipeline->model->rt, pipeline->samples);
    release(pipeline->model->rt, pipeline->events);
    memset(pipeline, 0, sizeof *pipeline);
    return 0;
}
