// Synthetic learning-curve objective for pruning benchmarks: validation loss after `step` epochs.
// High learning rates learn fast then plateau high (curves cross); narrow nets plateau high;
// low dropout on wide nets overfits after epoch 15. Deterministic in (params, step, seed).
function u01(...ints) {
  let h = 2166136261 >>> 0;
  for (const v of ints) {
    h = (h ^ (v >>> 0)) >>> 0;
    h = Math.imul(h, 16777619) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
    h = Math.imul(h, 0x5bd1e995) >>> 0;
    h = (h ^ (h >>> 15)) >>> 0;
  }
  return (h & 0xffffff) / (1 << 24);
}
function key(params) {
  const s = JSON.stringify(
    Object.keys(params)
      .sort()
      .map((k) => [k, params[k]]),
  );
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 131) + s.charCodeAt(i)) & 0x7fffffff;
  return h;
}
function noise(seed, k, step) {
  const a = Math.max(u01(seed, k, step, 1), 1e-12),
    b = u01(seed, k, step, 2);
  return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * b);
}
const T = 50;
export default {
  name: 'lc-mlp',
  goal: 'minimize',
  maxSteps: T,
  parameters: {
    lr: { distribution: 'log_uniform_values', min: 1e-5, max: 1e-1 },
    batch_size: { distribution: 'q_log_uniform_values', min: 16, max: 512, q: 1 },
    width: { distribution: 'q_log_uniform_values', min: 16, max: 1024, q: 1 },
    dropout: { distribution: 'uniform', min: 0, max: 0.6 },
    weight_decay: { distribution: 'log_uniform_values', min: 1e-7, max: 1e-1 },
  },
  curve(p, step, seed = 0) {
    const dl = Math.log10(p.lr) + 2.5;
    const asym =
      0.12 +
      0.09 * dl * dl +
      0.25 * Math.exp(-p.width / 64) +
      (0.04 * (Math.log10(p.weight_decay) + 4) ** 2) / 4;
    const speed = 0.6 * Math.sqrt(p.lr / 3e-3) * (64 / p.batch_size) ** 0.3;
    const base = asym + (2.3 - asym) * (1 + speed * step) ** -1.2;
    const overfit =
      ((Math.max(0, 0.25 - p.dropout) * (p.width / 512) * Math.max(0, step - 15)) / T) * 0.8;
    return base + overfit + 0.01 * noise(seed, key(p), step);
  },
};
