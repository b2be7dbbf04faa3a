// Every number the module and its hosts share, said once. asc compiles this file into the module,
// tsc and esbuild read it for the TypeScript host (host/runtime/constants.ts re-exports it), the
// Python recipes parse it (models/train/constants.py) and the C header will be generated from it.
// So the form is fixed: one `export const NAME = literal;` per line, numbers only (an array or a
// string here would be compiled into the module's data), a comment after it where it helps.
// test/constants.test.ts holds the other sides to it.

// ---- Error codes: the module returns the negated code; errorDetail() says what it concerns.
// The messages are the host's (ERRORS in host/runtime/abi.ts), one per code.
export const ERR_TRUNCATED = 1; // detail: the bytes there are
export const ERR_BAD_MAGIC = 2;
export const ERR_BAD_VERSION = 3; // detail: the file's major version
export const ERR_BAD_HEADER = 4; // detail: the header byte offset
export const ERR_BAD_CHECKSUM = 5; // detail: the header byte offset
export const ERR_BAD_LAYER_KIND = 6; // detail: the layer index
export const ERR_BAD_SHAPE = 7; // a size is zero, too large, or does not chain; detail: the layer index
export const ERR_BAD_TENSOR_BOUNDS = 8; // layer data outside the file or the wrong length; detail: the layer index
export const ERR_BAD_QUANT_PARAMS = 9; // a shift or multiplier out of range; detail: the layer index
export const ERR_OVERFLOW_RISK = 10; // an int8 row could overflow its int32 accumulator; detail: the layer index
export const ERR_OUT_OF_MEMORY = 11;
export const ERR_BAD_HANDLE = 12;
export const ERR_NON_FINITE_INPUT = 13; // detail: the input element
export const ERR_WRONG_NUM_TYPE = 14; // e.g. an int16 step on an f32 model
export const ERR_BAD_NUM_TYPE = 15; // detail: the number type found
export const ERR_BAD_STATE = 16;
export const ERR_BAD_SAMPLE_RATE = 17; // detail: the rate in Hz
export const ERR_BAD_FRONTEND_CONFIG = 18; // detail: the config field (FE_*)
export const ERR_BAD_ARGUMENT = 19; // detail: which argument (0-based) of the call
export const ERR_BAD_METADATA = 20; // the host's own: the module never returns it
export const ERR_NON_FINITE_WEIGHT = 21; // an f32 model's weight, bias or constant is NaN or infinite; detail: layer << LAYER_TENSOR_SHIFT | tensor index
export const LAYER_TENSOR_SHIFT = 8; // a layer-and-tensor detail: layer index << this | the tensor's index in its kind's file order

// ---- modelInfo(model, selector)
export const INFO_NUM_TYPE = 0;
export const INFO_INPUT_LEN = 1;
export const INFO_OUTPUT_LEN = 2;
export const INFO_LAYER_COUNT = 3;
export const INFO_STATE_BYTES = 4;
export const INFO_SCRATCH_BYTES = 5;
export const INFO_WEIGHT_BYTES = 6;

// ---- buildFeatures() bits
export const BUILD_SIMD = 1;

// ---- Number types (the model header's numType)
export const NUM_F32 = 0;
export const NUM_INT8 = 1;

// ---- Sample types of frontendPush
export const SAMPLE_I16 = 0;
export const SAMPLE_F32 = 1;

// ---- Layer kinds (a layer record's kind); every place a kind touches: docs/adding-a-layer.md
export const KIND_DENSE = 1;
export const KIND_GRU = 2;
export const KIND_LSTM = 3;
export const KIND_SSM = 4;
export const KIND_RMSNORM = 5;
export const KIND_COUNT = 6; // one past the last kind

// ---- Dense activations (a dense layer's p0)
export const ACT_NONE = 0;
export const ACT_RELU = 1;
export const ACT_SIGMOID = 2;
export const ACT_TANH = 3;
export const ACT_SOFTMAX = 4;

// ---- Layer flags (a layer record's flags)
export const GRU_FLAG_RESET_AFTER = 1; // PyTorch's form: r applied after the hidden matmul
export const LSTM_FLAG_GATE_REQUANT32 = 1; // int8 only: TFLite's 8x8_16 gate requantisation

// ---- The model file (.tinyrnn, v1, little-endian): a header, a layer table, the layers' data
// (each tensor 16-byte aligned), UTF-8 JSON metadata read by the host only, then (v1.1) the host
// section: what a host without a JSON parser needs, labels and the default pipeline.
export const FILE_MAGIC = 0x4e4e5254; // "TRNN"
export const FILE_VERSION_MAJOR = 1;
export const FILE_VERSION_MINOR = 1; // 1: HDR_HOST_SECTION may point at a host section
export const FILE_HEADER_BYTES = 64;
export const FILE_TENSOR_ALIGN = 16;
export const MAX_LAYERS = 64;
export const MAX_DIM = 8192; // any one size; a tiny model is far below
export const MAX_PARAMS = 8; // p0..p7 of a layer record
// Header fields: byte offsets (u32 unless said)
export const HDR_MAGIC = 0;
export const HDR_VERSION_MAJOR = 4; // u16
export const HDR_VERSION_MINOR = 6; // u16
export const HDR_HEADER_BYTES = 8; // FILE_HEADER_BYTES
export const HDR_FILE_BYTES = 12;
export const HDR_CHECKSUM = 16; // CRC-32 of the file without this field: [0, 16) + [20, fileBytes)
export const HDR_NUM_TYPE = 20; // NUM_*
export const HDR_INPUT_LEN = 24;
export const HDR_OUTPUT_LEN = 28;
export const HDR_LAYER_COUNT = 32;
export const HDR_LAYER_TABLE = 36; // offset of the layer table
export const HDR_METADATA_OFFSET = 40;
export const HDR_METADATA_BYTES = 44;
export const HDR_INPUT_SCALE = 48; // f32; int8: real input = int16 · scale
export const HDR_OUTPUT_SCALE = 52; // f32; int8: real output = int16 · scale
export const HDR_FLAGS = 56; // 0
export const HDR_HOST_SECTION = 60; // offset of the host section; 0: none (files of v1.0)
// A layer record (the table holds layerCount of them)
export const LAYER_RECORD_BYTES = 64;
export const REC_KIND = 0; // KIND_*
export const REC_FLAGS = 4;
export const REC_INPUT_LEN = 8;
export const REC_OUTPUT_LEN = 12;
export const REC_PARAMS = 16; // MAX_PARAMS i32, meaning by kind
export const REC_DATA_OFFSET = 48; // 16-aligned; the kind's tensors in its fixed order
export const REC_DATA_BYTES = 52; // 56..64 reserved, 0

// ---- The audio frontend
export const FEATURE_SCALE = 0.0390625; // real feature = int16 output · 10/256 (micro_speech, microWakeWord)
export const FRONTEND_SAMPLE_RATE_HZ = 16000; // the rate it works at; other rates are resampled
export const FE_FLAG_NOISE_REDUCTION = 1;
export const FE_FLAG_PCAN = 2;
export const FE_FLAG_LOG = 4;
// Its config: FE_CONFIG_FIELDS i32 at frontendOpen's `config`, in this order
export const FE_SAMPLE_RATE_HZ = 0;
export const FE_WINDOW_SAMPLES = 1;
export const FE_HOP_SAMPLES = 2;
export const FE_FFT_SIZE = 3;
export const FE_CHANNELS = 4;
export const FE_LOW_HZ = 5;
export const FE_HIGH_HZ = 6;
export const FE_FLAGS = 7; // FE_FLAG_*
export const FE_SMOOTHING_BITS = 8;
export const FE_EVEN_SMOOTHING = 9; // Q14
export const FE_ODD_SMOOTHING = 10; // Q14
export const FE_MIN_SIGNAL_REMAINING = 11; // Q14
export const FE_PCAN_STRENGTH = 12; // Q16
export const FE_PCAN_OFFSET = 13; // Q16
export const FE_PCAN_GAIN_BITS = 14;
export const FE_RESERVED = 15; // 0
export const FE_CONFIG_FIELDS = 16;

// ---- Pipelines (pipelineOpen): PCM or sensor vectors in, events out, one state blob
export const PIPE_AUDIO = 1; // resampler → frontend → model → detector
export const PIPE_SENSOR = 2; // normalisation → model → detector
export const PIPE_MAX_SMOOTHING_STEPS = 1024; // the detector's moving-average window, at most
// Its config: i32 words at pipelineOpen's `config`
export const PC_KIND = 0; // PIPE_*
export const PC_WINDOW_STEPS = 1; // smoothing window W, 1..PIPE_MAX_SMOOTHING_STEPS
export const PC_REFRACTORY_STEPS = 2; // R ≥ 0: a label fires only R steps or more after the last event
export const PC_FLAGS = 3; // PC_FLAG_*
export const PC_FLAG_NORMALISE = 1; // sensor: (x − mean) · invStd per feature before the model
export const PC_FRONTEND = 4; // audio: FE_CONFIG_FIELDS words, the frontend config
export const PC_LABELS = 20; // then per label PC_LABEL_WORDS words:
export const PC_LABEL_WORDS = 4;
export const PCL_FIRES = 0; // 1: the label may fire, 0: background
export const PCL_SUM_THRESHOLD = 1; // int8 models: fires when the window's sum of int16 outputs ≥ this
export const PCL_THRESHOLD_F64 = 2; // f32 models: fires when the window's mean ≥ this f64 (2 words)
// after the labels, sensor with PC_FLAG_NORMALISE: f32 [inputLen] means, then f32 [inputLen] 1/std
// The model file's host section (at HDR_HOST_SECTION, 4-byte aligned; the module never reads it):
// the labels and the default pipeline, as the TypeScript host makes them from the JSON metadata
export const HOST_MAGIC = 0x484e5254; // "TRNH"
export const HOST_HEADER_BYTES = 48;
export const HS_MAGIC = 0;
export const HS_BYTES = 4; // the section's bytes, header included
export const HS_PIPE_KIND = 8; // PIPE_AUDIO, PIPE_SENSOR, or 0: the metadata describes no pipeline
export const HS_LABEL_COUNT = 12; // the model's outputs, or 0: no labels
export const HS_LABELS = 16; // offset in the section: HS_LABEL_COUNT NUL-terminated UTF-8 names
export const HS_CONFIG = 20; // offset in the section: the default pipeline's config words (PC_*)
export const HS_CONFIG_WORDS = 24; // how many; 0 with no pipeline. Audio: FE_SAMPLE_RATE_HZ is 16000, set the input's
export const HS_RESERVED = 28; // 0
export const HS_HOP_MS = 32; // f64: ms between steps; an event of step k ends at window + k · hop ms
export const HS_WINDOW_MS = 40; // f64: ms of input one step sees; it starts max(0, end − (window + (W − 1) · hop))
// An event (pipelinePush writes them to `events`)
export const EVENT_BYTES = 24;
export const EV_LABEL = 0; // i32: the label's index
export const EV_STEP = 8; // u64: the step that fired (audio: frame k ends at window + k·hop samples of 16 kHz)
export const EV_SCORE = 16; // f64: the smoothed score, as a probability
// A saved state's header (pipelineSave), then the state itself
export const STATE_MAGIC = 0x504e5254; // "TRNP"
export const STATE_VERSION = 1;
export const STATE_HEADER_BYTES = 32;
export const SH_MAGIC = 0;
export const SH_VERSION = 4;
export const SH_BYTES = 8; // the whole blob's bytes
export const SH_MODEL_CRC = 12; // the model file's checksum
export const SH_CONFIG_CRC = 16; // CRC-32 of the config words and the model's number type
export const SH_RATE_HZ = 20; // audio: the input rate; sensor: 0
export const SH_BODY_CRC = 24; // CRC-32 of the bytes after the header
// A raw stream's saved state (Stream.saveState, tinyrnn_stream_save): this header, then its state block
export const STREAM_STATE_MAGIC = 0x534e5254; // "TRNS"
export const STREAM_STATE_VERSION = 1;
export const STREAM_STATE_HEADER_BYTES = 16;
export const SS_MAGIC = 0;
export const SS_VERSION = 4;
export const SS_MODEL_CRC = 8; // the model file's checksum
export const SS_STATE_BYTES = 12; // the state block's bytes
