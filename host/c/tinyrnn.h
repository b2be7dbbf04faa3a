/*
 * tinyrnn.h: small recurrent models (GRU, LSTM, selective SSM) run one step at a time by a
 * ~32 KB WebAssembly module, hosted from C on a microcontroller's WASM runtime (wasm3 or WAMR).
 *
 * Usage:
 *
 *   #include "tinyrnn.h"
 *
 *   // the module (build/tinyrnn.mvp.wasm) and a model (.tinyrnn), as bytes: a file's contents, or
 *   // const arrays in flash. The module's must stay valid until tinyrnn_close; the model is copied
 *   char why[256];
 *   tinyrnn *rt = tinyrnn_open(wasm, wasm_bytes, NULL, why, sizeof why);   // NULL: default options
 *   if (!rt) { fprintf(stderr, "%s\n", why); return 1; }
 *
 *   tinyrnn_model model;
 *   if (tinyrnn_load_model(rt, model_bytes, model_len, &model) < 0) {
 *       fprintf(stderr, "%s\n", tinyrnn_last_error(rt));  // "loading the model: the model file is corrupt (checksum mismatch) (header byte 16)"
 *       return 1;
 *   }
 *
 *   // a raw stream: one input vector in, one output vector out, state carried between steps
 *   tinyrnn_stream s;
 *   tinyrnn_stream_open(&model, &s);
 *   float x[40], y[2];                          // model.input_len, model.output_len
 *   tinyrnn_stream_step(&s, x, y);              // 0, or a negated TINYRNN_ERR_*
 *   tinyrnn_stream_free(&s);
 *
 *   // keyword spotting: PCM in, events out, the whole job (resampler, frontend, model, detector)
 *   // inside the module; its config is TINYRNN_PC_* words the host builds
 *   int32_t cfg[TINYRNN_PC_LABELS + 2 * TINYRNN_PC_LABEL_WORDS] = {0};   // 2 labels
 *   cfg[TINYRNN_PC_KIND] = TINYRNN_PIPE_AUDIO;
 *   cfg[TINYRNN_PC_WINDOW_STEPS] = 10;          // smoothing: the mean of the last 10 steps
 *   cfg[TINYRNN_PC_REFRACTORY_STEPS] = 100;     // 1 s between events
 *   tinyrnn_default_frontend_config(cfg + TINYRNN_PC_FRONTEND, 16000);   // PCM at 16 kHz
 *   int32_t *label1 = cfg + TINYRNN_PC_LABELS + 1 * TINYRNN_PC_LABEL_WORDS;
 *   label1[TINYRNN_PCL_FIRES] = 1;              // label 0 (background) never fires
 *   label1[TINYRNN_PCL_SUM_THRESHOLD] = tinyrnn_sum_threshold(0.72, 10, model.output_scale);
 *   tinyrnn_config_set_f64(label1, TINYRNN_PCL_THRESHOLD_F64, 0.72);   // f32 models read this one
 *   tinyrnn_pipeline p;
 *   if (tinyrnn_pipeline_open(&model, cfg, sizeof cfg / 4, 0, &p) < 0) { ... tinyrnn_last_error(rt) ... }
 *   int n = tinyrnn_pipeline_push_i16(&p, pcm, count, on_event, user);   // events so far, or < 0
 *   tinyrnn_pipeline_free(&p);
 *
 *   tinyrnn_model_free(&model);                 // after its streams and pipelines
 *   tinyrnn_close(rt);
 *
 * Every call returns 0 (or a count, a size) on success and a negated error code on failure: the
 * module's (TINYRNN_ERR_*, with tinyrnn_last_detail() saying which layer, byte, field or argument
 * it concerns) or the C layer's own TINYRNN_WASM_FAILED (a trap, or the runtime out of its own
 * memory). tinyrnn_last_error() then says, in words, what failed; the words are the
 * TypeScript host's (host/runtime/abi.ts), so both hosts report a bad file alike.
 *
 * One tinyrnn is one instance of the module: its own linear memory, any number of models, and
 * any number of streams and pipelines per model (each its own state block; the weights are
 * shared). Memory is laid out when a model is loaded or a stream or pipeline opened; a step or a
 * push allocates nothing, in the module or here. The C layer is C99; besides its runtime it
 * calls memcpy, snprintf (on failures only), and malloc once per tinyrnn_open; it assumes a
 * little-endian host, as WebAssembly is (Cortex-M, RISC-V, Xtensa and x86 all are). Not
 * thread-safe: one tinyrnn per thread, or a lock around it.
 *
 * Built against one runtime: link tinyrnn.c with tinyrnn_wasm3.c or tinyrnn_wamr.c
 * (examples/mcu/build.sh shows how). The numbers below (TINYRNN_*) are generated from
 * assembly/constants.ts, the one file the module and every host read; so are the error messages
 * (host/runtime/abi.ts) and the default frontend config (host/runtime/frontend.ts). Edit those,
 * then run `node host/c/make-header.mjs`; test/constants.test.ts fails while this file is stale.
 */
#ifndef TINYRNN_H
#define TINYRNN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ==== The numbers the module and its hosts share ============================================ */

/* BEGIN GENERATED constants */
/* (made by host/c/make-header.mjs: do not edit) */
/* ---- Error codes: the module returns the negated code; errorDetail() says what it concerns. */
/* The messages are the host's (ERRORS in host/runtime/abi.ts), one per code. */
#define TINYRNN_ERR_TRUNCATED 1                  /* detail: the bytes there are */
#define TINYRNN_ERR_BAD_MAGIC 2
#define TINYRNN_ERR_BAD_VERSION 3                /* detail: the file's major version */
#define TINYRNN_ERR_BAD_HEADER 4                 /* detail: the header byte offset */
#define TINYRNN_ERR_BAD_CHECKSUM 5               /* detail: the header byte offset */
#define TINYRNN_ERR_BAD_LAYER_KIND 6             /* detail: the layer index */
#define TINYRNN_ERR_BAD_SHAPE 7                  /* a size is zero, too large, or does not chain; detail: the layer index */
#define TINYRNN_ERR_BAD_TENSOR_BOUNDS 8          /* layer data outside the file or the wrong length; detail: the layer index */
#define TINYRNN_ERR_BAD_QUANT_PARAMS 9           /* a shift or multiplier out of range; detail: the layer index */
#define TINYRNN_ERR_OVERFLOW_RISK 10             /* an int8 row could overflow its int32 accumulator; detail: the layer index */
#define TINYRNN_ERR_OUT_OF_MEMORY 11
#define TINYRNN_ERR_BAD_HANDLE 12
#define TINYRNN_ERR_NON_FINITE_INPUT 13          /* detail: the input element */
#define TINYRNN_ERR_WRONG_NUM_TYPE 14            /* e.g. an int16 step on an f32 model */
#define TINYRNN_ERR_BAD_NUM_TYPE 15              /* detail: the number type found */
#define TINYRNN_ERR_BAD_STATE 16
#define TINYRNN_ERR_BAD_SAMPLE_RATE 17           /* detail: the rate in Hz */
#define TINYRNN_ERR_BAD_FRONTEND_CONFIG 18       /* detail: the config field (FE_*) */
#define TINYRNN_ERR_BAD_ARGUMENT 19              /* detail: which argument (0-based) of the call */
#define TINYRNN_ERR_BAD_METADATA 20              /* the host's own: the module never returns it */
#define TINYRNN_ERR_NON_FINITE_WEIGHT 21         /* an f32 model's weight, bias or constant is NaN or infinite; detail: layer << LAYER_TENSOR_SHIFT | tensor index */
#define TINYRNN_LAYER_TENSOR_SHIFT 8             /* a layer-and-tensor detail: layer index << this | the tensor's index in its kind's file order */

/* ---- modelInfo(model, selector) */
#define TINYRNN_INFO_NUM_TYPE 0
#define TINYRNN_INFO_INPUT_LEN 1
#define TINYRNN_INFO_OUTPUT_LEN 2
#define TINYRNN_INFO_LAYER_COUNT 3
#define TINYRNN_INFO_STATE_BYTES 4
#define TINYRNN_INFO_SCRATCH_BYTES 5
#define TINYRNN_INFO_WEIGHT_BYTES 6

/* ---- buildFeatures() bits */
#define TINYRNN_BUILD_SIMD 1

/* ---- Number types (the model header's numType) */
#define TINYRNN_NUM_F32 0
#define TINYRNN_NUM_INT8 1

/* ---- Sample types of frontendPush */
#define TINYRNN_SAMPLE_I16 0
#define TINYRNN_SAMPLE_F32 1

/* ---- Layer kinds (a layer record's kind); every place a kind touches: docs/adding-a-layer.md */
#define TINYRNN_KIND_DENSE 1
#define TINYRNN_KIND_GRU 2
#define TINYRNN_KIND_LSTM 3
#define TINYRNN_KIND_SSM 4
#define TINYRNN_KIND_RMSNORM 5
#define TINYRNN_KIND_COUNT 6                     /* one past the last kind */

/* ---- Dense activations (a dense layer's p0) */
#define TINYRNN_ACT_NONE 0
#define TINYRNN_ACT_RELU 1
#define TINYRNN_ACT_SIGMOID 2
#define TINYRNN_ACT_TANH 3
#define TINYRNN_ACT_SOFTMAX 4

/* ---- Layer flags (a layer record's flags) */
#define TINYRNN_GRU_FLAG_RESET_AFTER 1           /* PyTorch's form: r applied after the hidden matmul */
#define TINYRNN_LSTM_FLAG_GATE_REQUANT32 1       /* int8 only: TFLite's 8x8_16 gate requantisation */

/* ---- The model file (.tinyrnn, v1, little-endian): a header, a layer table, the layers' data */
/* (each tensor 16-byte aligned), UTF-8 JSON metadata read by the host only, then (v1.1) the host */
/* section: what a host without a JSON parser needs, labels and the default pipeline. */
#define TINYRNN_FILE_MAGIC 0x4e4e5254            /* "TRNN" */
#define TINYRNN_FILE_VERSION_MAJOR 1
#define TINYRNN_FILE_VERSION_MINOR 1             /* 1: HDR_HOST_SECTION may point at a host section */
#define TINYRNN_FILE_HEADER_BYTES 64
#define TINYRNN_FILE_TENSOR_ALIGN 16
#define TINYRNN_MAX_LAYERS 64
#define TINYRNN_MAX_DIM 8192                     /* any one size; a tiny model is far below */
#define TINYRNN_MAX_PARAMS 8                     /* p0..p7 of a layer record */
/* Header fields: byte offsets (u32 unless said) */
#define TINYRNN_HDR_MAGIC 0
#define TINYRNN_HDR_VERSION_MAJOR 4              /* u16 */
#define TINYRNN_HDR_VERSION_MINOR 6              /* u16 */
#define TINYRNN_HDR_HEADER_BYTES 8               /* FILE_HEADER_BYTES */
#define TINYRNN_HDR_FILE_BYTES 12
#define TINYRNN_HDR_CHECKSUM 16                  /* CRC-32 of the file without this field: [0, 16) + [20, fileBytes) */
#define TINYRNN_HDR_NUM_TYPE 20                  /* NUM_* */
#define TINYRNN_HDR_INPUT_LEN 24
#define TINYRNN_HDR_OUTPUT_LEN 28
#define TINYRNN_HDR_LAYER_COUNT 32
#define TINYRNN_HDR_LAYER_TABLE 36               /* offset of the layer table */
#define TINYRNN_HDR_METADATA_OFFSET 40
#define TINYRNN_HDR_METADATA_BYTES 44
#define TINYRNN_HDR_INPUT_SCALE 48               /* f32; int8: real input = int16 · scale */
#define TINYRNN_HDR_OUTPUT_SCALE 52              /* f32; int8: real output = int16 · scale */
#define TINYRNN_HDR_FLAGS 56                     /* 0 */
#define TINYRNN_HDR_HOST_SECTION 60              /* offset of the host section; 0: none (files of v1.0) */
/* A layer record (the table holds layerCount of them) */
#define TINYRNN_LAYER_RECORD_BYTES 64
#define TINYRNN_REC_KIND 0                       /* KIND_* */
#define TINYRNN_REC_FLAGS 4
#define TINYRNN_REC_INPUT_LEN 8
#define TINYRNN_REC_OUTPUT_LEN 12
#define TINYRNN_REC_PARAMS 16                    /* MAX_PARAMS i32, meaning by kind */
#define TINYRNN_REC_DATA_OFFSET 48               /* 16-aligned; the kind's tensors in its fixed order */
#define TINYRNN_REC_DATA_BYTES 52                /* 56..64 reserved, 0 */

/* ---- The audio frontend */
#define TINYRNN_FEATURE_SCALE 0.0390625          /* real feature = int16 output · 10/256 (micro_speech, microWakeWord) */
#define TINYRNN_FRONTEND_SAMPLE_RATE_HZ 16000    /* the rate it works at; other rates are resampled */
#define TINYRNN_FE_FLAG_NOISE_REDUCTION 1
#define TINYRNN_FE_FLAG_PCAN 2
#define TINYRNN_FE_FLAG_LOG 4
/* Its config: FE_CONFIG_FIELDS i32 at frontendOpen's `config`, in this order */
#define TINYRNN_FE_SAMPLE_RATE_HZ 0
#define TINYRNN_FE_WINDOW_SAMPLES 1
#define TINYRNN_FE_HOP_SAMPLES 2
#define TINYRNN_FE_FFT_SIZE 3
#define TINYRNN_FE_CHANNELS 4
#define TINYRNN_FE_LOW_HZ 5
#define TINYRNN_FE_HIGH_HZ 6
#define TINYRNN_FE_FLAGS 7                       /* FE_FLAG_* */
#define TINYRNN_FE_SMOOTHING_BITS 8
#define TINYRNN_FE_EVEN_SMOOTHING 9              /* Q14 */
#define TINYRNN_FE_ODD_SMOOTHING 10              /* Q14 */
#define TINYRNN_FE_MIN_SIGNAL_REMAINING 11       /* Q14 */
#define TINYRNN_FE_PCAN_STRENGTH 12              /* Q16 */
#define TINYRNN_FE_PCAN_OFFSET 13                /* Q16 */
#define TINYRNN_FE_PCAN_GAIN_BITS 14
#define TINYRNN_FE_RESERVED 15                   /* 0 */
#define TINYRNN_FE_CONFIG_FIELDS 16

/* ---- Pipelines (pipelineOpen): PCM or sensor vectors in, events out, one state blob */
#define TINYRNN_PIPE_AUDIO 1                     /* resampler → frontend → model → detector */
#define TINYRNN_PIPE_SENSOR 2                    /* normalisation → model → detector */
#define TINYRNN_PIPE_MAX_SMOOTHING_STEPS 1024    /* the detector's moving-average window, at most */
/* Its config: i32 words at pipelineOpen's `config` */
#define TINYRNN_PC_KIND 0                        /* PIPE_* */
#define TINYRNN_PC_WINDOW_STEPS 1                /* smoothing window W, 1..PIPE_MAX_SMOOTHING_STEPS */
#define TINYRNN_PC_REFRACTORY_STEPS 2            /* R ≥ 0: a label fires only R steps or more after the last event */
#define TINYRNN_PC_FLAGS 3                       /* PC_FLAG_* */
#define TINYRNN_PC_FLAG_NORMALISE 1              /* sensor: (x − mean) · invStd per feature before the model */
#define TINYRNN_PC_FRONTEND 4                    /* audio: FE_CONFIG_FIELDS words, the frontend config */
#define TINYRNN_PC_LABELS 20                     /* then per label PC_LABEL_WORDS words: */
#define TINYRNN_PC_LABEL_WORDS 4
#define TINYRNN_PCL_FIRES 0                      /* 1: the label may fire, 0: background */
#define TINYRNN_PCL_SUM_THRESHOLD 1              /* int8 models: fires when the window's sum of int16 outputs ≥ this */
#define TINYRNN_PCL_THRESHOLD_F64 2              /* f32 models: fires when the window's mean ≥ this f64 (2 words) */
/* after the labels, sensor with PC_FLAG_NORMALISE: f32 [inputLen] means, then f32 [inputLen] 1/std */
/* The model file's host section (at HDR_HOST_SECTION, 4-byte aligned; the module never reads it): */
/* the labels and the default pipeline, as the TypeScript host makes them from the JSON metadata */
#define TINYRNN_HOST_MAGIC 0x484e5254            /* "TRNH" */
#define TINYRNN_HOST_HEADER_BYTES 48
#define TINYRNN_HS_MAGIC 0
#define TINYRNN_HS_BYTES 4                       /* the section's bytes, header included */
#define TINYRNN_HS_PIPE_KIND 8                   /* PIPE_AUDIO, PIPE_SENSOR, or 0: the metadata describes no pipeline */
#define TINYRNN_HS_LABEL_COUNT 12                /* the model's outputs, or 0: no labels */
#define TINYRNN_HS_LABELS 16                     /* offset in the section: HS_LABEL_COUNT NUL-terminated UTF-8 names */
#define TINYRNN_HS_CONFIG 20                     /* offset in the section: the default pipeline's config words (PC_*) */
#define TINYRNN_HS_CONFIG_WORDS 24               /* how many; 0 with no pipeline. Audio: FE_SAMPLE_RATE_HZ is 16000, set the input's */
#define TINYRNN_HS_RESERVED 28                   /* 0 */
#define TINYRNN_HS_HOP_MS 32                     /* f64: ms between steps; an event of step k ends at window + k · hop ms */
#define TINYRNN_HS_WINDOW_MS 40                  /* f64: ms of input one step sees; it starts max(0, end − (window + (W − 1) · hop)) */
/* An event (pipelinePush writes them to `events`) */
#define TINYRNN_EVENT_BYTES 24
#define TINYRNN_EV_LABEL 0                       /* i32: the label's index */
#define TINYRNN_EV_STEP 8                        /* u64: the step that fired (audio: frame k ends at window + k·hop samples of 16 kHz) */
#define TINYRNN_EV_SCORE 16                      /* f64: the smoothed score, as a probability */
/* A saved state's header (pipelineSave), then the state itself */
#define TINYRNN_STATE_MAGIC 0x504e5254           /* "TRNP" */
#define TINYRNN_STATE_VERSION 1
#define TINYRNN_STATE_HEADER_BYTES 32
#define TINYRNN_SH_MAGIC 0
#define TINYRNN_SH_VERSION 4
#define TINYRNN_SH_BYTES 8                       /* the whole blob's bytes */
#define TINYRNN_SH_MODEL_CRC 12                  /* the model file's checksum */
#define TINYRNN_SH_CONFIG_CRC 16                 /* CRC-32 of the config words and the model's number type */
#define TINYRNN_SH_RATE_HZ 20                    /* audio: the input rate; sensor: 0 */
#define TINYRNN_SH_BODY_CRC 24                   /* CRC-32 of the bytes after the header */
/* A raw stream's saved state (Stream.saveState, tinyrnn_stream_save): this header, then its state block */
#define TINYRNN_STREAM_STATE_MAGIC 0x534e5254    /* "TRNS" */
#define TINYRNN_STREAM_STATE_VERSION 1
#define TINYRNN_STREAM_STATE_HEADER_BYTES 16
#define TINYRNN_SS_MAGIC 0
#define TINYRNN_SS_VERSION 4
#define TINYRNN_SS_MODEL_CRC 8                   /* the model file's checksum */
#define TINYRNN_SS_STATE_BYTES 12                /* the state block's bytes */
/* END GENERATED constants */

/* The C layer's own failure, beside the module's codes: the WebAssembly runtime failed in a call
 * (a trap, or out of its own memory). tinyrnn_last_error() names the export and the runtime's
 * words. (A module without the exports tinyrnn.h lists is refused by tinyrnn_open itself.) */
#define TINYRNN_WASM_FAILED 100
/* tinyrnn_selftest() (tinyrnn_selftest.h): this engine's outputs are not Node's; tinyrnn_last_error()
 * names the first that differs. */
#define TINYRNN_SELFTEST_FAILED 101

/* ==== Errors in words ======================================================================== */

/* BEGIN GENERATED errors */
/* (made by host/c/make-header.mjs: do not edit) */
/* A code (or a call's negated result) by name: TypeScript's TinyrnnError.code. */
static inline const char *tinyrnn_error_name(int code) {
    switch (code < 0 ? 0u - (unsigned)code : (unsigned)code) {
    case TINYRNN_ERR_TRUNCATED: return "truncated";
    case TINYRNN_ERR_BAD_MAGIC: return "badMagic";
    case TINYRNN_ERR_BAD_VERSION: return "badVersion";
    case TINYRNN_ERR_BAD_HEADER: return "badHeader";
    case TINYRNN_ERR_BAD_CHECKSUM: return "badChecksum";
    case TINYRNN_ERR_BAD_LAYER_KIND: return "badLayerKind";
    case TINYRNN_ERR_BAD_SHAPE: return "badShape";
    case TINYRNN_ERR_BAD_TENSOR_BOUNDS: return "badTensorBounds";
    case TINYRNN_ERR_BAD_QUANT_PARAMS: return "badQuantParams";
    case TINYRNN_ERR_OVERFLOW_RISK: return "overflowRisk";
    case TINYRNN_ERR_OUT_OF_MEMORY: return "outOfMemory";
    case TINYRNN_ERR_BAD_HANDLE: return "badHandle";
    case TINYRNN_ERR_NON_FINITE_INPUT: return "nonFiniteInput";
    case TINYRNN_ERR_WRONG_NUM_TYPE: return "wrongNumType";
    case TINYRNN_ERR_BAD_NUM_TYPE: return "badNumType";
    case TINYRNN_ERR_BAD_STATE: return "badState";
    case TINYRNN_ERR_BAD_SAMPLE_RATE: return "badSampleRate";
    case TINYRNN_ERR_BAD_FRONTEND_CONFIG: return "badFrontendConfig";
    case TINYRNN_ERR_BAD_ARGUMENT: return "badArgument";
    case TINYRNN_ERR_BAD_METADATA: return "badMetadata";
    case TINYRNN_ERR_NON_FINITE_WEIGHT: return "nonFiniteWeight";
    case TINYRNN_WASM_FAILED: return "wasmFailed";
    default: return "unknown";
    }
}

/* A code (or a call's negated result) in words (host/runtime/abi.ts ERRORS). */
static inline const char *tinyrnn_error_message(int code) {
    switch (code < 0 ? 0u - (unsigned)code : (unsigned)code) {
    case TINYRNN_ERR_TRUNCATED: return "the model file is truncated";
    case TINYRNN_ERR_BAD_MAGIC: return "not a tinyrnn model file (bad magic number)";
    case TINYRNN_ERR_BAD_VERSION: return "unsupported model format version";
    case TINYRNN_ERR_BAD_HEADER: return "the model file header is inconsistent";
    case TINYRNN_ERR_BAD_CHECKSUM: return "the model file is corrupt (checksum mismatch)";
    case TINYRNN_ERR_BAD_LAYER_KIND: return "unknown or unsupported layer kind";
    case TINYRNN_ERR_BAD_SHAPE: return "a layer has an invalid shape";
    case TINYRNN_ERR_BAD_TENSOR_BOUNDS: return "a layer's tensors lie outside the file or do not match its shape";
    case TINYRNN_ERR_BAD_QUANT_PARAMS: return "a layer has invalid quantisation parameters";
    case TINYRNN_ERR_OVERFLOW_RISK: return "an int8 weight row could overflow its int32 accumulator";
    case TINYRNN_ERR_OUT_OF_MEMORY: return "out of WebAssembly memory";
    case TINYRNN_ERR_BAD_HANDLE: return "invalid handle (already disposed?)";
    case TINYRNN_ERR_NON_FINITE_INPUT: return "the input contains NaN or infinity";
    case TINYRNN_ERR_WRONG_NUM_TYPE: return "this call needs an int8 model";
    case TINYRNN_ERR_BAD_NUM_TYPE: return "unknown number type in the model header";
    case TINYRNN_ERR_BAD_STATE: return "invalid saved state";
    case TINYRNN_ERR_BAD_SAMPLE_RATE: return "unsupported input sample rate (8000, 16000, 22050, 32000, 44100 or 48000 Hz)";
    case TINYRNN_ERR_BAD_FRONTEND_CONFIG: return "invalid audio frontend setting";
    case TINYRNN_ERR_BAD_ARGUMENT: return "invalid argument";
    case TINYRNN_ERR_BAD_METADATA: return "the model's metadata is not a valid JSON object";
    case TINYRNN_ERR_NON_FINITE_WEIGHT: return "a weight, bias or constant is NaN or infinite";
    case TINYRNN_WASM_FAILED: return "the WebAssembly runtime failed";
    default: return "unknown error";
    }
}

/* What errorDetail() says for each code. */
#define TINYRNN_DETAIL_NONE 0
#define TINYRNN_DETAIL_BYTES 1
#define TINYRNN_DETAIL_VERSION 2
#define TINYRNN_DETAIL_HEADER_BYTE 3
#define TINYRNN_DETAIL_LAYER 4
#define TINYRNN_DETAIL_INPUT_ELEMENT 5
#define TINYRNN_DETAIL_NUM_TYPE 6
#define TINYRNN_DETAIL_HZ 7
#define TINYRNN_DETAIL_FRONTEND_FIELD 8
#define TINYRNN_DETAIL_ARGUMENT 9
#define TINYRNN_DETAIL_LAYER_TENSOR 10

static inline int tinyrnn_error_detail_kind(int code) {
    switch (code < 0 ? 0u - (unsigned)code : (unsigned)code) {
    case TINYRNN_ERR_TRUNCATED: return TINYRNN_DETAIL_BYTES;
    case TINYRNN_ERR_BAD_VERSION: return TINYRNN_DETAIL_VERSION;
    case TINYRNN_ERR_BAD_HEADER: return TINYRNN_DETAIL_HEADER_BYTE;
    case TINYRNN_ERR_BAD_CHECKSUM: return TINYRNN_DETAIL_HEADER_BYTE;
    case TINYRNN_ERR_BAD_LAYER_KIND: return TINYRNN_DETAIL_LAYER;
    case TINYRNN_ERR_BAD_SHAPE: return TINYRNN_DETAIL_LAYER;
    case TINYRNN_ERR_BAD_TENSOR_BOUNDS: return TINYRNN_DETAIL_LAYER;
    case TINYRNN_ERR_BAD_QUANT_PARAMS: return TINYRNN_DETAIL_LAYER;
    case TINYRNN_ERR_OVERFLOW_RISK: return TINYRNN_DETAIL_LAYER;
    case TINYRNN_ERR_NON_FINITE_INPUT: return TINYRNN_DETAIL_INPUT_ELEMENT;
    case TINYRNN_ERR_BAD_NUM_TYPE: return TINYRNN_DETAIL_NUM_TYPE;
    case TINYRNN_ERR_BAD_SAMPLE_RATE: return TINYRNN_DETAIL_HZ;
    case TINYRNN_ERR_BAD_FRONTEND_CONFIG: return TINYRNN_DETAIL_FRONTEND_FIELD;
    case TINYRNN_ERR_BAD_ARGUMENT: return TINYRNN_DETAIL_ARGUMENT;
    case TINYRNN_ERR_NON_FINITE_WEIGHT: return TINYRNN_DETAIL_LAYER_TENSOR;
    default: return TINYRNN_DETAIL_NONE;
    }
}

/* A layer kind (TINYRNN_KIND_*) by name, or NULL. */
static inline const char *tinyrnn_kind_name(int kind) {
    switch (kind) {
    case TINYRNN_KIND_DENSE: return "dense";
    case TINYRNN_KIND_GRU: return "gru";
    case TINYRNN_KIND_LSTM: return "lstm";
    case TINYRNN_KIND_SSM: return "ssm";
    case TINYRNN_KIND_RMSNORM: return "rmsnorm";
    default: return NULL;
    }
}

/* Tensor `index` of an f32 layer of `kind` by name (host/build/layers/index.ts LAYERS' f32Tensors), or NULL:
 * the tensor of a TINYRNN_ERR_NON_FINITE_WEIGHT detail. */
static inline const char *tinyrnn_f32_tensor_name(int kind, int index) {
    if (index < 0 || index > 255) return NULL;
    switch (kind * 256 + index) {
    case TINYRNN_KIND_DENSE * 256 + 0: return "W";
    case TINYRNN_KIND_DENSE * 256 + 1: return "bias";
    case TINYRNN_KIND_GRU * 256 + 0: return "Wx";
    case TINYRNN_KIND_GRU * 256 + 1: return "Wh";
    case TINYRNN_KIND_GRU * 256 + 2: return "bx";
    case TINYRNN_KIND_GRU * 256 + 3: return "bh";
    case TINYRNN_KIND_LSTM * 256 + 0: return "Wx";
    case TINYRNN_KIND_LSTM * 256 + 1: return "Wh";
    case TINYRNN_KIND_LSTM * 256 + 2: return "b";
    case TINYRNN_KIND_SSM * 256 + 0: return "normW";
    case TINYRNN_KIND_SSM * 256 + 1: return "inW";
    case TINYRNN_KIND_SSM * 256 + 2: return "convW";
    case TINYRNN_KIND_SSM * 256 + 3: return "convB";
    case TINYRNN_KIND_SSM * 256 + 4: return "xW";
    case TINYRNN_KIND_SSM * 256 + 5: return "dtW";
    case TINYRNN_KIND_SSM * 256 + 6: return "dtB";
    case TINYRNN_KIND_SSM * 256 + 7: return "A";
    case TINYRNN_KIND_SSM * 256 + 8: return "D";
    case TINYRNN_KIND_SSM * 256 + 9: return "outW";
    case TINYRNN_KIND_SSM * 256 + 10: return "consts";
    case TINYRNN_KIND_RMSNORM * 256 + 0: return "w";
    case TINYRNN_KIND_RMSNORM * 256 + 1: return "consts";
    default: return NULL;
    }
}

/* A frontend config field (TINYRNN_FE_*) by name: errorDetail() of TINYRNN_ERR_BAD_FRONTEND_CONFIG. */
static inline const char *tinyrnn_frontend_field_name(int field) {
    switch (field) {
    case 0: return "sampleRateHz";
    case 1: return "windowSamples";
    case 2: return "hopSamples";
    case 3: return "fftSize";
    case 4: return "channels";
    case 5: return "lowHz";
    case 6: return "highHz";
    case 7: return "flags";
    case 8: return "smoothingBits";
    case 9: return "evenSmoothing";
    case 10: return "oddSmoothing";
    case 11: return "minSignalRemaining";
    case 12: return "pcanStrength";
    case 13: return "pcanOffset";
    case 14: return "pcanGainBits";
    case 15: return "reserved";
    default: return NULL;
    }
}
/* END GENERATED errors */

/* ==== The module's exports ===================================================================
 *
 * What tinyrnn.c calls, for a host of your own. Every argument and result is an i32 (pointers
 * are offsets into the module's linear memory) except pipelineSteps' f64 result. A handle is a
 * pointer (> 0, 16-aligned) to a tagged block, checked on every call and cleared on free: a
 * stale handle is refused with ERR_BAD_HANDLE, never trusted. A negative result is a negated
 * ERR_* code, with errorDetail() saying what it concerns.
 *
 *   memAlloc(bytes) -> ptr          16-aligned, zero-filled; 0 when memory cannot grow (the
 *                                   module grows memory only here, never in a step or a push)
 *   memFree(ptr)                    frees a block of memAlloc's; an unknown pointer is ignored
 *   memLimit(bytes) -> end          cap the heap at `bytes` of linear memory (0: none): past it
 *                                   memAlloc returns 0 before growing memory, for a runtime
 *                                   limit that is not whole pages (wasm3's memoryLimit), past
 *                                   which a touch would trap. Returns the heap's end: the
 *                                   linear memory in use (static data and stack included)
 *   errorDetail() -> i32            the detail of the last error (ERRORS: its kind per code)
 *   buildFeatures() -> bits         BUILD_SIMD in the simd build
 *
 *   modelLoad(image, imageBytes) -> model | -ERR
 *                                   image: the .tinyrnn file copied to a memAlloc block. Checked
 *                                   whole (magic, version, bounds, shapes, quantisation, CRC-32);
 *                                   on success the block is the model's (modelFree frees it):
 *                                   the weights are read there in place; on failure it is still
 *                                   the caller's to memFree
 *   modelFree(model) -> 0 | -ERR    ERR_BAD_HANDLE while streams (pipelines own one each) are
 *                                   open: detail = how many
 *   modelInfo(model, INFO_*) -> i32 numType, inputLen, outputLen, layerCount, stateBytes (one
 *                                   stream's), scratchBytes (shared), weightBytes; an unknown
 *                                   selector: ERR_BAD_HANDLE, detail = the selector. The input
 *                                   and output scales are in the file header (HDR_INPUT_SCALE,
 *                                   HDR_OUTPUT_SCALE, f32), read by the host
 *
 *   streamOpen(model) -> stream | -ERR      zero state; ERR_OUT_OF_MEMORY
 *   streamFree(stream), streamReset(stream) -> 0 | -ERR
 *   streamState(stream) -> ptr      its state block (INFO_STATE_BYTES): save/restore is a copy
 *   streamStep(stream, input, output) -> 0 | -ERR
 *                                   f32[inputLen] in, f32[outputLen] out; int8 models quantise
 *                                   the input (round to nearest, saturate) and dequantise the
 *                                   output. ERR_NON_FINITE_INPUT (detail: the element) before
 *                                   anything changes
 *   streamStepI16(stream, input, output) -> 0 | -ERR
 *                                   int8 models only (else ERR_WRONG_NUM_TYPE): int16 in at the
 *                                   input scale, int16 out at the output scale; integer only
 *
 *   frontendOpen(config, numType) -> frontend | -ERR    config: FE_CONFIG_FIELDS i32 (FE_*);
 *                                   ERR_BAD_FRONTEND_CONFIG (detail: the FE_* field),
 *                                   ERR_BAD_SAMPLE_RATE (detail: the rate)
 *   frontendFree(frontend), frontendReset(frontend) -> 0 | -ERR
 *   frontendPush(frontend, samples, count, sampleType, frame) -> (consumed << 1) | frameReady
 *                                   consumes samples (SAMPLE_I16 or SAMPLE_F32 in [-1, 1]) until
 *                                   all are consumed or one frame completes; a completed frame
 *                                   (int16 | f32 [channels]) is written to `frame`. Call again
 *                                   with the rest. Non-finite samples: ERR_NON_FINITE_INPUT
 *
 *   pipelineOpen(model, config, words) -> pipeline | -ERR
 *                                   config: `words` i32, the PC_* layout below; a bad word:
 *                                   ERR_BAD_ARGUMENT, detail = its index; frontend and rate
 *                                   errors as frontendOpen's. Opens its own stream and frontend
 *   pipelineFree(p), pipelineReset(p) -> 0 | -ERR
 *   pipelinePush(p, samples, count, sampleType, events, outputs, maxSteps) -> events | -ERR
 *                                   audio: PCM at the config's rate (SAMPLE_I16 or SAMPLE_F32);
 *                                   sensor: f32, whole inputLen-vectors. Runs every step the
 *                                   samples complete, writes each event (EVENT_BYTES, EV_*) to
 *                                   `events` and, unless `outputs` is 0, each step's outputs
 *                                   (f32 [outputLen], as probabilities) to `outputs`. Returns the
 *                                   number of events. Refused before anything changes: a NaN or
 *                                   infinity (ERR_NON_FINITE_INPUT, detail: its index), buffers
 *                                   too small for the steps it can run (ERR_BAD_ARGUMENT, detail
 *                                   6: `maxSteps`; push fewer samples at a time)
 *   pipelineSteps(p) -> f64         steps run since open or reset (exact below 2^53); -1: bad handle
 *   pipelineStateBytes(p) -> bytes  its saved state's size, header (SH_*) included
 *   pipelineSave(p, dst) -> bytes   the whole state (detector, frontend, resampler, model) as one blob
 *   pipelineLoad(p, src, bytes) -> 0 | -ERR
 *                                   continue from a blob saved by the same model and config (at
 *                                   the same rate, on either build, by any host); refused with
 *                                   ERR_BAD_STATE, changing nothing, detail: 1 not a state or
 *                                   another version, 2 another size, 3 another model, 4 another
 *                                   config, 5 another rate, 6 corrupt, 7 detector, 8 frontend,
 *                                   9 model state out of range
 *
 * The list, with each export's argument count (what tinyrnn_open checks the module against): */

/* BEGIN GENERATED exports */
/* (made by host/c/make-header.mjs: do not edit) */
/* X(name, argument count) for every export but `memory`, in ABI_FUNCTIONS' order */
#define TINYRNN_EXPORTS(X) \
    X(memAlloc, 1) \
    X(memFree, 1) \
    X(errorDetail, 0) \
    X(modelLoad, 2) \
    X(modelFree, 1) \
    X(modelInfo, 2) \
    X(streamOpen, 1) \
    X(streamFree, 1) \
    X(streamReset, 1) \
    X(streamState, 1) \
    X(streamStep, 3) \
    X(streamStepI16, 3) \
    X(frontendOpen, 2) \
    X(frontendFree, 1) \
    X(frontendReset, 1) \
    X(frontendPush, 5) \
    X(buildFeatures, 0) \
    X(pipelineOpen, 3) \
    X(pipelineFree, 1) \
    X(pipelineReset, 1) \
    X(pipelinePush, 7) \
    X(pipelineSteps, 1) \
    X(pipelineStateBytes, 1) \
    X(pipelineSave, 2) \
    X(pipelineLoad, 3) \
    X(memLimit, 1)
#define TINYRNN_EXPORT_COUNT 26
/* END GENERATED exports */

/* ==== The pipeline's config words ==============================================================
 *
 *   [PC_KIND]               PIPE_AUDIO or PIPE_SENSOR
 *   [PC_WINDOW_STEPS]       W: the detector's score is the mean of the last W steps' outputs
 *                           (missing steps count 0), 1..PIPE_MAX_SMOOTHING_STEPS
 *   [PC_REFRACTORY_STEPS]   R: after an event, no label fires for R steps
 *   [PC_FLAGS]              PC_FLAG_NORMALISE (sensor only), else 0
 *   [PC_FRONTEND ...]       audio: FE_CONFIG_FIELDS words, the frontend config
 *                           (tinyrnn_default_frontend_config); sensor: 0
 *   [PC_LABELS + l*PC_LABEL_WORDS ...]   per output l:
 *       [PCL_FIRES]         1: may fire; 0: background, never fires
 *       [PCL_SUM_THRESHOLD] int8 models: fires when the window's sum of int16 outputs >= this
 *                           (tinyrnn_sum_threshold turns a probability into it)
 *       [PCL_THRESHOLD_F64] f32 models: fires when the window's mean >= this f64, two words
 *                           (tinyrnn_config_set_f64)
 *   then, sensor with PC_FLAG_NORMALISE: f32 [inputLen] means, then f32 [inputLen] 1/std
 *
 * Among the labels that may fire and reach their threshold, the one with the highest score fires
 * (the first on a tie). An event's step k is the k-th step since open; audio frame k ends at
 * window + k*hop samples of 16 kHz (input time), so with hop and window in ms an event's
 * endMs = windowMs + k*hopMs, startMs = max(0, endMs - (windowMs + (W-1)*hopMs)). */

#define TINYRNN_PIPELINE_WORDS(labels, normalised_inputs) \
    (TINYRNN_PC_LABELS + (labels) * TINYRNN_PC_LABEL_WORDS + 2 * (normalised_inputs))

/* BEGIN GENERATED frontend */
/* (made by host/c/make-header.mjs: do not edit) */
/* The frontend config of micro_speech and microWakeWord, what host/runtime/frontend.ts's
 * defaultFrontendConfig() gives: 30 ms window, 10 ms hop, 40 channels 125-7500 Hz, noise reduction, PCAN, log;
 * for PCM at sample_rate_hz (8000, 16000, 22050, 32000, 44100 or 48000). */
static inline void tinyrnn_default_frontend_config(int32_t fe[TINYRNN_FE_CONFIG_FIELDS], int32_t sample_rate_hz) {
    fe[TINYRNN_FE_SAMPLE_RATE_HZ] = sample_rate_hz;              /* the input's rate */
    fe[TINYRNN_FE_WINDOW_SAMPLES] = 480;                         /* 30 ms */
    fe[TINYRNN_FE_HOP_SAMPLES] = 160;                            /* 10 ms */
    fe[TINYRNN_FE_FFT_SIZE] = 512;
    fe[TINYRNN_FE_CHANNELS] = 40;
    fe[TINYRNN_FE_LOW_HZ] = 125;
    fe[TINYRNN_FE_HIGH_HZ] = 7500;
    fe[TINYRNN_FE_FLAGS] = TINYRNN_FE_FLAG_NOISE_REDUCTION | TINYRNN_FE_FLAG_PCAN | TINYRNN_FE_FLAG_LOG; /* noiseReduction, pcan, log */
    fe[TINYRNN_FE_SMOOTHING_BITS] = 10;
    fe[TINYRNN_FE_EVEN_SMOOTHING] = 409;                         /* 0.025, Q14 */
    fe[TINYRNN_FE_ODD_SMOOTHING] = 983;                          /* 0.06, Q14 */
    fe[TINYRNN_FE_MIN_SIGNAL_REMAINING] = 819;                   /* 0.05, Q14 */
    fe[TINYRNN_FE_PCAN_STRENGTH] = 62259;                        /* 0.95, Q16 */
    fe[TINYRNN_FE_PCAN_OFFSET] = 5242880;                        /* 80, Q16 */
    fe[TINYRNN_FE_PCAN_GAIN_BITS] = 21;
    fe[TINYRNN_FE_RESERVED] = 0;
}
/* END GENERATED frontend */

/* Put an f64 into config words `at`, `at + 1` (little-endian, as the module reads it). */
static inline void tinyrnn_config_set_f64(int32_t *words, int32_t at, double value) {
    uint64_t bits;
    memcpy(&bits, &value, sizeof bits);
    words[at] = (int32_t)(uint32_t)(bits & 0xffffffffu);
    words[at + 1] = (int32_t)(uint32_t)(bits >> 32);
}

/* An int8 model's PCL_SUM_THRESHOLD for a probability threshold: the least integer window sum T
 * with T * output_scale / window_steps >= threshold, in f64 (as the TypeScript host computes it,
 * host/runtime/pipeline.ts, so both hosts fire on the same steps). */
static inline int32_t tinyrnn_sum_threshold(double threshold, int32_t window_steps, float output_scale) {
    const double scale = output_scale, w = window_steps;
    double t = threshold * w / scale;
    int64_t T;
    if (t != t) return 0; /* NaN: as the TypeScript host's DataView.setInt32 stores it */
    T = t >= 2147483647.0 ? 2147483647 : t <= -2147483648.0 ? -2147483647 - 1 : (int64_t)t;
    if ((double)T < t && T < 2147483647) T++; /* ceil */
    while (T > -2147483647 - 1 && ((double)(T - 1) * scale) / w >= threshold) T--;
    while (T < 2147483647 && ((double)T * scale) / w < threshold) T++;
    return (int32_t)T;
}

/* ==== The C layer ============================================================================ */

typedef struct tinyrnn tinyrnn; /* one instance of the module (opaque) */

typedef struct tinyrnn_options {
    uint32_t stack_bytes;      /* the runtime's stack for calls into the module; 0: 32 KiB */
    uint32_t max_memory_bytes; /* linear memory at most (0: the runtime's own limit). Past it the
                                  module's memAlloc returns 0 (TINYRNN_ERR_OUT_OF_MEMORY) before it
                                  grows memory. wasm3 holds memory to it (memoryLimit); WAMR and
                                  the wasm page size to whole 64 KiB pages, rounded up */
    void *pool;                /* WAMR: the arena every runtime allocation comes from (linear
                                  memory too on RTOS ports; on Linux WAMR maps it apart); NULL:
                                  one of pool_bytes is malloc'd. WAMR has one pool per process:
                                  the first tinyrnn_open sets it */
    uint32_t pool_bytes;       /* its size; 0: 1 MiB */
} tinyrnn_options;

/* A loaded model: read-only fields, filled by tinyrnn_load_model. */
typedef struct tinyrnn_model {
    tinyrnn *rt;
    int32_t handle;            /* the module's model handle */
    int32_t num_type;          /* TINYRNN_NUM_F32 or TINYRNN_NUM_INT8 */
    int32_t input_len, output_len, layer_count;
    int32_t state_bytes;       /* one stream's state */
    int32_t scratch_bytes;     /* shared by its streams */
    int32_t weight_bytes;
    float input_scale;         /* int8: real input = int16 * input_scale (HDR_INPUT_SCALE) */
    float output_scale;        /* int8: real output = int16 * output_scale (HDR_OUTPUT_SCALE) */
    uint32_t checksum;         /* the file's CRC-32 (HDR_CHECKSUM): its fingerprint in saved states */
    uint32_t io_in, io_out;    /* linear-memory buffers for one step's input and output (f32-sized) */
} tinyrnn_model;

/* A stream of a model: its own state; many per model. */
typedef struct tinyrnn_stream {
    tinyrnn_model *model;
    int32_t handle;
} tinyrnn_stream;

/* A pipeline: samples in, events out (TINYRNN_PC_* config). */
typedef struct tinyrnn_pipeline {
    tinyrnn_model *model;
    int32_t handle;
    int32_t kind;              /* TINYRNN_PIPE_AUDIO or TINYRNN_PIPE_SENSOR */
    int32_t max_push;          /* samples (sensor: values, whole vectors) handed to the module per call */
    int32_t max_steps;         /* the most steps one such call can run */
    uint32_t samples, events;  /* linear-memory buffers: max_push f32, max_steps events */
} tinyrnn_pipeline;

/* An event, as pipelinePush writes it (EV_*). */
typedef struct tinyrnn_event {
    int32_t label;             /* the output's index */
    uint64_t step;             /* the step that fired */
    double score;              /* the smoothed score, as a probability */
} tinyrnn_event;

/* Called for each event, in order; `user` is the push's. */
typedef void (*tinyrnn_event_fn)(void *user, const tinyrnn_event *event);

/* Memory, for sizing a device: linear memory now, and the runtime's own heap (its module,
 * compiled code, stacks), linear memory left out, when it can be known. A device needs both. */
typedef struct tinyrnn_memory_info {
    uint32_t linear_pages;     /* 64 KiB pages of linear memory */
    uint32_t linear_bytes;     /* the memory the runtime holds for them (wasm3: up to its memoryLimit) */
    uint32_t linear_used_bytes; /* of which the module uses: static data, stack and heap */
    int64_t heap_used_bytes;   /* the runtime's own allocations now; -1: unknown (wasm3 off glibc) */
    int64_t heap_peak_bytes;   /* their high-water mark; -1: unknown (wasm3: malloc keeps none) */
    int64_t heap_total_bytes;  /* the pool they come from (WAMR); -1: malloc (wasm3) */
} tinyrnn_memory_info;

/* Default options (what NULL means). */
tinyrnn_options tinyrnn_default_options(void);

/* Instantiate the module. `wasm` must stay valid and unchanged until tinyrnn_close (wasm3 reads
 * it in place; WAMR gets a copy in its pool, as it may write to it). Returns NULL on failure,
 * with the reason in `why` (when not NULL): the runtime's message, or a missing or mistyped
 * export. wasm3 compiles the whole module here, so that no call compiles (or allocates) later. */
tinyrnn *tinyrnn_open(const uint8_t *wasm, uint32_t wasm_bytes, const tinyrnn_options *options, char *why, size_t why_bytes);
/* Free the instance and everything in it (models, streams, pipelines die with its memory). */
void tinyrnn_close(tinyrnn *rt);
/* "wasm3" or "wamr": the runtime this layer was built for. */
const char *tinyrnn_runtime_name(void);
/* The last failure in words: "<what was being done>: <message>[ (<detail>)]"; "" if none yet. */
const char *tinyrnn_last_error(const tinyrnn *rt);
/* errorDetail() of the last failure (0 for the C layer's own). */
int32_t tinyrnn_last_detail(const tinyrnn *rt);
/* Record a failure of the caller's own (the self-test's, an application's): tinyrnn_last_error()
 * then returns `message`, tinyrnn_last_detail() 0. Returns -code. */
int tinyrnn_set_error(tinyrnn *rt, int code, const char *message);
/* TINYRNN_BUILD_* bits of the module (TINYRNN_BUILD_SIMD: the simd build; runtimes here run mvp). */
int32_t tinyrnn_build_features(tinyrnn *rt);
/* Linear memory and the runtime's heap now. 0 or -TINYRNN_WASM_FAILED. */
int tinyrnn_memory(tinyrnn *rt, tinyrnn_memory_info *info);

/* Copy a .tinyrnn file into the module and validate it. 0, or a negated error (the file's
 * problem: TINYRNN_ERR_BAD_MAGIC, _BAD_CHECKSUM, ... with tinyrnn_last_detail(); or
 * TINYRNN_ERR_OUT_OF_MEMORY). `bytes` may be freed afterwards: the module keeps its copy. */
int tinyrnn_load_model(tinyrnn *rt, const void *bytes, uint32_t len, tinyrnn_model *model);
/* Free a model; its streams and pipelines must be freed first (else TINYRNN_ERR_BAD_HANDLE,
 * detail: how many are open). */
int tinyrnn_model_free(tinyrnn_model *model);

/* ---- The model file's host section (format 1.1): labels and the default pipeline ---------------
 * What the TypeScript host reads from a model's JSON metadata, for a host without a JSON parser:
 * the labels, and the config words KeywordSpotter (audio) or SensorStream (sensor) would open
 * their pipeline with by default (TINYRNN_HS_*, written by `tinyrnn convert` and every writer
 * from the metadata). Needs no instance: it reads the file's bytes in place. */
typedef struct tinyrnn_host_section {
    int32_t pipe_kind;         /* TINYRNN_PIPE_AUDIO, TINYRNN_PIPE_SENSOR, or 0: a raw model */
    int32_t label_count;       /* the model's outputs, or 0: no labels */
    int32_t config_words;      /* the default pipeline's config words; 0 with no pipeline */
    double hop_ms;             /* ms between steps */
    double window_ms;          /* ms of input one step sees */
    const uint8_t *labels;     /* in the file: label_count NUL-terminated UTF-8 names */
    const uint8_t *config;     /* in the file: config_words little-endian int32 (TINYRNN_PC_*) */
} tinyrnn_host_section;

/* Read the host section of the model file `file` (`bytes` long), which must outlive `section`.
 * 0; 1 when the file has none (format 1.0: give the labels and settings yourself); or
 * -TINYRNN_ERR_BAD_MAGIC, -TINYRNN_ERR_BAD_VERSION, -TINYRNN_ERR_TRUNCATED or -TINYRNN_ERR_BAD_HEADER,
 * with what is wrong in `why` (when not NULL; static text). The file's checksum is
 * tinyrnn_load_model's to check. */
int tinyrnn_read_host_section(const void *file, uint32_t bytes, tinyrnn_host_section *section, const char **why);
/* Label i (0 <= i < label_count), or NULL. */
const char *tinyrnn_host_label(const tinyrnn_host_section *section, int32_t i);
/* Copy the default pipeline's config words to `words` (room for `capacity`), for audio at
 * `input_rate_hz` (its TINYRNN_FE_SAMPLE_RATE_HZ word; sensor: ignored). Change them as you like
 * (thresholds: TINYRNN_PCL_*, tinyrnn_sum_threshold) and hand them to tinyrnn_pipeline_open.
 * Returns the word count, or -TINYRNN_ERR_BAD_ARGUMENT (no pipeline, or too little room). */
int32_t tinyrnn_host_config(const tinyrnn_host_section *section, int32_t input_rate_hz, int32_t *words, int32_t capacity);
/* An event's span in ms, as the TypeScript host gives it (DetectionEvent.startMs, .endMs): it
 * ends at window + step * hop and starts (window + (W - 1) * hop) before, at 0 at the earliest,
 * W being the config's TINYRNN_PC_WINDOW_STEPS. */
void tinyrnn_event_span(const tinyrnn_host_section *section, int32_t window_steps, uint64_t step, double *start_ms, double *end_ms);

/* Open a stream with zero state. 0 or a negated error. */
int tinyrnn_stream_open(tinyrnn_model *model, tinyrnn_stream *stream);
/* One step: input_len floats in, output_len floats out (int8 models quantise and dequantise).
 * 0, or TINYRNN_ERR_NON_FINITE_INPUT (detail: the element) with the state unchanged. */
int tinyrnn_stream_step(tinyrnn_stream *stream, const float *input, float *output);
/* One integer-only step of an int8 model: int16 at input_scale in, int16 at output_scale out. */
int tinyrnn_stream_step_i16(tinyrnn_stream *stream, const int16_t *input, int16_t *output);
/* Back to zero state. */
int tinyrnn_stream_reset(tinyrnn_stream *stream);
/* Bytes of a saved stream state: TINYRNN_STREAM_STATE_HEADER_BYTES + the model's state_bytes. */
uint32_t tinyrnn_stream_state_bytes(const tinyrnn_stream *stream);
/* Save the state to `dst` (room for `capacity` bytes): the bytes written, or a negated error.
 * The format is the TypeScript host's (Stream.saveState): a state moves between hosts. */
int tinyrnn_stream_save(tinyrnn_stream *stream, void *dst, uint32_t capacity);
/* Continue from a saved state; refused (TINYRNN_ERR_BAD_STATE, detail: 1 not a stream state,
 * 2 another model, 3 another size, 4 an f32 model's state holding NaN or infinity) without change. */
int tinyrnn_stream_restore(tinyrnn_stream *stream, const void *src, uint32_t bytes);
int tinyrnn_stream_free(tinyrnn_stream *stream);

/* A saved stream state: a TINYRNN_STREAM_STATE_HEADER_BYTES header (TINYRNN_SS_*, little-endian
 * u32s), then the state block. */

/* Open a pipeline from `words` config words (TINYRNN_PC_*, built by the caller). `max_push`: the
 * most samples (sensor: values) handed to the module per call, which sizes its buffers (0:
 * 4096); a push of any length is cut into such pieces, and the events do not depend on it.
 * 0, or a negated error (a bad word: TINYRNN_ERR_BAD_ARGUMENT, detail = its index). */
int tinyrnn_pipeline_open(tinyrnn_model *model, const int32_t *config, int32_t words, uint32_t max_push, tinyrnn_pipeline *pipeline);
/* Push PCM16 (audio). Calls on_event (when not NULL) for each event, in order; returns the
 * number of events, or a negated error. A failure in a later piece leaves the earlier ones run. */
int tinyrnn_pipeline_push_i16(tinyrnn_pipeline *pipeline, const int16_t *pcm, uint32_t count, tinyrnn_event_fn on_event, void *user);
/* Push f32: audio PCM in [-1, 1], or sensor values (whole input_len vectors). As _i16; a NaN or
 * infinity refuses its piece (TINYRNN_ERR_NON_FINITE_INPUT, detail: its index in this push). */
int tinyrnn_pipeline_push_f32(tinyrnn_pipeline *pipeline, const float *values, uint32_t count, tinyrnn_event_fn on_event, void *user);
/* Steps run since open or reset. */
int tinyrnn_pipeline_steps(tinyrnn_pipeline *pipeline, uint64_t *steps);
int tinyrnn_pipeline_reset(tinyrnn_pipeline *pipeline);
/* Bytes of its saved state (header TINYRNN_SH_* included), or a negated error. */
int tinyrnn_pipeline_state_bytes(tinyrnn_pipeline *pipeline);
/* Save the whole state (detector, frontend, resampler, model) to `dst`: the bytes, or < 0. */
int tinyrnn_pipeline_save(tinyrnn_pipeline *pipeline, void *dst, uint32_t capacity);
/* Continue from a saved state (from any host, either build); refused without change
 * (TINYRNN_ERR_BAD_STATE, tinyrnn_last_error() says why). */
int tinyrnn_pipeline_restore(tinyrnn_pipeline *pipeline, const void *src, uint32_t bytes);
int tinyrnn_pipeline_free(tinyrnn_pipeline *pipeline);

#ifdef __cplusplus
}
#endif

#endif /* TINYRNN_H */
