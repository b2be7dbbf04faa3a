// Pipelines: the whole job in the module, so every host (JS, an AudioWorklet, a Worker, C) gets
// the same events bit for bit. A pipeline owns a stream of its model and, for audio, a frontend:
//   PIPE_AUDIO:  PCM at any supported rate → resampler → frontend → model → detector → events
//   PIPE_SENSOR: f32 vectors → (x − mean) · 1/std → model → detector → events
// Its config is i32 words (PC_* in constants.ts): the kind, the detector's window W and refractory
// steps R, flags, the frontend config (audio), per label whether it fires and its thresholds, and
// the sensor normalisation. The host turns a model's metadata into those words.
//
// Its state — the detector's window and clock, the frontend's samples, noise estimates and
// resampler history, every layer's state — is saved as one blob (pipelineSave) behind a header
// (SH_* in constants.ts) that names the model (its checksum), the config (a CRC of its words), the
// input rate and the body's CRC; pipelineLoad refuses any blob that does not fit this pipeline, or
// whose values are out of range or not finite, and changes nothing then. The blob's layout does not
// depend on the build, so a state saved by the simd build continues on mvp.
// Body: [detector state][frontend state (audio)][the stream's state block].
//
// A push allocates nothing: every buffer is laid out at open.

import { memAlloc, memFree, isTagged } from "./alloc";
import * as E from "./errors";
import {
  NUM_INT8, SAMPLE_I16, SAMPLE_F32, FEATURE_SCALE, HDR_CHECKSUM, FE_SAMPLE_RATE_HZ, FE_CHANNELS,
  PIPE_AUDIO, PIPE_SENSOR, PIPE_MAX_SMOOTHING_STEPS, PC_KIND, PC_WINDOW_STEPS, PC_REFRACTORY_STEPS, PC_FLAGS,
  PC_FLAG_NORMALISE, PC_FRONTEND, PC_LABELS, PC_LABEL_WORDS, PCL_FIRES, PCL_SUM_THRESHOLD, PCL_THRESHOLD_F64,
  EVENT_BYTES, EV_LABEL, EV_STEP, EV_SCORE, STATE_MAGIC, STATE_VERSION, STATE_HEADER_BYTES, SH_MAGIC, SH_VERSION,
  SH_BYTES, SH_MODEL_CRC, SH_CONFIG_CRC, SH_RATE_HZ, SH_BODY_CRC,
} from "./constants";
import { crc32Update } from "./crc32";
import { ModelCtx, isModel } from "./model";
import { streamOpen, streamFree, streamReset, streamState, streamInput, streamSetInput, streamRun, outputToF32 } from "./stream";
import {
  frontendOpen, frontendFree, frontendReset, frontendPush, frontendMaxFrames, frontendStateBytes, frontendSave,
  frontendCheck, frontendLoad,
} from "./frontend";
import {
  DetectorConfig, DET_STATE_STEPS, DET_STATE_SUMS, detectorStateBytes, detectorReset, detectorCheckState, detectorStepInt8,
  detectorStepF32,
} from "./detector";

const PIPE_TAG: u32 = 0x45504950; // "PIPE"

/** A pipeline. The handle points at it; its detector config, thresholds, state and scratch follow. */
// @ts-ignore: decorator
@unmanaged class PipelineCtx {
  tag: u32;          // PIPE_TAG while the pipeline lives, 0 once freed
  kind: i32;         // PIPE_*
  model: usize;      // its ModelCtx
  stream: usize;     // its own stream of the model (StreamCtx)
  frontend: usize;   // audio: its FrontendCtx; sensor: 0
  detector: usize;   // its DetectorConfig (below, in this block)
  detState: usize;   // the detector's state
  detBytes: u32;     // its bytes
  configCrc: u32;    // CRC-32 of the config words and the model's number type
  rateHz: i32;       // audio: the input rate; sensor: 0
  normalise: usize;  // sensor with PC_FLAG_NORMALISE: f32 [inputLen] means, then f32 [inputLen] 1/std; else 0
  vector: usize;     // sensor: f32 [inputLen], one normalised step
  sums: usize;       // f32 models: f64 [K], the last step's window sums
}
const CTX_BYTES: usize = (offsetof<PipelineCtx>() + 15) & ~15;

export function isPipeline(p: usize): bool {
  return isTagged(p, CTX_BYTES, PIPE_TAG);
}

// @ts-ignore: decorator
@inline function word(config: usize, i: i32): i32 { return load<i32>(config + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function align16(n: usize): usize { return (n + 15) & ~<usize>15; }

/**
 * Open a pipeline on model `m` from `words` i32 config words at `config` (PC_*): a handle (> 0) or
 * a negated error (ERR_BAD_ARGUMENT with errorDetail = the offending word's index; frontend and
 * sample-rate errors as frontendOpen's).
 */
export function pipelineOpen(m: usize, config: usize, words: i32): i32 {
  if (!isModel(m)) return E.fail(E.ERR_BAD_HANDLE, 0);
  const mc = changetype<ModelCtx>(m);
  const K = mc.outputLen, F = mc.inputLen, int8 = mc.numType == NUM_INT8;
  if (words < PC_LABELS || <u64>config + (<u64>words << 2) > (<u64>memory.size() << 16)) return E.fail(E.ERR_BAD_ARGUMENT, 2);
  const kind = word(config, PC_KIND), W = word(config, PC_WINDOW_STEPS), R = word(config, PC_REFRACTORY_STEPS);
  const flags = word(config, PC_FLAGS);
  if (kind != PIPE_AUDIO && kind != PIPE_SENSOR) return E.fail(E.ERR_BAD_ARGUMENT, PC_KIND);
  if (W < 1 || W > PIPE_MAX_SMOOTHING_STEPS) return E.fail(E.ERR_BAD_ARGUMENT, PC_WINDOW_STEPS);
  if (R < 0) return E.fail(E.ERR_BAD_ARGUMENT, PC_REFRACTORY_STEPS);
  const norm = kind == PIPE_SENSOR && (flags & PC_FLAG_NORMALISE) != 0;
  if ((flags & ~PC_FLAG_NORMALISE) != 0 || (flags != 0 && kind != PIPE_SENSOR)) return E.fail(E.ERR_BAD_ARGUMENT, PC_FLAGS);
  const labelsEnd = PC_LABELS + K * PC_LABEL_WORDS;
  if (words != labelsEnd + (norm ? 2 * F : 0)) return E.fail(E.ERR_BAD_ARGUMENT, labelsEnd);
  // thresholds, fires and the normalisation are the host's to check (any value is safe here: a
  // fires word is read as 0 or not, a threshold only compared, a NaN mean gives a NaN input, which
  // quantises to 0)
  if (kind == PIPE_AUDIO) {
    if (word(config, PC_FRONTEND + FE_CHANNELS) != F) return E.fail(E.ERR_BAD_ARGUMENT, PC_FRONTEND + FE_CHANNELS);
    // the frontend writes int16 features at FEATURE_SCALE straight into an int8 model's input
    if (int8 && abs<f64>(<f64>mc.inputScale / FEATURE_SCALE - 1) > 1e-6) return E.fail(E.ERR_BAD_ARGUMENT, 0);
  }

  // one block: the context, the detector's config and thresholds, its state, the sensor's vectors
  const detBytes = detectorStateBytes(mc.numType, K, W);
  const oDet = CTX_BYTES, oThr = oDet + align16(offsetof<DetectorConfig>());
  const oFires = oThr + align16(<usize>K << 3), oState = oFires + align16(<usize>K);
  const oNorm = oState + align16(detBytes), oVec = oNorm + align16(norm ? <usize>F << 3 : 0);
  const oSums = oVec + align16(kind == PIPE_SENSOR ? <usize>F << 2 : 0), total = oSums + (<usize>K << 3);
  if (total > 0x7fff0000) return E.fail(E.ERR_OUT_OF_MEMORY, 0);
  const p = memAlloc(<u32>total);
  if (p == 0) return E.fail(E.ERR_OUT_OF_MEMORY, 0);
  const s = streamOpen(m);
  if (s < 0) { memFree(p); return s; }
  let fe = 0;
  if (kind == PIPE_AUDIO) {
    fe = frontendOpen(config + (<usize>PC_FRONTEND << 2), mc.numType);
    if (fe < 0) { streamFree(s); memFree(p); return fe; }
  }
  const c = changetype<PipelineCtx>(p);
  c.kind = kind;
  c.model = m;
  c.stream = s;
  c.frontend = fe;
  c.rateHz = kind == PIPE_AUDIO ? word(config, PC_FRONTEND + FE_SAMPLE_RATE_HZ) : 0;
  const d = changetype<DetectorConfig>(p + oDet);
  d.labels = K;
  d.windowSteps = W;
  d.refractorySteps = R;
  d.numType = mc.numType;
  d.thresholds = p + oThr;
  d.fires = p + oFires;
  for (let l = 0; l < K; l++) {
    const at = config + (<usize>(PC_LABELS + l * PC_LABEL_WORDS) << 2);
    if (int8) store<i32>(d.thresholds + (<usize>l << 2), load<i32>(at, PCL_SUM_THRESHOLD << 2));
    else store<f64>(d.thresholds + (<usize>l << 3), load<f64>(at, PCL_THRESHOLD_F64 << 2));
    store<u8>(d.fires + <usize>l, <u8>load<i32>(at, PCL_FIRES << 2));
  }
  c.detector = p + oDet;
  c.detState = p + oState;
  c.detBytes = <u32>detBytes;
  if (norm) {
    c.normalise = p + oNorm;
    memory.copy(c.normalise, config + (<usize>labelsEnd << 2), <usize>F << 3);
  }
  c.vector = p + oVec;
  c.sums = p + oSums;
  c.configCrc = ~crc32Update(crc32Update(0xffffffff, config, <usize>words << 2), changetype<usize>(mc) + offsetof<ModelCtx>("numType"), 4);
  detectorReset(d, c.detState);
  c.tag = PIPE_TAG;
  return <i32>p;
}

export function pipelineFree(p: usize): i32 {
  if (!isPipeline(p)) return E.fail(E.ERR_BAD_HANDLE, 0);
  const c = changetype<PipelineCtx>(p);
  c.tag = 0;
  streamFree(c.stream);
  if (c.frontend != 0) frontendFree(c.frontend);
  memFree(p);
  return 0;
}

/** Back to the start: no steps, no buffered audio, zero state. */
export function pipelineReset(p: usize): i32 {
  if (!isPipeline(p)) return E.fail(E.ERR_BAD_HANDLE, 0);
  const c = changetype<PipelineCtx>(p);
  detectorReset(changetype<DetectorConfig>(c.detector), c.detState);
  if (c.frontend != 0) frontendReset(c.frontend);
  streamReset(c.stream);
  return 0;
}

/** Steps the pipeline has run since it opened or was reset (exact below 2^53). */
export function pipelineSteps(p: usize): f64 {
  return isPipeline(p) ? <f64>load<u64>(changetype<PipelineCtx>(p).detState, DET_STATE_STEPS) : -1;
}

/**
 * Push `count` samples: audio, PCM (sampleType SAMPLE_I16 int16, or SAMPLE_F32 f32 in [−1, 1]) at
 * the pipeline's rate; sensor, f32 values, a whole number of inputLen-vectors. Up to `maxSteps`
 * steps run; each step's outputs (f32 [outputLen], as probabilities) go to `outputs` unless it is
 * 0, and each event (EVENT_BYTES, EV_*) to `events`. Returns the number of events, or a negated
 * error before anything changes: a NaN or infinity (errorDetail: its index), or buffers too small
 * for the steps this push can run (ERR_BAD_ARGUMENT, detail 6: push fewer samples at a time).
 */
export function pipelinePush(p: usize, samples: usize, count: i32, sampleType: i32, events: usize, outputs: usize, maxSteps: i32): i32 {
  if (!isPipeline(p)) return E.fail(E.ERR_BAD_HANDLE, 0);
  const c = changetype<PipelineCtx>(p), mc = changetype<ModelCtx>(c.model);
  const K = mc.outputLen, F = mc.inputLen, audio = c.kind == PIPE_AUDIO;
  const top = <u64>memory.size() << 16;
  if (sampleType != SAMPLE_I16 && sampleType != SAMPLE_F32 || (!audio && sampleType != SAMPLE_F32)) return E.fail(E.ERR_BAD_ARGUMENT, 3);
  if (count < 0 || count > 0x3fffffff || <u64>samples + (<u64>count << <u64>(sampleType + 1)) > top) return E.fail(E.ERR_BAD_ARGUMENT, 2);
  if (!audio && count % F != 0) return E.fail(E.ERR_BAD_ARGUMENT, 2);
  const steps = audio ? frontendMaxFrames(c.frontend, count) : count / F;
  if (maxSteps < steps) return E.fail(E.ERR_BAD_ARGUMENT, 6);
  if (<u64>events + <u64>steps * EVENT_BYTES > top) return E.fail(E.ERR_BAD_ARGUMENT, 4);
  if (outputs != 0 && <u64>outputs + (<u64>steps * <u64>K << 2) > top) return E.fail(E.ERR_BAD_ARGUMENT, 5);
  if (sampleType == SAMPLE_F32) {
    for (let i = 0; i < count; i++) if (!isFinite(load<f32>(samples + (<usize>i << 2)))) return E.fail(E.ERR_NON_FINITE_INPUT, i);
  }
  let n = 0, ran = 0;
  if (audio) {
    const input = streamInput(c.stream);
    for (let done = 0; ;) {
      const r = frontendPush(c.frontend, samples + (<usize>done << <usize>(sampleType + 1)), count - done, sampleType, input);
      if (r < 0) return r;
      done += r >> 1;
      if (r & 1) n = step(c, mc, events, n, outputs, ran++);
      else if (done >= count) break;
    }
  } else {
    for (let t = 0; t < count / F; t++) {
      const x = samples + (<usize>(t * F) << 2);
      let v = x;
      if (c.normalise != 0) {
        v = c.vector;
        for (let i = 0; i < F; i++) {
          const o = <usize>i << 2;
          store<f32>(v + o, (load<f32>(x + o) - load<f32>(c.normalise + o)) * load<f32>(c.normalise + (<usize>F << 2) + o));
        }
      }
      streamSetInput(c.stream, v); // finite: checked above (a normalised value of finite ones is finite)
      n = step(c, mc, events, n, outputs, ran++);
    }
  }
  return n;
}

/** Run the model on its input and the detector on its output; returns the events written so far. */
function step(c: PipelineCtx, mc: ModelCtx, events: usize, n: i32, outputs: usize, k: i32): i32 {
  const K = mc.outputLen, d = changetype<DetectorConfig>(c.detector);
  const y = streamRun(c.stream);
  const at = load<u64>(c.detState, DET_STATE_STEPS);
  const int8 = mc.numType == NUM_INT8;
  if (outputs != 0) outputToF32(c.model, y, outputs + (<usize>(k * K) << 2));
  const label = int8 ? detectorStepInt8(d, c.detState, y) : detectorStepF32(d, c.detState, y, c.sums);
  if (label < 0) return n;
  const e = events + <usize>n * EVENT_BYTES;
  store<i32>(e, label, EV_LABEL);
  store<u64>(e, at, EV_STEP);
  // the mean over the window, as a probability
  const sum = int8 ? <f64>load<i32>(c.detState + DET_STATE_SUMS + (<usize>label << 2)) * <f64>mc.outputScale : load<f64>(c.sums + (<usize>label << 3));
  store<f64>(e, sum / <f64>d.windowSteps, EV_SCORE);
  return n + 1;
}

/** Bytes of this pipeline's saved state, its header included. */
export function pipelineStateBytes(p: usize): i32 {
  if (!isPipeline(p)) return E.fail(E.ERR_BAD_HANDLE, 0);
  const c = changetype<PipelineCtx>(p);
  return <i32>(<usize>STATE_HEADER_BYTES + <usize>c.detBytes + (c.frontend != 0 ? frontendStateBytes(c.frontend) : 0) + <usize>changetype<ModelCtx>(c.model).stateBytes);
}

/** Write the state to `dst` (pipelineStateBytes); returns its bytes. */
export function pipelineSave(p: usize, dst: usize): i32 {
  const bytes = pipelineStateBytes(p);
  if (bytes < 0) return bytes;
  if (<u64>dst + <u64>bytes > (<u64>memory.size() << 16)) return E.fail(E.ERR_BAD_ARGUMENT, 1);
  const c = changetype<PipelineCtx>(p), mc = changetype<ModelCtx>(c.model);
  memory.fill(dst, 0, <usize>bytes);
  let at = dst + STATE_HEADER_BYTES;
  memory.copy(at, c.detState, c.detBytes);
  at += c.detBytes;
  if (c.frontend != 0) { frontendSave(c.frontend, at); at += frontendStateBytes(c.frontend); }
  memory.copy(at, streamState(c.stream), mc.stateBytes);
  store<u32>(dst, STATE_MAGIC, SH_MAGIC);
  store<u32>(dst, STATE_VERSION, SH_VERSION);
  store<u32>(dst, <u32>bytes, SH_BYTES);
  store<u32>(dst, load<u32>(mc.image, HDR_CHECKSUM), SH_MODEL_CRC);
  store<u32>(dst, c.configCrc, SH_CONFIG_CRC);
  store<i32>(dst, c.rateHz, SH_RATE_HZ);
  store<u32>(dst, ~crc32Update(0xffffffff, dst + STATE_HEADER_BYTES, <usize>bytes - STATE_HEADER_BYTES), SH_BODY_CRC);
  return bytes;
}

/**
 * Continue from a saved state (`bytes` at `src`). Refuses, changing nothing, with ERR_BAD_STATE
 * and errorDetail: 1 not a tinyrnn state or another version, 2 another size (truncated, another
 * model or config), 3 another model, 4 another config, 5 another input rate, 6 corrupt (CRC),
 * 7 detector, 8 frontend, 9 model state out of range or not finite.
 */
export function pipelineLoad(p: usize, src: usize, bytes: i32): i32 {
  const want = pipelineStateBytes(p);
  if (want < 0) return want;
  if (bytes < 0 || <u64>src + <u64>bytes > (<u64>memory.size() << 16)) return E.fail(E.ERR_BAD_ARGUMENT, 1);
  const c = changetype<PipelineCtx>(p), mc = changetype<ModelCtx>(c.model);
  if (bytes < STATE_HEADER_BYTES || load<u32>(src, SH_MAGIC) != STATE_MAGIC || load<u32>(src, SH_VERSION) != STATE_VERSION) return E.fail(E.ERR_BAD_STATE, 1);
  if (bytes != want || load<u32>(src, SH_BYTES) != <u32>want) return E.fail(E.ERR_BAD_STATE, 2);
  if (load<u32>(src, SH_MODEL_CRC) != load<u32>(mc.image, HDR_CHECKSUM)) return E.fail(E.ERR_BAD_STATE, 3);
  if (load<u32>(src, SH_CONFIG_CRC) != c.configCrc) return E.fail(E.ERR_BAD_STATE, 4);
  if (load<i32>(src, SH_RATE_HZ) != c.rateHz) return E.fail(E.ERR_BAD_STATE, 5);
  if (load<u32>(src, SH_BODY_CRC) != ~crc32Update(0xffffffff, src + STATE_HEADER_BYTES, <usize>want - STATE_HEADER_BYTES)) return E.fail(E.ERR_BAD_STATE, 6);
  const det = src + STATE_HEADER_BYTES, fe = det + <usize>c.detBytes;
  const model = fe + (c.frontend != 0 ? frontendStateBytes(c.frontend) : 0);
  if (!detectorCheckState(changetype<DetectorConfig>(c.detector), det)) return E.fail(E.ERR_BAD_STATE, 7);
  if (c.frontend != 0 && !frontendCheck(c.frontend, fe)) return E.fail(E.ERR_BAD_STATE, 8);
  if (mc.numType != NUM_INT8) {
    for (let i: usize = 0; i < <usize>mc.stateBytes; i += 4) if (!isFinite(load<f32>(model + i))) return E.fail(E.ERR_BAD_STATE, 9);
  }
  memory.copy(c.detState, det, c.detBytes);
  if (c.frontend != 0) frontendLoad(c.frontend, fe);
  memory.copy(streamState(c.stream), model, mc.stateBytes);
  return 0;
}
