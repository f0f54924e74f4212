/**
 * Tasks run on a piscina pool and consumed in order, with a bounded window:
 * at most `window` tasks are submitted ahead of the one being consumed. On an
 * error the caller stops consuming and {@link OrderedTasks.settle}s: only the
 * few submitted tasks are waited for (never the rest of a large file), and no
 * result reaches a pool that is being destroyed.
 */
import type { Piscina } from 'piscina';

export class OrderedTasks<T> {
  private readonly submitted: Promise<T>[] = [];

  constructor(
    private readonly pool: Piscina,
    private readonly tasks: readonly unknown[],
    private readonly window: number,
  ) {}

  /** The result of task `i` (tasks are consumed in order). */
  get(i: number): Promise<T> {
    const until = Math.min(this.tasks.length, i + 1 + this.window);
    while (this.submitted.length < until) {
      const p = this.pool.run(this.tasks[this.submitted.length]) as Promise<T>;
      p.catch(() => {}); // consumed (and its error seen) through get()
      this.submitted.push(p);
    }
    return this.submitted[i];
  }

  /** Waits for every submitted task to finish, whatever its outcome. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.submitted);
  }
}
