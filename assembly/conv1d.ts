// Causal depthwise conv1d, one step (nn.Conv1d(C, C, K, groups=C, padding=K−1) read at the last
// position; mamba_ssm's causal_conv1d_update without its activation). Each channel c keeps the
// previous K−1 inputs as its rolling state; with window = [state[c][0..K−2], x[c]] (oldest first):
//   out[c] = Σ_k w[c][k] · window[k] + bias[c],   then state[c] ← window[1..K−1]
// w[c][K−1] multiplies the newest input, as PyTorch's weight[c, 0, K−1] does. The state starts at
// zero (the conv's left padding) and stays channel-major, [C][K−1], as mamba's conv_state [D, W].
//
// int8: w int8 [C][K] (per-channel scale), x and state int16, bias int32 at the channel's
// accumulator scale; out int32 = exact Σ + bias, saturated to int32 (|Σ| ≤ K·127·32768).
// f32: the same in f32.

/** One int16 step over C channels. x: int16 [C]; w: int8 [C·K]; bias: i32 [C]; state: int16 [C·(K−1)]; out: i32 [C]. */
export function convStepI16(x: usize, channels: i32, K: i32, w: usize, bias: usize, state: usize, out: usize): void {
  const km1 = K - 1;
  for (let c = 0; c < channels; c++) {
    const wc = w + <usize>(c * K);
    const sc = state + (<usize>(c * km1) << 1);
    const xc = <i32>load<i16>(x + (<usize>c << 1));
    let acc: i64 = <i64>load<i32>(bias + (<usize>c << 2)) + <i64>(<i32>load<i8>(wc + <usize>km1) * xc);
    for (let k = 0; k < km1; k++) {
      const v = <i32>load<i16>(sc + (<usize>k << 1));
      acc += <i64>(<i32>load<i8>(wc + <usize>k) * v);
      if (k > 0) store<i16>(sc + (<usize>(k - 1) << 1), <i16>v);
    }
    if (km1 > 0) store<i16>(sc + (<usize>(km1 - 1) << 1), <i16>xc);
    store<i32>(out + (<usize>c << 2), acc < <i64>i32.MIN_VALUE ? i32.MIN_VALUE : acc > <i64>i32.MAX_VALUE ? i32.MAX_VALUE : <i32>acc);
  }
}

/** One f32 step: x f32 [C]; w f32 [C·K]; bias f32 [C]; state f32 [C·(K−1)]; out f32 [C] (may alias x). */
export function convStepF32(x: usize, channels: i32, K: i32, w: usize, bias: usize, state: usize, out: usize): void {
  const km1 = K - 1;
  for (let c = 0; c < channels; c++) {
    const wc = w + (<usize>(c * K) << 2);
    const sc = state + (<usize>(c * km1) << 2);
    const xc = load<f32>(x + (<usize>c << 2));
    let acc: f32 = 0;
    for (let k = 0; k < km1; k++) {
      const v = load<f32>(sc + (<usize>k << 2));
      acc += load<f32>(wc + (<usize>k << 2)) * v;
      if (k > 0) store<f32>(sc + (<usize>(k - 1) << 2), v);
    }
    acc += load<f32>(wc + (<usize>km1 << 2)) * xc;
    if (km1 > 0) store<f32>(sc + (<usize>(km1 - 1) << 2), xc);
    store<f32>(out + (<usize>c << 2), acc + load<f32>(bias + (<usize>c << 2)));
  }
}
