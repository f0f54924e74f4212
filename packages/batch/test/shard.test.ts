import { describe, expect, it } from 'vitest';
import { BatchError, parseShard } from '../src/index.js';

describe('parseShard', () => {
  it('reads --shard i/n', () => {
    expect(parseShard('3/10', {})).toEqual({ index: 3, count: 10 });
    expect(parseShard(' 1 / 1 ', {})).toEqual({ index: 1, count: 1 });
  });
  it('rejects what is not a shard, naming the option', () => {
    for (const bad of ['0/3', '4/3', '2', 'a/b', '1/0', '-1/2', '1.5/3']) {
      expect(() => parseShard(bad, {})).toThrow(BatchError);
      expect(() => parseShard(bad, {})).toThrow(/--shard must be i\/n/);
    }
  });
  it('takes a SLURM job array task when no --shard is given (0- or 1-based arrays)', () => {
    expect(parseShard(undefined, {})).toBeNull();
    expect(parseShard(undefined, { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 1, count: 4 });
    expect(parseShard(undefined, { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 4, count: 4 });
    expect(parseShard(undefined, { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 2, count: 4 });
    expect(parseShard('1/2', { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 1, count: 2 });
    expect(() => parseShard(undefined, { SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '4' })).toThrow(/SLURM_ARRAY_TASK_ID=7.*--shard/);
  });
});
