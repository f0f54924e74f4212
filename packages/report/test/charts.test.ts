/**
 * The chart builders: pure (no Node import in charts.ts, densities.ts, individual.ts), one chart
 * per thing the inputs have, every spec compiles with Vega-Lite and renders to SVG with Vega,
 * histograms have area 1, old results without location/scale give the same densities, the
 * individual CSV parses, and SVG ids get their page-unique prefix.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile } from 'vega-lite';
import {
  coefficientDensities, convergenceSpec, densitySpec, extent, heatmapSpec, histogram, reportCharts, sharesSpec, wtpHistogramSpec, wtpSpec,
} from '../src/charts.js';
import { parseIndividualCsv, csvFields } from '../src/individual.js';
import { normalCdf } from '../src/densities.js';
import { prefixSvgIds, renderSvg } from '../src/render.js';
import { buildReport, esc } from '../src/html.js';
import type { ReportPredict, ReportResult } from '../src/types.js';

const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), '../src');

/** A result with one coefficient of every distribution, two optimizer runs. */
export function sampleResult(): ReportResult {
  const dists: [string, string, number, number][] = [
    ['n', 'normal', -0.8, 0.45], ['ln', '-lognormal', -0.3, 0.5], ['u', 'uniform', 2, 1.5], ['t', 'triangular', -0.2, 0.8],
    ['c', 'cn', 1.2, 0.7], ['s', 'sb', 0.5, 1.2], ['e', '-exponential', 0, 6],
  ];
  const parameters = [
    { name: 'price', estimate: -1, se: 0.02, z: -50, p: 0, kind: 'mean', coefficient: 'price', dist: 'fixed' },
    ...dists.map(([c, d, b, s]) => ({ name: c, estimate: d.endsWith('exponential') ? s : b, se: 0.1, z: 1, p: 0.3, kind: 'mean', coefficient: c, dist: d.replace('-', '') })),
    ...dists.filter(([, d]) => !d.endsWith('exponential')).map(([c, d, , s]) => ({ name: `sd.${c}`, estimate: s, se: 0.05, z: 2, p: 0.04, kind: 'sd', coefficient: c, dist: d.replace('-', '') })),
  ];
  const history = [0, 1].flatMap((run) => Array.from({ length: 12 }, (_, i) => ({ run, iteration: i, negLogLik: 1000 + run + 500 / (i + 1) ** 2, gradNorm: 100 / 10 ** (i / 2), seconds: i * 0.1 })));
  return {
    mxl: '0.1.0', loglik: -1001.2, nullLoglik: -1500, rho2: 0.33, aic: 2030, bic: 2100, converged: true, termination: 'gradient', message: 'ok',
    iterations: 11, functionEvaluations: 20, seconds: 1.2, se: 'bhhh', seWarning: null, parameters,
    sample: { file: 'data.csv', individuals: 100, situations: 800, rows: 3200, units: 100, panel: true },
    integration: { rule: 'halton', nodes: 100, description: 'halton(draws=100)' }, workers: 2,
    notes: ['Spreads are reported as |sd|.', 'Warning: something to see'],
    derived: [],
    distributions: dists.map(([c, d, b, s]) => ({ coefficient: c, dist: d, mean: 0, median: 0, sd: 1, quantiles: { q05: -1, q25: -0.5, q75: 0.5, q95: 1 }, se: null, location: b, scale: s })),
    history,
  };
}

export function samplePredict(): ReportPredict {
  const alts = ['bus', 'car', 'train'];
  return {
    shares: { alternatives: alts, predicted: [0.2, 0.5, 0.3], observed: [0.22, 0.48, 0.3], se: [0.01, 0.02, 0.01] },
    scenario: { alternatives: alts, base: [0.2, 0.5, 0.3], scenario: [0.18, 0.51, 0.31], change: [-2, 1, 1] },
    elasticities: { variable: 'price', alternatives: alts, values: [[-0.8, 0.3, 0.2], [0.1, -0.5, 0.2], [0.2, 0.3, -0.9]] },
    diversion: { by: 'removal', alternatives: alts, values: [[null, 0.6, 0.4], [0.3, null, 0.7], [0.5, 0.5, null]] },
    wtp: { cost: 'price', coefficients: ['price', 'n', 'u'], mean: [-1, 0.8, -2], sd: [0, 0.4, 0.9], q05: [-1, 0.1, -3.5], median: [-1, 0.8, -2], q95: [-1, 1.5, -0.5], wrongSignShare: 0, notes: [] },
  };
}

function sampleIndividuals(n = 50) {
  const lines = ['id,price,n,u,csd.price,csd.n,csd.u,wtp.price,wtp.n,wtp.u'];
  for (let i = 0; i < n; i++) lines.push(`${i + 1},-1,${-0.8 + Math.sin(i) * 0.3},${2 + Math.cos(i)},0,0.2,0.5,-1,${0.8 + Math.sin(i) * 0.3},${-2 + Math.cos(i)}`);
  return parseIndividualCsv(lines.join('\n') + '\n');
}

describe('chart builders', () => {
  it('charts.ts, densities.ts, individual.ts and types.ts import nothing from Node (the browser page uses them)', () => {
    for (const f of ['charts.ts', 'densities.ts', 'individual.ts', 'types.ts']) {
      const src = readFileSync(path.join(SRC, f), 'utf8');
      const imports = [...src.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']+)'/gm)].map((m) => ({ type: !!m[1], from: m[2] }));
      for (const i of imports) expect(i.type || i.from.startsWith('./'), `${f} imports ${i.from}`).toBe(true);
      expect(src).not.toMatch(/\bprocess\.|\brequire\(|node:/);
    }
  });

  it('one chart per thing the inputs have; ids unique', () => {
    const ids = (cs: { id: string }[]) => cs.map((c) => c.id);
    const r = sampleResult();
    expect(ids(reportCharts(r))).toEqual(['convergence', 'density-n', 'density-ln', 'density-u', 'density-t', 'density-c', 'density-s', 'density-e']);
    const all = reportCharts(r, samplePredict(), sampleIndividuals());
    expect(ids(all)).toEqual([...ids(reportCharts(r)), 'wtp', 'wtp-individual', 'shares', 'scenario', 'elasticities', 'diversion']);
    expect(new Set(ids(all)).size).toBe(all.length);
    expect(reportCharts({ ...r, history: undefined, distributions: [] }, {})).toEqual([]);
  });

  it('every spec compiles with Vega-Lite and renders to SVG', async () => {
    const charts = reportCharts(sampleResult(), samplePredict(), sampleIndividuals());
    for (const c of charts) {
      const warnings: string[] = [];
      const logger = { level: () => logger, warn: (...m: unknown[]) => { warnings.push(m.join(' ')); return logger; }, info: () => logger, debug: () => logger, error: (...m: unknown[]) => { warnings.push(m.join(' ')); return logger; } };
      compile(c.spec, { logger: logger as never });
      expect(warnings, c.id).toEqual([]);
      const svg = await renderSvg(c.spec, `c-${c.id}`);
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toMatch(/<path|<rect|<line/);
    }
  });

  it('the density chart: the population curve, the conditional means as a histogram of area 1, the point mass of a censored normal', () => {
    const r = sampleResult();
    const ds = Object.fromEntries(coefficientDensities(r).map((d) => [d.coefficient, d]));
    const ind = sampleIndividuals();
    const spec = densitySpec(ds.n, ind.columns.n) as unknown as { layer: { data: { values: Record<string, number>[] }; mark: { type: string } }[] };
    expect(spec.layer.map((l) => l.mark?.type ?? 'layer')).toEqual(['rect', 'line', 'rule']);
    const bins = spec.layer[0].data.values;
    expect(bins.reduce((a, b) => a + b.density * (b.x1 - b.x0), 0)).toBeCloseTo(1, 12);
    expect(bins.reduce((a, b) => a + b.count, 0)).toBe(50);
    const curve = spec.layer[1].data.values;
    const peak = curve.reduce((a, b) => (b.density > a.density ? b : a));
    expect(peak.x).toBeCloseTo(-0.8, 1);
    expect(peak.density).toBeCloseTo(1 / (0.45 * Math.sqrt(2 * Math.PI)), 3);
    type Layers = { layer: { layer?: unknown[]; data: { values: { label?: string }[] } }[] };
    expect((densitySpec(ds.n) as unknown as Layers).layer).toHaveLength(2);
    const cn = densitySpec(ds.c) as unknown as Layers;
    expect(cn.layer).toHaveLength(3);
    expect(cn.layer[2].data.values[0].label).toBe(`P(c = 0) = ${normalCdf(-1.2 / 0.7).toFixed(3)}`);
    const cn2 = densitySpec(coefficientDensities({ ...r, distributions: r.distributions!.map((d) => (d.coefficient === 'c' ? { ...d, location: -0.4, scale: 1.1 } : d)) })[4]) as unknown as Layers;
    expect(cn2.layer[2].data.values[0].label).toBe('P(c = 0) = 0.642');
  });

  it('results of older versions (no location/scale): the densities from the parameters', () => {
    const r = sampleResult();
    const old = { ...r, distributions: r.distributions!.map(({ location: _l, scale: _s, ...d }) => d) };
    const a = coefficientDensities(r), b = coefficientDensities(old);
    expect(b.map((d) => [d.density.location, d.density.scale, d.density.sign])).toEqual(a.map((d) => [d.density.location, d.density.scale, d.density.sign]));
    // correlated coefficients: the marginal spread is the norm of the Cholesky row
    const corr: ReportResult = {
      ...r,
      parameters: [{ name: 'a', estimate: 1, se: 1, z: 1, p: 1, kind: 'mean', coefficient: 'a' }, { name: 'b', estimate: 2, se: 1, z: 1, p: 1, kind: 'mean', coefficient: 'b' },
        { name: 'chol.a:a', estimate: 0.3, se: 1, z: 1, p: 1, kind: 'chol', coefficient: 'a' }, { name: 'chol.a:b', estimate: 0.3, se: 1, z: 1, p: 1, kind: 'chol', coefficient: 'b' }, { name: 'chol.b:b', estimate: 0.4, se: 1, z: 1, p: 1, kind: 'chol', coefficient: 'b' }],
      distributions: [{ coefficient: 'a', dist: 'normal', mean: 1, median: 1, sd: 0.3 }, { coefficient: 'b', dist: 'normal', mean: 2, median: 2, sd: 0.5 }],
    };
    expect(coefficientDensities(corr).map((d) => d.density.scale)).toEqual([0.3, 0.5]);
  });

  it('a million individuals: no argument spread to overflow the stack', () => {
    const many = Array.from({ length: 1_000_000 }, (_, i) => Math.sin(i));
    const spec = densitySpec(coefficientDensities(sampleResult())[0], many) as unknown as { layer: { data: { values: { count: number }[] } }[] };
    expect(spec.layer[0].data.values.reduce((a, b) => a + b.count, 0)).toBe(1_000_000);
    expect(extent([3, -1, 2])).toEqual([-1, 3]);
    const [lo, hi] = extent(many);
    expect(lo).toBeGreaterThanOrEqual(-1);
    expect(lo).toBeLessThan(-0.9999);
    expect(hi).toBeLessThanOrEqual(1);
  });

  it('histogram: equal bins over the range, area 1, values outside a given range left out', () => {
    const h = histogram([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 5);
    expect(h.map((b) => b.count)).toEqual([2, 2, 2, 2, 2]);
    expect(h[4].x1).toBe(9);
    expect(h.reduce((a, b) => a + b.density * (b.x1 - b.x0), 0)).toBeCloseTo(1, 14);
    expect(histogram([1, 1, 1], 4).reduce((a, b) => a + b.count, 0)).toBe(3);
    expect(histogram([NaN])).toEqual([]);
  });

  it('convergence: a line per run; the gap to the best -LL on a log scale', () => {
    const s = convergenceSpec(sampleResult()) as unknown as { hconcat: unknown[]; data: { values: { run: string; gap: number }[] } };
    expect(s.hconcat).toHaveLength(3);
    expect(new Set(s.data.values.map((v) => v.run))).toEqual(new Set(['run 0', 'run 1']));
    expect(Math.min(...s.data.values.map((v) => v.gap))).toBe(0);
    expect(convergenceSpec({ ...sampleResult(), history: [] })).toBeNull();
  });

  it('predict charts: shares, WTP without the cost coefficient, heat maps with undefined cells', () => {
    const p = samplePredict();
    const sh = sharesSpec(p) as unknown as { data: { values: { kind: string; lo: number | null }[] }; layer: unknown[] };
    expect(sh.data.values.filter((v) => v.kind === 'predicted').map((v) => v.lo)).toEqual([0.2 - 0.0196, 0.5 - 0.0392, 0.3 - 0.0196]);
    expect(sh.layer).toHaveLength(2);
    const w = wtpSpec(p) as unknown as { data: { values: { coefficient: string }[] } };
    expect(w.data.values.map((v) => v.coefficient)).toEqual(['n', 'u']);
    const hm = heatmapSpec(p.diversion!, { title: 'd', kind: 'diversion', rows: 'from', columns: 'to' }) as unknown as { data: { values: { row: string; col: string; value: number | null; label: string }[] } };
    expect(hm.data.values).toHaveLength(9);
    expect(hm.data.values[0]).toEqual({ row: 'bus', col: 'bus', value: null, label: '–' });
    expect(hm.data.values[1].label).toBe('0.600');
    const wi = wtpHistogramSpec(sampleIndividuals(), 'price') as unknown as { data: { values: { coefficient: string }[] } };
    expect([...new Set(wi.data.values.map((v) => v.coefficient))]).toEqual(['n', 'u']);
    expect(wtpSpec({})).toBeNull();
    expect(sharesSpec({})).toBeNull();
  });
});

describe('individual CSV, SVG ids, the page', () => {
  it('parses the CSV of mxl predict --individual (quoted ids too)', () => {
    expect(csvFields('"a,b",1,"x""y",')).toEqual(['a,b', '1', 'x"y', '']);
    const t = parseIndividualCsv('id,x1,csd.x1\n"1",0.5,0.1\n"two, three",-1e-3,\n');
    expect(t.ids).toEqual(['1', 'two, three']);
    expect(t.columns.x1).toEqual([0.5, -0.001]);
    expect(t.columns['csd.x1'][1]).toBeNaN();
    expect(() => parseIndividualCsv('id,x\n1,2,3\n')).toThrow(/line 2 has 3 fields; its header has 2/);
    expect(() => parseIndividualCsv('')).toThrow(/empty/);
  });

  it('prefixes SVG ids and their references', () => {
    const svg = '<svg><defs><clipPath id="clip1"><rect/></clipPath><linearGradient id="g1"/></defs><g clip-path="url(#clip1)" fill="url(#g1)"><use href="#g1"/></g></svg>';
    expect(prefixSvgIds(svg, 'c-x')).toBe('<svg><defs><clipPath id="c-x-clip1"><rect/></clipPath><linearGradient id="c-x-g1"/></defs><g clip-path="url(#c-x-clip1)" fill="url(#c-x-g1)"><use href="#c-x-g1"/></g></svg>');
  });

  it('the page: no script, nothing to fetch, every chart in a figure, text escaped', async () => {
    const r = sampleResult();
    r.parameters[0].name = 'price<b>';
    const { html, charts } = await buildReport({ result: r, predict: samplePredict(), individual: sampleIndividuals(), generated: '2026-01-01T00:00:00Z' });
    expect(html).not.toMatch(/<script|<link|@import|url\(http|src="http|href="http/i);
    expect(html.match(/<figure class="chart"/g)).toHaveLength(charts.length);
    expect(html.match(/<svg/g)!.length).toBe(charts.length);
    expect(html).toContain(esc('price<b>'));
    expect(html).not.toContain('price<b>');
    expect(html).toContain('@media print');
    expect(html).toContain('something to see');
    // the ids of the inline SVGs are unique in the page
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
