/**
 * A plain mixed logit likelihood for tests, written independently of mxl: a
 * Gauss-Hermite product rule (its own nodes), the coefficients at each node
 * from a formula the test gives, and the logit, over the situations of a file
 * written by test/simulate-dgp.ts; and central-difference gradients.
 */
import { readFileSync } from 'node:fs';

/** Per individual, per situation: the alternatives' attributes and the chosen one. */
export type Panel = { x: number[][]; chosen: number }[][];

/**
 * n-point Gauss-Hermite rule for the standard normal (probabilists' Hermite
 * polynomials He_n by their recurrence; roots bracketed on a grid and
 * bisected; weights n! / (n He_{n-1}(x))² / n, which sum to 1).
 */
export function hermiteRule(n: number): { x: number[]; w: number[] } {
  const he = (m: number, x: number) => {
    let a = 1, b = x;
    if (m === 0) return a;
    for (let k = 1; k < m; k++) [a, b] = [b, x * b - k * a];
    return b;
  };
  const x: number[] = [];
  const lim = 2 * Math.sqrt(n) + 2, steps = 20001; // odd: no grid point at 0, a root for odd n
  for (let i = 0; i < steps; i++) {
    let lo = -lim + (2 * lim * i) / steps, hi = lo + (2 * lim) / steps;
    if (he(n, lo) * he(n, hi) > 0) continue;
    for (let it = 0; it < 200; it++) { const mid = (lo + hi) / 2; if (he(n, lo) * he(n, mid) <= 0) hi = mid; else lo = mid; }
    x.push((lo + hi) / 2);
  }
  let fact = 1;
  for (let k = 2; k <= n; k++) fact *= k;
  const w = x.map((xi) => fact / (n * n * he(n - 1, xi) ** 2));
  if (x.length !== n) throw new Error(`hermiteRule(${n}): found ${x.length} roots`);
  return { x, w };
}

/** The rows of a file written by simulateChoices: per individual, per situation, the alternatives' attributes and the chosen one. */
export function readPanel(file: string, attrs: string[]): Panel {
  const [head, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const cols = head.split(',');
  const at = (name: string) => cols.indexOf(name);
  const people = new Map<string, Map<string, { x: number[][]; chosen: number }>>();
  for (const line of lines) {
    const v = line.split(',');
    const id = v[at('id')], sit = v[at('sit')];
    if (!people.has(id)) people.set(id, new Map());
    const sits = people.get(id)!;
    if (!sits.has(sit)) sits.set(sit, { x: [], chosen: -1 });
    const s = sits.get(sit)!;
    if (v[at('choice')] === '1') s.chosen = s.x.length;
    s.x.push(attrs.map((a) => Number(v[at(a)])));
  }
  return [...people.values()].map((m) => [...m.values()]);
}

/**
 * log Σ_nodes w Π_t P_t(β(node)) summed over individuals, over the product
 * rule of `dims` n-point Gauss-Hermite rules: β(z_1, …, z_dims) at each node.
 */
export function plainLogLik(panel: Panel, n: number, dims: number, beta: (...z: number[]) => number[]): number {
  const { x: nodes, w } = hermiteRule(n);
  const total = n ** dims;
  let ll = 0;
  for (const person of panel) {
    let L = 0;
    for (let i = 0; i < total; i++) {
      const z: number[] = [];
      let weight = 1;
      for (let d = 0, j = i; d < dims; d++, j = Math.floor(j / n)) { z.push(nodes[j % n]); weight *= w[j % n]; }
      const be = beta(...z);
      let prod = 1;
      for (const s of person) {
        const v = s.x.map((xj) => xj.reduce((t, xk, k) => t + xk * be[k], 0));
        const m = Math.max(...v);
        prod *= Math.exp(v[s.chosen] - m) / v.reduce((t, vj) => t + Math.exp(vj - m), 0);
      }
      L += weight * prod;
    }
    ll += Math.log(L);
  }
  return ll;
}

/** Central-difference gradient of f at x. */
export function numericalGradient(f: (x: Record<string, number>) => number, x: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(x)) {
    const h = 1e-5 * Math.max(1, Math.abs(x[k]));
    out[k] = (f({ ...x, [k]: x[k] + h }) - f({ ...x, [k]: x[k] - h })) / (2 * h);
  }
  return out;
}
