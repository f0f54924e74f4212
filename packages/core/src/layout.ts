/**
 * The columnar layout of choice data that every layer above reads.
 *
 * Three nested levels, each addressed by an offset array in the style of
 * Apache Arrow's `valueOffsets` (a ragged array is a flat buffer plus offsets):
 *
 *   unit u (an integration unit: an individual in a panel, a situation in a
 *   cross-section) owns situations `unitSit[u] .. unitSit[u+1]-1`;
 *   situation s owns rows `sitRow[s] .. sitRow[s+1]-1`;
 *   row r holds the attributes `X[r*nVars .. r*nVars+nVars-1]`.
 *
 * Unavailable alternatives are dropped when the layout is built, so every row
 * takes part. All arrays are typed and may live in a SharedArrayBuffer.
 */
export interface ChoiceData {
  /** Number of integration units (individuals in a panel, situations in a cross-section). */
  readonly nUnits: number;
  /** Number of choice situations. */
  readonly nSituations: number;
  /** Number of rows (available alternatives over all situations). */
  readonly nRows: number;
  /** Number of attribute columns in `X`. */
  readonly nVars: number;
  /** Names of the columns of `X`, in order. */
  readonly varNames: readonly string[];
  /** Length nUnits+1: situations of unit u are unitSit[u] .. unitSit[u+1]-1. */
  readonly unitSit: Int32Array;
  /** Length nSituations+1: rows of situation s are sitRow[s] .. sitRow[s+1]-1. */
  readonly sitRow: Int32Array;
  /** Length nSituations: the row index of the chosen alternative, or -1 when the outside option was chosen. */
  readonly sitChosen: Int32Array;
  /** Length nRows*nVars, row-major attributes. */
  readonly X: Float64Array;
  /** Length nRows: index into `altLabels` of each row's alternative. */
  readonly rowAlt: Int32Array;
  /** Alternative labels in order of first appearance (as strings). */
  readonly altLabels: readonly string[];
  /** Length nUnits, or null for all ones: the weight of each unit in the log-likelihood. */
  readonly unitWeight: Float64Array | null;
  /** Length nUnits: the cluster (individual) of each unit, 0-based, for clustered standard errors. */
  readonly unitCluster: Int32Array;
  /** Number of distinct clusters (individuals). */
  readonly nClusters: number;
  /** Whether situations carry an outside option with utility 0 (s_j = e^V_j / (1 + Σ e^V_k)). */
  readonly outside: boolean;
  /** Per-unit individual characteristics (for mean shifts and class membership), unit-major, or null. */
  readonly unitChars: Float64Array | null;
  /** Names of the columns of `unitChars`. */
  readonly charNames: readonly string[];
  /**
   * Length nClusters, optional: each individual's id as written in the data
   * file (the situation's id when there is no individual column), for
   * reporting individual-level results.
   */
  readonly clusterIds?: readonly string[];
}

/** Number of situations of unit `u`. */
export function unitSituations(d: ChoiceData, u: number): number {
  return d.unitSit[u + 1] - d.unitSit[u];
}

/**
 * Builds a cross-section layout from a panel layout: every situation becomes
 * its own integration unit; clusters stay the individuals. Shares `X`, `sitRow`,
 * `sitChosen` and `rowAlt` (no copy).
 */
export function toCrossSection(d: ChoiceData): ChoiceData {
  const nUnits = d.nSituations;
  const unitSit = new Int32Array(nUnits + 1);
  for (let s = 0; s <= nUnits; s++) unitSit[s] = s;
  const unitCluster = new Int32Array(nUnits);
  const weight = d.unitWeight ? new Float64Array(nUnits) : null;
  const nc = d.charNames.length;
  const chars = d.unitChars ? new Float64Array(nUnits * nc) : null;
  for (let u = 0; u < d.nUnits; u++) {
    for (let s = d.unitSit[u]; s < d.unitSit[u + 1]; s++) {
      unitCluster[s] = d.unitCluster[u];
      if (weight) weight[s] = d.unitWeight![u];
      if (chars) for (let c = 0; c < nc; c++) chars[s * nc + c] = d.unitChars![u * nc + c];
    }
  }
  return { ...d, nUnits, unitSit, unitCluster, unitWeight: weight, unitChars: chars };
}

function share<T extends Int32Array | Float64Array | Uint8Array>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const Ctor = a.constructor as new (b: SharedArrayBuffer) => T;
  const out = new Ctor(new SharedArrayBuffer(a.byteLength));
  out.set(a as never);
  return out;
}

/**
 * Moves the layout's arrays into SharedArrayBuffers (once), so that worker
 * threads can read them without a copy: a structured clone of the returned
 * object (e.g. as piscina's workerData) shares the memory. The id labels
 * (`clusterIds`) are left out.
 */
export function toShared(d: ChoiceData): ChoiceData {
  return {
    ...d,
    unitSit: share(d.unitSit),
    sitRow: share(d.sitRow),
    sitChosen: share(d.sitChosen),
    X: share(d.X),
    rowAlt: share(d.rowAlt),
    unitWeight: d.unitWeight ? share(d.unitWeight) : null,
    unitCluster: share(d.unitCluster),
    unitChars: d.unitChars ? share(d.unitChars) : null,
    varNames: [...d.varNames],
    altLabels: [...d.altLabels],
    charNames: [...d.charNames],
    clusterIds: undefined, // labels are for reporting; workers do not need a copy
  };
}
