/**
 * The kernel's log-likelihood + gradient evaluation (core's createKernel and
 * evaluate, one thread) on a simulated panel: N individuals x T situations x
 * J alternatives, K normal random coefficients (2K parameters), R Halton
 * nodes. Cost per node = time / (N·R): one individual's T situations at one node.
 */
import { compilePlan, createKernel, DrawKind, Link } from '@mxl/core';
import { createRule } from '@mxl/integration';
import { mulberry32 } from '@mxl/test-helpers';

export const N = 50, T = 5, R = 100;

/** J alternatives by K random coefficients. */
export const KERNEL_GRID = [
  { J: 3, K: 2 }, { J: 3, K: 6 }, { J: 6, K: 2 }, { J: 6, K: 6 }, { J: 10, K: 4 },
  // many alternatives: the generic WebAssembly loop
  { J: 100, K: 3 }, { J: 1000, K: 3 },
];

/** A panel of N individuals with T situations of J alternatives and K attributes (standard normal). */
function panel(J, K, seed) {
  const u = mulberry32(seed);
  const nSit = N * T, nRows = nSit * J;
  const X = new Float64Array(nRows * K);
  for (let i = 0; i < X.length; i++) X[i] = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const unitSit = Int32Array.from({ length: N + 1 }, (_, i) => i * T);
  const sitRow = Int32Array.from({ length: nSit + 1 }, (_, s) => s * J);
  const sitChosen = Int32Array.from({ length: nSit }, (_, s) => s * J + Math.floor(u() * J));
  return {
    nUnits: N, nSituations: nSit, nRows, nVars: K, varNames: Array.from({ length: K }, (_, k) => `x${k}`),
    unitSit, sitRow, sitChosen, X, rowAlt: Int32Array.from({ length: nRows }, (_, r) => r % J),
    altLabels: Array.from({ length: J }, (_, j) => String(j + 1)), unitWeight: null,
    unitCluster: Int32Array.from({ length: N }, (_, i) => i), nClusters: N, outside: false, unitChars: null, charNames: [],
  };
}

export function kernelCase({ J, K }) {
  const data = panel(J, K, 1000 * J + K);
  const coefs = Array.from({ length: K }, (_, k) => ({ mean: k, link: Link.identity, spreads: [{ param: K + k, dim: k }] }));
  const plan = compilePlan(coefs, 2 * K, Array.from({ length: K }, () => DrawKind.normal));
  const kernel = createKernel(data, plan, createRule({ rule: 'halton', draws: R }, K));
  const theta = Float64Array.from({ length: 2 * K }, (_, p) => (p < K ? 0.5 : 0.3));
  const unitLL = new Float64Array(N);
  const unitScore = new Float64Array(N * 2 * K);
  let sink = 0;
  return {
    name: `J=${J} K=${K}`,
    info: { J, K, N, T, R },
    unit: 'node',
    work: N * R,
    fn: () => { sink += kernel.evaluate(theta, 0, N, unitLL, unitScore); },
    get sink() { return sink; },
  };
}
