import { describe, expect, it } from 'vitest';
import { createRule, kpnDegree, kpnRule, KPN_MAX_LEVEL, neumaierSum, sparseGrid, type QuadratureGrid } from '../src/index.js';
import { loadReference, normalMoment } from './helpers.js';

const ref = loadReference();
const FAMILIES = ['kpn', 'gqn'] as const;

/** The rule's shared node set as a grid. */
function ruleGrid(name: 'sparse-kpn' | 'sparse-gqn', level: number, dim: number): QuadratureGrid {
  const rule = createRule({ rule: name, level }, dim);
  const nodes = new Float64Array(dim * rule.size);
  rule.fill(0, nodes);
  return { dim, size: rule.size, nodes, weights: rule.weights as Float64Array };
}

/** sum_i w_i prod_d z_{i,d}^{p_d} */
function integrate(g: QuadratureGrid, powers: number[]): number {
  let s = 0;
  for (let i = 0; i < g.size; i++) {
    let f = g.weights[i] as number;
    for (let d = 0; d < powers.length; d++) f *= (g.nodes[d * g.size + i] as number) ** (powers[d] as number);
    s += f;
  }
  return s;
}

/** All exponent vectors in `dim` variables with total degree <= deg. */
function monomials(dim: number, deg: number): number[][] {
  if (dim === 0) return [[]];
  const out: number[][] = [];
  for (let p = 0; p <= deg; p++) for (const rest of monomials(dim - 1, deg - p)) out.push([p, ...rest]);
  return out;
}

describe('kpnRule', () => {
  it('integrates z^k exactly up to its tabulated degree and not beyond, and is nested', () => {
    for (let level = 1; level <= KPN_MAX_LEVEL; level++) {
      const r = kpnRule(level);
      const deg = kpnDegree(level);
      for (let k = 0; k <= deg + 1; k++) {
        let s = 0;
        let scale = 0; // sum |w x^k|: the rounding of s is relative to this, not to the moment
        for (let i = 0; i < r.nodes.length; i++) {
          const t = (r.weights[i] as number) * (r.nodes[i] as number) ** k;
          s += t;
          scale += Math.abs(t);
        }
        const err = Math.abs(s - normalMoment(k));
        if (k <= deg) expect(err).toBeLessThanOrEqual(1e-13 * scale);
        else if (k % 2 === 0) expect(err).toBeGreaterThan(1e-9 * scale);
      }
      if (level > 1) {
        const prev = new Set(kpnRule(level - 1).nodes);
        const cur = new Set(r.nodes);
        for (const x of prev) expect(cur.has(x)).toBe(true);
      }
    }
  });

  it('is sorted and exactly symmetric, with weights summing to 1', () => {
    for (let level = 1; level <= KPN_MAX_LEVEL; level++) {
      const { nodes, weights } = kpnRule(level);
      const n = nodes.length;
      expect(n % 2).toBe(1);
      expect(Object.is(nodes[(n - 1) / 2], 0)).toBe(true);
      for (let i = 0; i < n; i++) {
        if (i > 0) expect(nodes[i] as number).toBeGreaterThan(nodes[i - 1] as number);
        expect(nodes[i]).toBe(0 - (nodes[n - 1 - i] as number));
        expect(weights[i]).toBe(weights[n - 1 - i]);
      }
      expect(Math.abs(neumaierSum(weights) - 1)).toBeLessThanOrEqual(1e-15);
    }
  });

  it('uses at level l the smallest tabulated rule of degree >= 2l - 1', () => {
    const rules = ref.kpn_genz_keister as Record<string, { degree: number }>;
    for (let level = 1; level <= KPN_MAX_LEVEL; level++) {
      const sizes = Object.keys(rules).map(Number).filter((sz) => (rules[sz] as { degree: number }).degree >= 2 * level - 1);
      expect({ level, size: kpnRule(level).nodes.length }).toEqual({ level, size: Math.min(...sizes) });
    }
  });

  it('matches the Genz-Keister rules recomputed from the N(0,1) moments (120 digits) to 1e-15', () => {
    const rules = ref.kpn_genz_keister as Record<string, { degree: number; nonneg_nodes_weights: [string, string][] }>;
    const seen = new Set<number>();
    for (let level = 1; level <= KPN_MAX_LEVEL; level++) {
      const { nodes, weights } = kpnRule(level);
      const want = rules[String(nodes.length)];
      if (want === undefined) throw new Error(`no reference rule of size ${nodes.length}`);
      seen.add(nodes.length);
      expect(kpnDegree(level)).toBe(want.degree);
      const h = (nodes.length - 1) / 2;
      want.nonneg_nodes_weights.forEach(([x, w], i) => {
        expect(Math.abs((nodes[h + i] as number) - Number(x))).toBeLessThanOrEqual(1e-15 * Math.max(1, Number(x)));
        expect(Math.abs((weights[h + i] as number) - Number(w))).toBeLessThanOrEqual(1e-15 * Math.abs(Number(w)));
      });
    }
    expect(seen.size).toBe(Object.keys(rules).length);
  });

  it('rejects levels outside 1..25', () => {
    expect(() => kpnRule(26)).toThrow(/level must be an integer in \[1, 25\]; received 26/);
  });
});

describe('neumaierSum', () => {
  it('keeps the small terms a plain sum loses', () => {
    expect(neumaierSum([1e16, 1, -1e16])).toBe(1);
    expect([1e16, 1, -1e16].reduce((a, b) => a + b, 0)).toBe(0);
  });
});

describe('sparseGrid node counts', () => {
  it('match Heiss-Winschel / pyblp distinct-node counts for d = 1..10, k = 1..6', () => {
    const counts = ref.sparse_grid_node_counts_k1to6 as Record<'KPN' | 'GQN', Record<string, number[]>>;
    for (const fam of FAMILIES) {
      for (const [d, byK] of Object.entries(counts[fam.toUpperCase() as 'KPN' | 'GQN'])) {
        byK.forEach((count, k) => {
          expect({ fam, d, k: k + 1, size: sparseGrid(Number(d), k + 1, fam).size }).toEqual({ fam, d, k: k + 1, size: count });
        });
      }
    }
  });

  it('match the Smolyak construction for d = 1..6, k = 7..10', () => {
    const counts = ref.sparse_grid_node_counts_d1to6_k7to10 as Record<'KPN' | 'GQN', Record<string, number[]>>;
    for (const fam of FAMILIES) {
      for (const [d, byK] of Object.entries(counts[fam.toUpperCase() as 'KPN' | 'GQN'])) {
        byK.forEach((count, j) => {
          expect({ fam, d, k: j + 7, size: sparseGrid(Number(d), j + 7, fam).size }).toEqual({ fam, d, k: j + 7, size: count });
        });
      }
    }
  });

  it('dropZeroWeights removes only nodes whose weight cancels, e.g. the KPN origin for d = 3, k = 2', () => {
    const all = sparseGrid(3, 2, 'kpn');
    const kept = sparseGrid(3, 2, 'kpn', { dropZeroWeights: true });
    expect(all.size).toBe(7);
    expect(kept.size).toBe(6);
    let origin = -1;
    for (let i = 0; i < all.size; i++) if ([0, 1, 2].every((d) => all.nodes[d * all.size + i] === 0)) origin = i;
    expect(Math.abs(all.weights[origin] as number)).toBeLessThan(1e-15);
    for (let i = 0; i < kept.size; i++) expect(Math.abs(kept.weights[i] as number)).toBeGreaterThan(0.01);
  });

  it('refuses grids above the term limit', () => {
    expect(() => sparseGrid(30, 12, 'gqn', { maxTerms: 1000 })).toThrow(/above the limit of 1000/);
  });
});

describe('sparse-grid rules', () => {
  const T1 = ref['T1_exp_linear_d3_a=(0.5,-0.3,0.2)'] as Record<string, string>;
  const T2 = ref.T2_polynomials_d3 as Record<string, Record<string, number>>;

  for (const fam of FAMILIES) {
    const name = fam === 'kpn' ? 'sparse-kpn' : 'sparse-gqn';

    it(`${name}: weights sum to 1 within 1e-13 (d = 1..10, k = 1..5)`, () => {
      for (let d = 1; d <= 10; d++) {
        for (let k = 1; k <= 5; k++) {
          const g = ruleGrid(name, k, d);
          // Compensated sum: a plain sum of these weights (sum |w| up to ~6e3) rounds by ~1e-13 itself.
          expect(Math.abs(neumaierSum(g.weights) - 1)).toBeLessThanOrEqual(1e-13);
          // Before normalization the Smolyak weights already sum to 1 up to rounding.
          const raw = sparseGrid(d, k, fam, { normalize: false });
          expect(Math.abs(neumaierSum(raw.weights) - 1)).toBeLessThanOrEqual(1e-11);
        }
      }
    });

    it(`${name}: exact for all monomials of total degree <= 2k-1 in d = 3, k = 1..5`, () => {
      for (let k = 1; k <= 5; k++) {
        const g = ruleGrid(name, k, 3);
        for (const p of monomials(3, 2 * k - 1)) {
          const exact = p.reduce((m, e) => m * normalMoment(e), 1);
          expect(Math.abs(integrate(g, p) - exact)).toBeLessThanOrEqual(1e-12 * Math.max(1, exact));
        }
      }
    });

    it(`${name}: reproduces the tabulated integrals of higher-degree monomials (T2) and exp(a.z) (T1)`, () => {
      for (const [poly, vals] of Object.entries(T2)) {
        const powers = [0, 0, 0];
        for (const f of poly.split('*')) {
          const m = /^z(\d)\^(\d+)$/.exec(f);
          if (m === null) throw new Error(`bad monomial ${poly}`);
          powers[Number(m[1]) - 1] = Number(m[2]);
        }
        for (let k = 1; k <= 5; k++) {
          const want = vals[`${fam.toUpperCase()}_k${k}`] as number;
          const got = integrate(ruleGrid(name, k, 3), powers);
          expect({ poly, k, v: got }).toEqual({ poly, k, v: expect.closeTo(want, 8) });
        }
      }
      const a = [0.5, -0.3, 0.2];
      for (let k = 1; k <= 5; k++) {
        const g = ruleGrid(name, k, 3);
        let s = 0;
        for (let i = 0; i < g.size; i++) {
          let e = 0;
          for (let d = 0; d < 3; d++) e += (a[d] as number) * (g.nodes[d * g.size + i] as number);
          s += (g.weights[i] as number) * Math.exp(e);
        }
        expect(Math.abs(s - Number(T1[`${fam.toUpperCase()}_k${k}`]))).toBeLessThanOrEqual(1e-14);
      }
    });
  }

  it('sparse grids on level 1 are the single node 0 with weight 1', () => {
    for (const name of ['sparse-kpn', 'sparse-gqn'] as const) {
      const g = ruleGrid(name, 1, 4);
      expect(g.size).toBe(1);
      expect(Array.from(g.nodes)).toEqual([0, 0, 0, 0]);
      expect(Array.from(g.weights)).toEqual([1]);
    }
  });
});
