import { describe, expect, it } from 'vitest';
import { checkOptions, DEFAULT_OPTIONS, minimize, OptionError } from '../src/index.js';
import { makeProblem } from './problems.js';

describe('checkOptions', () => {
  it('fills in the defaults', () => {
    const o = checkOptions({});
    expect(o).toMatchObject({ method: 'bfgs', gtol: 1e-6, ftol: 1e-12, xtol: 1e-10, maxIter: 1000, lbfgsMemory: 10, trustRadius: 1 });
    expect(o.initialHessian).toBeUndefined();
    expect(checkOptions(undefined)).toEqual(checkOptions(null));
    expect(checkOptions(undefined).method).toBe(DEFAULT_OPTIONS.method);
  });

  it('keeps valid values', () => {
    const f = () => {};
    const ac = new AbortController();
    const o = checkOptions({ method: 'trust-region', gtol: 1e-4, ftol: 0, xtol: 0, maxIter: 0, initialHessian: 'identity', lbfgsMemory: 3, trustRadius: 0.5, onIteration: f, signal: ac.signal });
    expect(o).toEqual({ method: 'trust-region', gtol: 1e-4, ftol: 0, xtol: 0, maxIter: 0, initialHessian: 'identity', lbfgsMemory: 3, trustRadius: 0.5, onIteration: f, signal: ac.signal });
  });

  it.each([
    [{ method: 'newton' }, 'optimizer.method must be one of bfgs, lbfgs, bhhh, trust-region; received "newton"'],
    [{ method: 3 }, 'optimizer.method must be one of bfgs, lbfgs, bhhh, trust-region; received 3'],
    [{ gtol: -1 }, 'optimizer.gtol must be a positive number; received -1'],
    [{ gtol: 0 }, 'optimizer.gtol must be a positive number; received 0'],
    [{ gtol: '1e-6' }, 'optimizer.gtol must be a positive number; received "1e-6"'],
    [{ ftol: -1e-3 }, 'optimizer.ftol must be a non-negative number; received -0.001'],
    [{ xtol: NaN }, 'optimizer.xtol must be a non-negative number; received NaN'],
    [{ xtol: Infinity }, 'optimizer.xtol must be a non-negative number; received Infinity'],
    [{ maxIter: 2.5 }, 'optimizer.maxIter must be a non-negative integer; received 2.5'],
    [{ maxIter: -1 }, 'optimizer.maxIter must be a non-negative integer; received -1'],
    [{ lbfgsMemory: 0 }, 'optimizer.lbfgsMemory must be an integer >= 1; received 0'],
    [{ trustRadius: 0 }, 'optimizer.trustRadius must be a positive number; received 0'],
    [{ initialHessian: 'newton' }, 'optimizer.initialHessian must be one of identity, bhhh, scaled; received "newton"'],
    [{ onIteration: 'log' }, 'optimizer.onIteration must be a function; received "log"'],
    [{ signal: true }, 'optimizer.signal must be an AbortSignal; received true'],
    [{ gtoll: 1 }, 'optimizer.gtoll is not a known option (known: method, gtol, ftol, xtol, maxIter, initialHessian, lbfgsMemory, trustRadius, onIteration, signal); received 1'],
    [[1], 'optimizer options must be an object; received [1]'],
    ['bfgs', 'optimizer options must be an object; received "bfgs"'],
  ])('%j → %s', (input, message) => {
    expect(() => checkOptions(input)).toThrow(OptionError);
    expect(() => checkOptions(input)).toThrow(message);
  });

  it('OptionError is an Error with its own name', () => {
    try {
      checkOptions({ method: 'x' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).name).toBe('OptionError');
    }
  });

  it('minimize validates its options before evaluating', async () => {
    let calls = 0;
    const p = makeProblem(1, (x, g) => (calls++, (g[0] = 2 * x[0]!), x[0]! ** 2));
    await expect(minimize(p, Float64Array.from([1]), { method: 'newton' as never })).rejects.toThrow(OptionError);
    await expect(minimize(p, Float64Array.from([1]), { gtol: -1 })).rejects.toThrow('optimizer.gtol must be a positive number; received -1');
    expect(calls).toBe(0);
  });
});
