/**
 * `mxl report` for a hierarchical Bayes result: the "Hierarchical Bayes" section with the
 * posterior table and, per population parameter, a chart of its trace per chain beside its
 * posterior density, rendered to inline SVG; and the trace and histograms the result keeps
 * (thinned to at most TRACE_POINTS per chain; histograms counting every kept draw).
 */
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimate } from '@mxl/estimation';
import { buildReport, type ReportResult } from '@mxl/report';
import { longData, simulateChoices, type Rng } from './simulate-dgp.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mxl-hb-report-'));

describe('report: hierarchical Bayes', () => {
  it('draws a trace and a posterior density per parameter, and tables R-hat and ESS', async () => {
    const sim = simulateChoices(dir, 'panel', {
      individuals: 80, situations: 5, alternatives: 3, seed: 3,
      attributes: { x1: (r: Rng) => r.z(), x2: (r: Rng) => r.z() },
      individual: (r: Rng) => ({ b1: 1 + 0.8 * r.z() }),
      utility: (s, x) => s.b1 * x.x1 - 0.5 * x.x2,
    });
    const r = await estimate({
      data: longData(sim.file), model: { fixed: ['x2'], random: { x1: 'normal' } },
      estimator: 'hb', hb: { burnIn: 100, iterations: 900, thin: 1, chains: 2, seed: 4 }, workers: 1,
    }, null);
    const hb = r.hb!;
    const names = r.parameters.map((p) => p.name);
    expect(hb.trace.names).toEqual(names);
    expect(hb.trace.chains).toHaveLength(2);
    // 900 kept draws thinned to at most 400 points: every 3rd
    expect(hb.trace.every).toBe(3);
    for (const ch of hb.trace.chains) for (const t of ch) expect(t).toHaveLength(300);
    for (const h of hb.histograms) {
      expect(h.counts.reduce((a, b) => a + b, 0)).toBe(2 * 900);
      const post = hb.parameters.find((p) => p.name === h.name)!;
      expect(h.lo).toBeLessThanOrEqual(post.lower);
      expect(h.hi).toBeGreaterThanOrEqual(post.upper);
    }

    const { html, charts } = await buildReport({ result: JSON.parse(JSON.stringify(r)) as ReportResult, generated: 'test' });
    const section = /<section id="hb">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
    expect(section).toMatch(/<h2>Hierarchical Bayes<\/h2>/);
    expect(section).toMatch(/split R-hat/);
    for (const n of names) {
      expect(charts.some((c) => c.section === 'hb' && c.title === n)).toBe(true);
      expect(section).toContain(`<th scope="row">${n}</th>`);
    }
    const svgs = section.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs).toHaveLength(names.length);
    // a line per chain in each trace, and the histogram's bars
    for (const svg of svgs) {
      expect(svg).toMatch(/class="mark-line role-mark/);
      expect(svg).toMatch(/class="mark-rect role-mark/);
      expect(svg).toMatch(/chain 1/);
      expect(svg).toMatch(/chain 2/);
    }
    // no MSL convergence section for a sampled result
    expect(html).not.toMatch(/id="convergence"/);
  });

  it('has no HB section for an MSL result', async () => {
    const { html } = await buildReport({ result: { loglik: -1, parameters: [{ name: 'x', estimate: 1, se: 0.1, z: 10, p: 0 }] }, generated: 'test' });
    expect(html).not.toMatch(/id="hb"/);
  });
});
