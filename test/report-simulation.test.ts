/**
 * The report's "Simulation error" section: what result.simulation says, in a table under the
 * fit; absent where the result has none (quadrature, no random coefficients, older versions).
 */
import { describe, expect, it } from 'vitest';
import { buildReport, type ReportResult } from '@mxl/report';

const base: ReportResult = {
  loglik: -1234.5,
  parameters: [{ name: 'x', estimate: 1, se: 0.1, z: 10, p: 0 }, { name: 'sd.x', estimate: 0.5, se: 0.05, z: 10, p: 0, kind: 'sd' }],
};

describe('report: simulation error', () => {
  it('shows the LL standard error and bias, the units off by more than 10% and the draws for a bias below 1', async () => {
    const { html } = await buildReport({
      result: { ...base, simulation: { method: 'scrambles', source: 'sobol(draws=128, scramble=owen) × 8 seeds', draws: 128, logLikSe: 0.3912, logLikBias: -0.0815, unitsOver10Percent: 7, units: 2000, drawsForBiasBelow1: 11 } },
      generated: 'test',
    });
    const section = /<section id="simulation">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
    expect(section).toMatch(/<h2>Simulation error<\/h2>/);
    expect(section).toMatch(/standard error of the simulated LL<\/th><td>0\.391<\/td>/);
    expect(section).toMatch(/bias of the simulated LL \(expected shortfall\)<\/th><td>−0\.082<\/td>/); // the report prints a minus sign
    expect(section).toMatch(/7 of 2000 \(0\.3%\)/);
    expect(section).toMatch(/draws for a bias below 1<\/th><td>11<\/td>/);
    expect(section).toMatch(/sobol\(draws=128, scramble=owen\) × 8 seeds/);
  });

  it('has no such section without result.simulation', async () => {
    for (const result of [base, { ...base, simulation: null }]) {
      expect((await buildReport({ result, generated: 'test' })).html).not.toMatch(/id="simulation"/);
    }
  });
});
