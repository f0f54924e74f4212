/**
 * What every chart module of the report shares: the font and colours, the chart record
 * ({@link ReportChart}) and HTML-safe ids. A leaf module, so that ./charts.ts and
 * ./hb-charts.ts both import it rather than each other.
 */
import type { TopLevelSpec } from 'vega-lite';

/** The charts' font. */
export const CHART_FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/** The colours: population density, individual-level histogram, markers. */
export const COLORS = { density: '#1f77b4', histogram: '#9ecae1', mean: '#d62728', predicted: '#1f77b4', observed: '#ff7f0e' };

/** A chart of the report: where it goes, its title and caption, and its spec. */
export interface ReportChart {
  /** Unique within a report (an HTML id). */
  id: string;
  section: 'convergence' | 'hb' | 'densities' | 'wtp' | 'shares' | 'elasticities' | 'diversion';
  title: string;
  caption: string;
  spec: TopLevelSpec;
}

/** A name made safe for an HTML id. */
export function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]+/g, '_');
}
