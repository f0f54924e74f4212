/**
 * The inverse normal CDF: @mxl/integration's normalQuantile (what the
 * simulation rules use to turn uniforms into normals), on 1000 points spread
 * over (0, 1) with both tails.
 */
import { normalQuantile } from '@mxl/integration';

export function quantileCases() {
  const n = 1000;
  const u = Float64Array.from({ length: n }, (_, i) => (i + 0.5) / n);
  const tails = Float64Array.from({ length: n }, (_, i) => (i % 2 ? 1 - 1e-10 * (i + 1) : 1e-10 * (i + 1)));
  let sink = 0;
  const over = (xs) => () => { for (let i = 0; i < xs.length; i++) sink += normalQuantile(xs[i]); };
  return [
    { name: 'normalQuantile (central)', info: { points: n }, unit: 'call', work: n, fn: over(u) },
    { name: 'normalQuantile (tails)', info: { points: n }, unit: 'call', work: n, fn: over(tails) },
  ];
}
