/** The progress report of a load (a leaf module: every reader imports it). */

/** Progress of a load. */
export interface LoadProgress {
  /** `scan`: finding the records of a file read in parallel; `read`: converting them. */
  readonly phase: 'scan' | 'read';
  /** Bytes read so far, or null when the reader does not know. */
  readonly bytes: number | null;
  /** The file's size, or null for in-memory data. */
  readonly totalBytes: number | null;
  /** Data rows read so far. */
  readonly rows: number;
}
