import { describe, expect, it } from 'vitest';
import {
  FastKernel, Kernel, compilePlan, Link, DrawKind,
  type CoefficientSpec, type ChoiceData, type NodeSource, type DrawKindCode,
} from '../src/index.js';
import { exp, expSlow } from '../src/exp.js';
import { buildWasmHot, wasmRelaxedSimdAvailable, wasmSimdAvailable } from '../src/wasm/index.js';
import { makeAvailability, makeData, makeNodes, rng } from './helpers.js';
import { reduceUnits } from '../src/index.js';

const bits = new BigInt64Array(1);
const f64 = new Float64Array(bits.buffer);
/** Distance in units in the last place between two finite doubles of the same sign. */
function ulps(a: number, b: number): number {
  f64[0] = a; const x = bits[0];
  f64[0] = b; const y = bits[0];
  return Math.abs(Number(x - y));
}

describe('exp', () => {
  it('is within 1 ulp of Math.exp over the whole range, subnormal results included', () => {
    const u = rng(1);
    let worst = 0;
    const check = (x: number) => {
      const a = exp(x), m = Math.exp(x);
      if (a === m) return;
      const d = ulps(a, m);
      if (d > worst) worst = d;
    };
    for (let i = 0; i < 200_000; i++) check((u() * 2 - 1) * 760);
    for (let i = 0; i < 100_000; i++) check((u() * 2 - 1) * 2);
    for (let i = 0; i < 50_000; i++) check((u() * 2 - 1) * 1e-6);
    for (let i = 0; i < 50_000; i++) check(-708.5 - u() * 37); // subnormal results
    for (let i = 0; i < 20_000; i++) check(708.5 + u() * 1.28);   // near overflow
    expect(worst).toBeLessThanOrEqual(1);
  });

  it.each([false, true])('the WebAssembly loop\'s exp is within 1 ulp of Math.exp on its domain [-708, 300] (fused multiply-adds where the runtime has them: %s)', (fma) => {
    const n = 4096;
    const w = buildWasmHot(2, [0, 1], [1], n, 8, 1, fma);
    expect(w.fma).toBe(fma && wasmRelaxedSimdAvailable());
    const E = new Float64Array(w.memory.buffer, w.layout.E, n);
    const u = rng(3);
    let worst = 0;
    for (let round = 0; round < 40; round++) {
      const x = Float64Array.from({ length: n }, (_, i) => (round < 20 ? -708 + 1008 * u() : (u() * 2 - 1) * (i % 2 ? 1e-3 : 20)));
      if (round === 0) { x[0] = -708; x[1] = 300; x[2] = 0; x[3] = -0; x[4] = 1e-300; x[5] = -5e-324; x[6] = NaN; x[7] = 709 - 409; }
      E.set(x);
      w.expE(n);
      for (let i = 0; i < n; i++) {
        const m = Math.exp(x[i]);
        if (Number.isNaN(m)) { expect(E[i]).toBeNaN(); continue; }
        if (E[i] !== m) worst = Math.max(worst, ulps(E[i], m));
      }
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('gives Math.exp\'s special values', () => {
    for (const x of [NaN, Infinity, -Infinity, 0, -0, 5e-324, -5e-324, 709.782712893384, 709.7827128933841, 710, 1e308,
      -745.1332191019411, -745.1332191019412, -745.2, -1e308, -708, 709, -708.0000000000001, 708.9999999999999]) {
      expect(Object.is(exp(x), Math.exp(x)) || ulps(exp(x), Math.exp(x)) <= 1, `exp(${x}) = ${exp(x)}, Math.exp ${Math.exp(x)}`).toBe(true);
      expect(Object.is(expSlow(x), Math.exp(x)) || ulps(expSlow(x), Math.exp(x)) <= 1, `expSlow(${x})`).toBe(true);
    }
    expect(exp(0)).toBe(1);
    expect(exp(-Infinity)).toBe(0);
    expect(exp(Infinity)).toBe(Infinity);
    expect(exp(NaN)).toBeNaN();
    expect(exp(-745.2)).toBe(0);
    expect(exp(-745)).toBeGreaterThan(0);
  });
});

interface Case {
  data: ChoiceData;
  coefs: CoefficientSpec[];
  P: number;
  kinds: DrawKindCode[];
  nodes: NodeSource;
  theta: number[];
}

function run(K: typeof Kernel | typeof FastKernel, c: Case, wasm?: boolean, specialize?: boolean) {
  const plan = compilePlan(c.coefs, c.P, c.kinds);
  const k = K === FastKernel ? new FastKernel(c.data, plan, c.nodes, { wasm, specialize }) : new Kernel(c.data, plan, c.nodes);
  const th = Float64Array.from(c.theta);
  const ll = new Float64Array(c.data.nUnits), sc = new Float64Array(c.data.nUnits * c.P);
  const total = k.evaluate(th, 0, c.data.nUnits, ll, sc);
  const sit = new Float64Array(c.data.nSituations * c.P);
  k.situationScores(th, 0, c.data.nUnits, sit);
  return { k, ll, sc, sit, total, fault: k.fault };
}

/**
 * Largest deviation: per-unit LL relative; a unit's scores relative to its
 * largest |score|; a situation's scores relative to the larger of its own and
 * its unit's largest |score| (a situation's score can be a tiny difference of
 * large terms, which the plain kernel computes with cancellation).
 */
function deviation(a: ReturnType<typeof run>, b: ReturnType<typeof run>, c: Case) {
  const P = c.P, data = c.data;
  let ll = 0, sc = 0, sit = 0;
  const rowMax = (x: Float64Array, o: number) => { let m = 0; for (let p = 0; p < P; p++) m = Math.max(m, Math.abs(x[o + p])); return m; };
  for (let u = 0; u < data.nUnits; u++) {
    ll = Math.max(ll, Math.abs(a.ll[u] - b.ll[u]) / Math.max(1e-300, Math.abs(b.ll[u])));
    const us = Math.max(1e-300, rowMax(b.sc, u * P));
    for (let p = 0; p < P; p++) sc = Math.max(sc, Math.abs(a.sc[u * P + p] - b.sc[u * P + p]) / us);
    for (let s = data.unitSit[u]; s < data.unitSit[u + 1]; s++) {
      const scale = Math.max(us, rowMax(b.sit, s * P));
      for (let p = 0; p < P; p++) sit = Math.max(sit, Math.abs(a.sit[s * P + p] - b.sit[s * P + p]) / scale);
    }
  }
  return { ll, sc, sit };
}

/** The paths of the fast kernel: WebAssembly (specialized and generic loops), WebAssembly generic loop only, JavaScript. */
const PATHS = [{ wasm: true, specialize: true }, { wasm: true, specialize: false }, { wasm: false, specialize: true }];

/** The fast kernel (each of its paths) against the plain one; returns, per path, whether WebAssembly ran. */
function agree(c: Case, tol = 1e-12) {
  const ref = run(Kernel, c);
  const out: { wasm: boolean }[] = [];
  for (const { wasm, specialize } of PATHS) {
    const fast = run(FastKernel, c, wasm, specialize);
    const d = deviation(fast, ref, c);
    const path = `wasm ${wasm}, specialize ${specialize}`;
    expect(d.ll, `LL (${path})`).toBeLessThanOrEqual(tol);
    expect(d.sc, `scores (${path})`).toBeLessThanOrEqual(tol);
    expect(d.sit, `situation scores (${path})`).toBeLessThanOrEqual(tol);
    expect(fast.fault, path).toEqual(ref.fault);
    out.push({ wasm: (fast.k as FastKernel).wasm });
  }
  return out;
}

// fixed, normal, lognormal (theta: b1, b2, b3, s2, s3)
const mixed: CoefficientSpec[] = [
  { mean: 0, link: Link.identity },
  { mean: 1, link: Link.identity, spreads: [{ param: 3, dim: 0 }] },
  { mean: 2, link: Link.exp, spreads: [{ param: 4, dim: 1 }] },
];
const N2 = [DrawKind.normal, DrawKind.normal] as DrawKindCode[];

/** Normalized positive weights that are not all equal, and signed ones (as sparse grids have), for R nodes. */
function positiveWeights(R: number): Float64Array {
  const w = Float64Array.from({ length: R }, (_, r) => 1 + (r % 5));
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
}
function signedWeights(R: number): Float64Array {
  // positive sum, a few negative weights (the last node's among them when R > 2)
  const w = Float64Array.from({ length: R }, (_, r) => (r % 3 === 2 || (r === R - 1 && R > 2) ? -0.05 : 1));
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
}

/** A panel of 12 units × 10 situations with 1..20 alternatives (J = 1 + (i step + 3t) mod 20), two attributes. */
function manyCounts(seed: number, step: number): ChoiceData {
  const u = rng(seed);
  const base = makeData(12, 10, 20, 2, 3);
  const unitSit = [0], sitRow = [0], sitChosen: number[] = [], X: number[] = [], rowAlt: number[] = [];
  let row = 0, s = 0;
  for (let i = 0; i < 12; i++) {
    for (let t = 0; t < 10; t++) {
      const J = 1 + ((i * step + t * 3) % 20);
      for (let j = 0; j < J; j++) { X.push(u() * 2 - 1, u() * 2 - 1); rowAlt.push(j); }
      sitChosen.push(row + Math.floor(u() * J));
      row += J;
      sitRow.push(row);
      s++;
    }
    unitSit.push(s);
  }
  return { ...base, nSituations: s, nRows: row, unitSit: Int32Array.from(unitSit), sitRow: Int32Array.from(sitRow), sitChosen: Int32Array.from(sitChosen), X: Float64Array.from(X), rowAlt: Int32Array.from(rowAlt) };
}

const EVERY_LINK: CoefficientSpec[] = [
  { mean: 0, link: Link.identity, spreads: [{ param: 6, dim: 0 }], shifts: [{ param: 13, char: 0 }] },
  { mean: 1, link: Link.identity, spreads: [{ param: 12, dim: 0 }, { param: 7, dim: 1 }] },
  { mean: 2, link: Link.exp, sign: -1, spreads: [{ param: 8, dim: 2 }], shifts: [{ param: 14, char: 1 }] },
  { mean: 3, link: Link.censored, spreads: [{ param: 9, dim: 3 }] },
  { mean: 4, link: Link.logistic, spreads: [{ param: 10, dim: 4 }] },
  { mean: -1, link: Link.identity, spreads: [{ param: 11, dim: 5 }] },
];
const EVERY_KIND = [DrawKind.normal, DrawKind.normal, DrawKind.normal, DrawKind.uniform, DrawKind.triangular, DrawKind.exponential] as DrawKindCode[];
const EVERY_THETA = [0.3, -0.4, -0.5, 0.35, 0.2, 0, 0.6, 0.5, 0.3, 0.7, 0.9, 0.4, 0.3, 0.2, -0.1];

/**
 * The FastKernel suite, run for even node counts (the WebAssembly loop's
 * rows as they are) and odd ones (padded with a copy of the last node).
 */
describe.each([
  {
    parity: 'an even node count', tol: 1e-12,
    panel: { Rs: [40], units: 30 }, bench: { Rs: [64], units: 40, T: 12 }, every: { Rs: [40], units: 25 },
    cross: { Rs: [30], units: 60, panelUnits: 15, weights: (_R: number): Float64Array | null => null },
    big: [20], flush: 16, split: 10,
    signed: { bad: [0.5, 0.5, -1, 0], also: [{ w: [0.7, 0.6, -0.3, 0], tol: 1e-12 }, { w: [0.7, 0.6, -0.3], tol: 1e-12 }] },
    counts: { seed: 17, step: 7, coefs: [{ mean: 0, link: Link.identity, spreads: [{ param: 2, dim: 0 }] }, { mean: 1, link: Link.identity }] as CoefficientSpec[], kinds: [DrawKind.normal] as DrawKindCode[], nodes: () => makeNodes(20, 1, 5), theta: [0.8, -0.6, 0.7], tol: 1e-12 },
  },
  {
    parity: 'an odd node count (WebAssembly with a padding node)', tol: 1e-13,
    panel: { Rs: [1, 3, 7, 125], units: 12 }, bench: { Rs: [125, 2001], units: 6, T: 8 }, every: { Rs: [1, 7, 41], units: 12 },
    cross: { Rs: [3, 125], units: 40, panelUnits: 10, weights: positiveWeights },
    big: [1, 3, 21], flush: 15, split: 11,
    // a last node with weight 0 or a large negative weight must count as such
    signed: { bad: [0.5, 0.5, -1], also: [{ w: [0.7, 0.3, 0], tol: 1e-13 }, { w: [0.6, 0.6, 0.5, 0.3, -1], tol: 1e-12 }] },
    counts: { seed: 23, step: 5, coefs: [{ mean: 0, link: Link.identity, spreads: [{ param: 2, dim: 0 }] }, { mean: 1, link: Link.exp, spreads: [{ param: 3, dim: 1 }] }] as CoefficientSpec[], kinds: N2, nodes: () => makeNodes(19, 2, 5, signedWeights(19)), theta: [0.8, -0.6, 0.7, 0.3], tol: 1e-13 },
  },
])('FastKernel with $parity', (c) => {
  it('runs WebAssembly and agrees with the plain kernel: panel, equal weights', () => {
    for (const R of c.panel.Rs) {
      const [w] = agree({ data: makeData(c.panel.units, 5, 4, 3, 1), coefs: mixed, P: 5, kinds: N2, nodes: makeNodes(R, 2, 2), theta: [0.5, -0.3, -0.2, 0.8, 0.4] }, c.tol);
      expect(w.wasm, `R = ${R}`).toBe(true);
    }
  });

  it('all normal, panel, several alternative counts (the benchmark model)', () => {
    const K = 6;
    const coefs: CoefficientSpec[] = Array.from({ length: K }, (_, k) => ({ mean: k, link: Link.identity, spreads: [{ param: K + k, dim: k }] }));
    const theta = [...Array.from({ length: K }, (_, k) => (k % 2 ? -0.5 : 1)), ...Array(K).fill(0.5)];
    for (const R of c.bench.Rs) {
      const [w] = agree({ data: makeData(c.bench.units, c.bench.T, 4, K, 3), coefs, P: 2 * K, kinds: Array(K).fill(DrawKind.normal), nodes: makeNodes(R, K, 4), theta }, c.tol);
      expect(w.wasm).toBe(true);
    }
  });

  it('fixed and random coefficients, every link and draw kind, correlation and mean shifts', () => {
    const data = makeData(c.every.units, 3, 3, 6, 9, { chars: 2 });
    for (const R of c.every.Rs) {
      const [w] = agree({ data, coefs: EVERY_LINK, P: 15, kinds: EVERY_KIND, nodes: makeNodes(R, 6, 8), theta: EVERY_THETA });
      expect(w.wasm).toBe(true);
    }
  });

  it('cross-section and panel with unit weights and an outside option (chosen or not)', () => {
    for (const R of c.cross.Rs) {
      const data = makeData(c.cross.units, 1, 3, 3, 4, { outside: true, weights: true });
      expect(Array.from(data.sitChosen).some((ch) => ch < 0)).toBe(true);
      agree({ data, coefs: mixed, P: 5, kinds: N2, nodes: makeNodes(R, 2, 6), theta: [0.5, -0.3, -0.2, 0.8, 0.4] }, c.tol);
      const panel = makeData(c.cross.panelUnits, 6, 4, 3, 5, { outside: true, weights: true });
      agree({ data: panel, coefs: mixed, P: 5, kinds: N2, nodes: makeNodes(R, 2, 6, c.cross.weights(R)), theta: [0.5, -0.3, -0.2, 0.8, 0.4] }, c.tol);
    }
  });

  it('signed node weights on shared nodes, and the fault of a non-positive sum', () => {
    const data = makeData(5, 2, 3, 1, 2);
    const coefs: CoefficientSpec[] = [{ mean: 0, link: Link.identity, spreads: [{ param: 1, dim: 0 }] }];
    const shared = (w: number[]) => makeNodes(w.length, 1, 2, Float64Array.from(w), true);
    const bad = { data, coefs, P: 2, kinds: [DrawKind.normal] as DrawKindCode[], nodes: shared(c.signed.bad), theta: [0.2, 0.5] };
    for (const { w, tol } of c.signed.also) agree({ ...bad, nodes: shared(w) }, tol);
    const r = run(FastKernel, bad);
    expect((r.k as FastKernel).wasm).toBe(true);
    expect(r.fault?.reason).toBe('non-positive-probability');
    expect(r.fault).toEqual(run(Kernel, bad).fault);
  });

  it('utilities of +-1000 (shifted and rare nodes, the last node among them) stay finite and agree', () => {
    for (const R of c.big) {
      const data = makeData(10, 3, 4, 3, 5, { scale: 300 });
      const k: Case = { data, coefs: mixed, P: 5, kinds: N2, nodes: makeNodes(R, 2, 1), theta: [1, -2, 0.5, 3, 0.5] };
      agree(k);
      const r = run(FastKernel, k);
      expect((r.k as FastKernel).wasm).toBe(true);
      expect(Number.isFinite(r.total)).toBe(true);
      for (const s of r.sc) expect(Number.isFinite(s)).toBe(true);
      expect(r.fault).toBeNull();
    }
  });

  it('long panels flush the product of sums before it overflows (the last node\'s pair too)', () => {
    // 700 situations of 6 alternatives: the product of sums passes 1e150 many times
    agree({ data: makeData(3, 700, 6, 3, 8), coefs: mixed, P: 5, kinds: N2, nodes: makeNodes(c.flush, 2, 9), theta: [0.1, -0.1, -1.5, 0.2, 0.1] }, 1e-11);
  });

  it('many alternative counts: specialized and generic loops in one unit; single-alternative situations', () => {
    const { seed, step, coefs, kinds, theta, tol } = c.counts;
    const data = manyCounts(seed, step);
    const nodes = c.counts.nodes();
    const [w] = agree({ data, coefs, P: theta.length, kinds, nodes, theta }, tol);
    expect(w.wasm).toBe(true);
    const k = new FastKernel(data, compilePlan(coefs, theta.length, kinds), nodes);
    const counts = new Set(Array.from({ length: data.nSituations }, (_, s) => data.sitRow[s + 1] - data.sitRow[s] - 1).filter((jp) => jp > 0));
    expect(k.specialized.length).toBeGreaterThan(0);
    expect(k.specialized.length).toBeLessThan(counts.size); // the others run the generic loop
  });

  it('a range split gives per-unit values identical to the whole (any sharding, same numbers)', () => {
    const data = makeData(12, 3, 3, 3, 5);
    const plan = compilePlan(mixed, 5, N2);
    const nodes = makeNodes(c.split, 2, 3);
    const th = Float64Array.from([0.5, -0.3, -0.2, 0.8, 0.4]);
    const a = new Float64Array(12), b = new Float64Array(12), sa = new Float64Array(60), sb = new Float64Array(60);
    new FastKernel(data, plan, nodes).evaluate(th, 0, 12, a, sa);
    const k2 = new FastKernel(data, plan, nodes);
    k2.evaluate(th, 7, 12, b, sb);
    k2.evaluate(th, 0, 7, b, sb);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(sb)).toEqual(Array.from(sa));
  });
});

describe('FastKernel', () => {
  it('uses WebAssembly SIMD on this runtime', () => {
    expect(wasmSimdAvailable()).toBe(true);
  });

  it('fixed coefficients with links, and a model without random coefficients', () => {
    const data = makeData(20, 4, 4, 3, 12, { chars: 1 });
    const coefs: CoefficientSpec[] = [
      { mean: 0, link: Link.exp, sign: -1, shifts: [{ param: 3, char: 0 }] },
      { mean: 1, link: Link.logistic },
      { mean: 2, link: Link.identity, spreads: [{ param: 4, dim: 0 }] },
    ];
    agree({ data, coefs, P: 5, kinds: [DrawKind.normal], nodes: makeNodes(30, 1, 3), theta: [-0.5, 0.4, 0.7, 0.3, 0.6] });
    const mnl: CoefficientSpec[] = [{ mean: 0, link: Link.identity }, { mean: 1, link: Link.identity }, { mean: 2, link: Link.identity }];
    agree({ data, coefs: mnl, P: 3, kinds: [], nodes: { size: 1, weights: null, shared: true, fill() {} }, theta: [0.2, -0.3, 0.5] });
  });

  it('positive and signed node weights, shared (a sparse grid) or per unit, at odd node counts', () => {
    for (const R of [1, 3, 7, 125]) {
      for (const shared of [true, false]) {
        for (const weights of [positiveWeights(R), ...(R > 1 ? [signedWeights(R)] : [])]) {
          const [w] = agree({ data: makeData(10, 3, 3, 3, 4), coefs: mixed, P: 5, kinds: N2, nodes: makeNodes(R, 2, 5, weights, shared), theta: [0.5, -0.3, -0.2, 0.8, 0.4] }, 1e-13);
          expect(w.wasm).toBe(true);
        }
      }
    }
  });

  it('non-finite parameters give the same fault as the plain kernel', () => {
    const c: Case = { data: makeData(8, 3, 3, 3, 2), coefs: mixed, P: 5, kinds: N2, nodes: makeNodes(10, 2, 3), theta: [NaN, -0.3, -0.2, 0.8, 0.4] };
    const a = run(FastKernel, c), b = run(Kernel, c);
    expect(a.fault).toEqual(b.fault);
    expect(a.ll[0]).toBeNaN();
    const inf: Case = { ...c, theta: [0.5, Infinity, -0.2, 0.8, 0.4] };
    expect(run(FastKernel, inf).fault?.reason).toBe(run(Kernel, inf).fault?.reason);
  });

  it('coefficients() are those of the plain kernel', () => {
    for (const R of [6, 7]) {
      const data = makeData(4, 2, 3, 3, 5);
      const plan = compilePlan(mixed, 5, N2);
      const nodes = makeNodes(R, 2, 3);
      const th = Float64Array.from([0.5, -0.3, -0.2, 0.8, 0.4]);
      const fast = new FastKernel(data, plan, nodes);
      expect(fast.wasm).toBe(true);
      expect(Array.from(fast.coefficients(th, 2))).toEqual(Array.from(new Kernel(data, plan, nodes).coefficients(th, 2)));
      // and evaluating afterwards is unaffected
      const ll = new Float64Array(4), sc = new Float64Array(20), ll0 = new Float64Array(4), sc0 = new Float64Array(20);
      new FastKernel(data, plan, nodes).evaluate(th, 0, 4, ll0, sc0);
      fast.evaluate(th, 0, 4, ll, sc);
      expect(Array.from(ll)).toEqual(Array.from(ll0));
      expect(Array.from(sc)).toEqual(Array.from(sc0));
    }
  });

  it('the node sums of the WebAssembly helpers leave out the padding slot', () => {
    const u = rng(29);
    for (const R of [1, 3, 9]) {
      const w = buildWasmHot(1, [0], [1], R, 8, 1);
      const L = w.layout, Rp = R + 1;
      expect(L.stride).toBe(Rp);
      const buf = w.memory.buffer;
      const prod = new Float64Array(buf, L.PROD, Rp), wts = new Float64Array(buf, L.WTS, Rp), q = new Float64Array(buf, L.Q, Rp);
      const g = new Float64Array(buf, L.G, Rp), e = new Float64Array(buf, L.E, Rp), out = new Float64Array(buf, L.OUT, 4);
      const p = Float64Array.from({ length: R }, () => 1 + 10 * u()), wt = Float64Array.from({ length: R }, () => u() - 0.3);
      for (const weighted of [0, 1]) {
        prod.set(p); wts.set(wt);
        prod[R] = 1e-300; wts[R] = 1e300; // poison: would be the minimum and dominate the sums
        const S = w.nodeSum(R, weighted);
        const pmin = Math.min(...p);
        expect(out[2]).toBe(pmin);
        let ref = 0;
        for (let r = 0; r < R; r++) { const t = (weighted ? wt[r] : 1) * (pmin / p[r]); expect(q[r]).toBe(t); ref += t; }
        expect(Math.abs(S - ref)).toBeLessThanOrEqual(1e-15 * Math.abs(ref) + 1e-300);
      }
      const gv = Float64Array.from({ length: R }, () => u() - 0.5), ev = Float64Array.from({ length: R }, () => u() - 0.5);
      g.set(gv); e.set(ev); g[R] = NaN; e[R] = Infinity; q[R] = NaN;
      let s1 = 0, s2 = 0;
      for (let r = 0; r < R; r++) { s1 += q[r] * gv[r]; s2 += q[r] * gv[r] * ev[r]; }
      w.dots(L.G, L.E, R);
      expect(Math.abs(out[0] - s1)).toBeLessThanOrEqual(1e-15 * (Math.abs(s1) + 1));
      expect(Math.abs(out[1] - s2)).toBeLessThanOrEqual(1e-15 * (Math.abs(s2) + 1));
      w.dots(L.G, -1, R);
      expect(Math.abs(out[0] - s1)).toBeLessThanOrEqual(1e-15 * (Math.abs(s1) + 1));
    }
  });
});

/** Per-unit LL and scores of a FastKernel evaluated in shards (each by its own kernel, as workers do), and their reduction. */
function sharded(c: Case, cuts: number[], options: { specialize?: boolean } = {}) {
  const plan = compilePlan(c.coefs, c.P, c.kinds);
  const N = c.data.nUnits, th = Float64Array.from(c.theta);
  const ll = new Float64Array(N), sc = new Float64Array(N * c.P);
  const bounds = [0, ...cuts, N];
  for (let i = 0; i + 1 < bounds.length; i++) new FastKernel(c.data, plan, c.nodes, options).evaluate(th, bounds[i], bounds[i + 1], ll, sc);
  const grad = new Float64Array(c.P);
  return { ll, sc, total: reduceUnits(ll, sc, c.P, grad), grad };
}

describe('FastKernel: the generic WebAssembly loop (any number of alternatives, ragged choice sets)', () => {
  const theta = [0.5, -0.3, -0.2, 0.8, 0.4];

  it('J = 1000 alternatives, cross-section and short panel, even and odd node counts', () => {
    for (const R of [16, 7]) {
      const data = makeData(4, 2, 1000, 3, 31);
      const c: Case = { data, coefs: mixed, P: 5, kinds: N2, nodes: makeNodes(R, 2, 32), theta };
      const [w] = agree(c, 1e-12);
      expect(w.wasm).toBe(true);
      const k = new FastKernel(data, compilePlan(mixed, 5, N2), c.nodes);
      expect(k.specialized).not.toContain(999); // 999 and 998 others: the generic loop
      expect(k.specialized).not.toContain(998);
    }
  });

  it('thirteen choice-set sizes by availability (1 .. 13 of 13 alternatives), with and without an outside option', () => {
    for (const outside of [false, true]) {
      const data = makeAvailability(12, 13, 13, 3, 41, { outside });
      const sizes = new Set(Array.from({ length: data.nSituations }, (_, s) => data.sitRow[s + 1] - data.sitRow[s]));
      expect(sizes.size).toBe(13);
      const [w] = agree({ data, coefs: mixed, P: 5, kinds: N2, nodes: makeNodes(9, 2, 42), theta }, 1e-12);
      expect(w.wasm).toBe(true);
    }
  });

  it('long panels (T = 50) of ragged choice sets, flushes included; every link and draw kind', () => {
    const long: Case = { data: makeAvailability(6, 50, 13, 3, 51, { scale: 20 }), coefs: mixed, P: 5, kinds: N2, nodes: makeNodes(12, 2, 52), theta: [1, -1, -0.5, 0.8, 0.4] };
    agree(long, 1e-11);
    // log L below -400 at every node: the product of sums passed 1e150 and was flushed
    expect(Math.min(...run(Kernel, long).ll)).toBeLessThan(-400);
    agree({ data: makeAvailability(5, 50, 9, 6, 53, { outside: true, chars: 2 }), coefs: EVERY_LINK, P: 15, kinds: EVERY_KIND, nodes: makeNodes(11, 6, 54), theta: EVERY_THETA }, 1e-11);
  });

  it('utilities of +-1000 over many alternatives: the rare pairs redone shifted agree', () => {
    for (const R of [10, 5]) {
      const data = makeData(6, 3, 60, 3, 61, { scale: 300 });
      const c: Case = { data, coefs: mixed, P: 5, kinds: N2, nodes: makeNodes(R, 2, 62), theta: [1, -2, 0.5, 3, 0.5] };
      agree(c);
      const r = run(FastKernel, c, true, false);
      expect(Number.isFinite(r.total)).toBe(true);
      expect(r.fault).toBeNull();
    }
  });

  it('the generic loop gives the specialized loops\' log-likelihoods exactly and their scores to 1e-14', () => {
    const c: Case = { data: makeData(20, 6, 5, 3, 71), coefs: mixed, P: 5, kinds: N2, nodes: makeNodes(33, 2, 72), theta };
    const a = run(FastKernel, c, true, true), b = run(FastKernel, c, true, false);
    expect((a.k as FastKernel).specialized.length).toBeGreaterThan(0);
    expect((b.k as FastKernel).specialized).toEqual([]);
    expect(Array.from(b.ll)).toEqual(Array.from(a.ll)); // the same sums S in the same order
    const d = deviation(b, a, c);
    expect(Math.max(d.sc, d.sit)).toBeLessThanOrEqual(1e-14);
  });

  it('identical numbers for 1, 2 and 3 shards (workers), ragged and many alternatives', () => {
    const cases: Case[] = [
      { data: makeAvailability(13, 10, 13, 3, 81), coefs: mixed, P: 5, kinds: N2, nodes: makeNodes(15, 2, 82), theta },
      { data: makeData(7, 2, 300, 3, 83), coefs: mixed, P: 5, kinds: N2, nodes: makeNodes(8, 2, 84), theta },
    ];
    for (const c of cases) {
      const one = sharded(c, []);
      for (const cuts of [[5], [3, 6]]) {
        const s = sharded(c, cuts);
        expect(Array.from(s.ll)).toEqual(Array.from(one.ll));
        expect(Array.from(s.sc)).toEqual(Array.from(one.sc));
        expect(s.total).toBe(one.total);
        expect(Array.from(s.grad)).toEqual(Array.from(one.grad));
      }
    }
  });
});
