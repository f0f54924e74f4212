/**
 * The rule variants the benchmark compares, and the node counts / levels it tries.
 *
 * @packageDocumentation
 */
import { createRule, GAUSS_HERMITE_MAX_POINTS, KPN_MAX_LEVEL, type RuleConfig } from '@mxl/integration';

/** A rule as the benchmark labels it: a name and how to configure it at a size. */
export interface RuleVariant {
  /** Label in tables and plots, e.g. `sobol-owen`. */
  label: string;
  /** Quadrature (takes a level, one shared node set) or simulation (takes draws). */
  quadrature: boolean;
  /** Whether repeated runs with different seeds differ (scrambled / random rules). */
  randomized: boolean;
  /** The configuration for `draws` (simulation) or `level` (quadrature), and a seed. */
  config(size: number, seed: number): RuleConfig;
}

function sim(label: string, base: Omit<RuleConfig, 'draws'>, randomized: boolean): RuleVariant {
  return {
    label,
    quadrature: false,
    randomized,
    config: (draws, seed) => (randomized ? { ...base, draws, seed } : { ...base, draws }) as RuleConfig,
  };
}

function quad(label: 'product' | 'sparse-gqn' | 'sparse-kpn'): RuleVariant {
  return { label, quadrature: true, randomized: false, config: (level) => ({ rule: label, level }) };
}

/** Every variant, by label. */
export const VARIANTS: Readonly<Record<string, RuleVariant>> = Object.freeze({
  pseudo: sim('pseudo', { rule: 'pseudo' }, true),
  mlhs: sim('mlhs', { rule: 'mlhs' }, true),
  halton: sim('halton', { rule: 'halton' }, false),
  'halton-owen': sim('halton-owen', { rule: 'halton', scramble: 'owen' }, true),
  'halton-shuffle': sim('halton-shuffle', { rule: 'halton', scramble: 'shuffle' }, true),
  sobol: sim('sobol', { rule: 'sobol' }, false),
  'sobol-owen': sim('sobol-owen', { rule: 'sobol', scramble: 'owen' }, true),
  product: quad('product'),
  'sparse-gqn': quad('sparse-gqn'),
  'sparse-kpn': quad('sparse-kpn'),
});

/** Labels in display order. */
export const VARIANT_ORDER = Object.keys(VARIANTS);

/** Looks a variant up, with a clear error. */
export function variant(label: string): RuleVariant {
  const v = VARIANTS[label];
  if (!v) throw new RangeError(`unknown rule variant "${label}"; known: ${VARIANT_ORDER.join(', ')}`);
  return v;
}

/** Powers of two from 2^lo to 2^hi. */
export function powersOfTwo(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let p = lo; p <= hi; p++) out.push(2 ** p);
  return out;
}

/** Product-rule levels tried in the sweep (filtered by level^d <= maxNodes). */
const PRODUCT_LEVELS = [1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 64];

/** One quadrature rule at one level. */
export interface QuadratureLevel {
  level: number;
  nodes: number;
}

/**
 * Levels of a quadrature rule in d dimensions with at most `maxNodes` nodes. A sparse level is
 * listed only if it has at least `thin` times the nodes of the last one listed (the default
 * drops only levels that repeat the same nested grid; the sweep thins to about 8 levels per
 * doubling of nodes).
 */
export function quadratureLevels(label: string, dim: number, maxNodes: number, thin = 1.0001): QuadratureLevel[] {
  const out: QuadratureLevel[] = [];
  if (label === 'product') {
    for (const level of PRODUCT_LEVELS) {
      const nodes = level ** dim;
      if (nodes <= maxNodes && level <= GAUSS_HERMITE_MAX_POINTS) out.push({ level, nodes });
    }
    return out;
  }
  const maxLevel = label === 'sparse-kpn' ? KPN_MAX_LEVEL : 40;
  let last = 0;
  for (let level = 1; level <= maxLevel; level++) {
    let nodes: number;
    try {
      nodes = createRule({ rule: label, level }, dim).size;
    } catch {
      break;
    }
    if (nodes > maxNodes) break;
    if (nodes >= thin * last) {
      out.push({ level, nodes });
      last = nodes;
    }
  }
  return out;
}

/**
 * The level of a quadrature rule whose node count is closest (in log ratio) to `target`,
 * among levels with at most `2 * target` nodes; null if none.
 */
export function levelNear(label: string, dim: number, target: number): QuadratureLevel | null {
  let best: QuadratureLevel | null = null;
  for (const q of quadratureLevels(label, dim, 2 * target)) {
    if (q.level === 1) continue;
    if (best === null || Math.abs(Math.log(q.nodes / target)) < Math.abs(Math.log(best.nodes / target))) best = q;
  }
  return best;
}
