// The sigmoid, SiLU, softplus and decay-exp tables of assembly/activations.ts, in JavaScript: the module
// makes the same tables itself at the first model load (activationTablesInit, the same f64
// arithmetic); test/assembly/tables.test.ts finds them in its memory and compares every entry with
// these. Usage: node assembly/tables.mjs   (prints them)
//
// The SiLU and softplus tables sample a function of a ≥ 0 on a = k/32, k = 0..512 (a ∈ [0, 16]); the kernels
// interpolate linearly between neighbours. Linear interpolation over-/under-shoots a function by
// up to h²/8·|f''| in mid-interval; each node is moved by −h²/16·f''(a_k) so the error swings
// ±h²/16·|f''| instead (the usual minimax nudge), except nodes whose value must stay exact.
//   SiLU:     g(a) = a·σ(−a) = a / (1 + e^a), silu(x) = x − g(x) for x ≥ 0 and −g(−x) for x < 0.
//             u16, Q0.16. g(0) = 0 is kept exact so silu(0) = 0.
//             g''(a) = −s(1−s)(2 + a(1 − 2s)), s = σ(a).
//   softplus: p(a) = log(1 + e^−a),  softplus(x) = x + p(x) for x ≥ 0 and p(−x) for x < 0.
//             u32, Q0.32. p''(a) = s(1−s).

const H = 1 / 32;
const N = 512;
const sig = (a) => 1 / (1 + Math.exp(-a));

function table(f, f2, scale, max, keepFirst) {
  const out = [];
  for (let k = 0; k <= N; k++) {
    const a = k * H;
    const v = keepFirst && k === 0 ? f(a) : f(a) - (H * H / 16) * f2(a);
    out.push(Math.min(max, Math.max(0, Math.round(v * scale))));
  }
  return out;
}

const g = (a) => a / (1 + Math.exp(a));
const g2 = (a) => { const s = sig(a); return -s * (1 - s) * (2 + a * (1 - 2 * s)); };
const p = (a) => Math.log1p(Math.exp(-a));
const p2 = (a) => { const s = sig(a); return s * (1 - s); };

// sigmoidQ15/tanhQ15's table, TFLite Micro's and CMSIS-NN's (arm_nn_activation_s16): σ(k/24) in
// Q0.16 for k = 0..255 with the same nudge −h²/16·σ'' (h = 1/24, σ'' = σ(1−σ)(1−2σ)), rounded,
// but for the last entry, which is 65535 (σ(255/24) would round to 65534).
const SIGMOID = Array.from({ length: 256 }, (_, k) => {
  if (k === 255) return 65535;
  const s = sig(k / 24);
  return Math.min(65535, Math.max(0, Math.round((s - (s * (1 - s) * (1 - 2 * s)) / 9216) * 65536)));
});

// expNegTableQ31: e^-k (k = 0..31) and e^-(j/256) (j = 0..255) in Q0.31 stored as u32, so 1.0 is exactly 2^31.
const q31 = (v) => Math.round(v * 2 ** 31);

/** name → [element type, values] of each table */
export const VALUES = {
  SIGMOID_TABLE: ["u16", SIGMOID],
  SILU_G_TABLE: ["u16", table(g, g2, 65536, 65535, true)],
  SOFTPLUS_P_TABLE: ["u32", table(p, p2, 2 ** 32, 2 ** 32 - 1, false)],
  EXP_NEG_INT_TABLE: ["u32", Array.from({ length: 32 }, (_, k) => q31(Math.exp(-k)))],
  EXP_NEG_FRAC_TABLE: ["u32", Array.from({ length: 256 }, (_, j) => q31(Math.exp(-j / 256)))],
};

function render(name, type, vals, perLine) {
  const lines = [];
  for (let i = 0; i < vals.length; i += perLine) lines.push("  " + vals.slice(i, i + perLine).join(", "));
  return `const ${name}: usize = memory.data<${type}>([\n${lines.join(",\n")}\n]);\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [name, [type, vals]] of Object.entries(VALUES)) console.log(render(name, type, vals, type === "u16" ? 16 : 8));
}
