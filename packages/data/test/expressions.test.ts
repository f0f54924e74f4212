import { describe, expect, it } from 'vitest';
import { compileExpression, DataError } from '../src/index.js';

/** Evaluates `src` with columns given as plain arrays. */
function ev(src: string, cols: Record<string, number[]> = {}, n = 1): number[] {
  const e = compileExpression(src, 'test');
  return Array.from(e.evaluate((name) => Float64Array.from(cols[name]), n));
}

describe('expression semantics', () => {
  it('arithmetic and precedence', async () => {
    expect(ev('1 + 2 * 3 - 4 / 2')).toEqual([5]);
    expect(ev('(1 + 2) * 3')).toEqual([9]);
    expect(ev('-price / 10000', { price: [46763, 10000] }, 2)).toEqual([-4.6763, -1]);
    expect(ev('price * income', { price: [2, 3], income: [5, 7] }, 2)).toEqual([10, 21]);
  });

  it('^ is power, right-associative, tighter than unary minus', async () => {
    expect(ev('2 ^ 3 ^ 2')).toEqual([512]);
    expect(ev('-x^2', { x: [3] })).toEqual([-9]);
    expect(ev('(-x)^2', { x: [3] })).toEqual([9]);
    expect(ev('-(x)^2', { x: [3] })).toEqual([-9]);
    expect(ev('2 * -x^2', { x: [3] })).toEqual([-18]);
    expect(ev('2^-1')).toEqual([0.5]);
    expect(ev('x ** 2', { x: [4] })).toEqual([16]);
    expect(ev('exp(-x^2)', { x: [0] })).toEqual([1]);
  });

  it('comparisons give 0/1 and bind looser than arithmetic', async () => {
    expect(ev('(GA == 0) * TRAIN_CO', { GA: [0, 1], TRAIN_CO: [48, 48] }, 2)).toEqual([48, 0]);
    expect(ev('x + 1 > 2', { x: [1, 2] }, 2)).toEqual([0, 1]);
    expect(ev('x != 1', { x: [1, 2] }, 2)).toEqual([0, 1]);
    expect(ev('x <= 1', { x: [1, 2] }, 2)).toEqual([1, 0]);
    expect(ev('x >= 2', { x: [1, 2] }, 2)).toEqual([0, 1]);
    expect(ev('x < 2', { x: [1, 2] }, 2)).toEqual([1, 0]);
  });

  it('logical operators, the usual swissmetro filter, not, ternary', async () => {
    const cols = { PURPOSE: [1, 3, 2, 1], CHOICE: [2, 1, 1, 0] };
    expect(ev('(PURPOSE == 1 || PURPOSE == 3) && CHOICE != 0', cols, 4)).toEqual([1, 1, 0, 0]);
    expect(ev('!(PURPOSE == 2)', cols, 4)).toEqual([1, 1, 0, 1]);
    expect(ev('CHOICE > 1 ? 10 : PURPOSE', cols, 4)).toEqual([10, 3, 2, 1]);
    expect(ev('true + false')).toEqual([1]);
  });

  it('functions', async () => {
    expect(ev('log(exp(2))')).toEqual([2]);
    expect(ev('sqrt(16) + abs(-3)')).toEqual([7]);
    expect(ev('min(x, 3, 5)', { x: [1, 4] }, 2)).toEqual([1, 3]);
    expect(ev('max(x, 3)', { x: [1, 4] }, 2)).toEqual([3, 4]);
  });

  it('dotted column names', async () => {
    const e = compileExpression('ic.gc / 1000 + oc.gc', 'test');
    expect(e.identifiers).toEqual(['ic.gc', 'oc.gc']);
    expect(ev('ic.gc / 1000 + oc.gc', { 'ic.gc': [866], 'oc.gc': [1] })).toEqual([1.866]);
  });

  it('missing values propagate, except where the other operand decides', async () => {
    expect(ev('x == 1', { x: [NaN] })).toEqual([NaN]);
    expect(ev('0 && x', { x: [NaN] })).toEqual([0]);
    expect(ev('1 || x', { x: [NaN] })).toEqual([1]);
    expect(ev('1 && x', { x: [NaN] })).toEqual([NaN]);
    expect(ev('c ? 1 : x', { c: [1], x: [NaN] })).toEqual([1]);
  });

  it('lists identifiers and their positions', async () => {
    const e = compileExpression('(GA == 0) * TRAIN_CO + GA', 'test');
    expect(e.identifiers).toEqual(['GA', 'TRAIN_CO']);
    expect(e.positionOf('TRAIN_CO')).toBe(12);
    expect(e.positionOf('GA')).toBe(1);
  });

  it('errors are DataErrors with the expression and position', async () => {
    const f = () => compileExpression('a + (b', 'derived column "z"', { file: 'f.csv', column: 'z' });
    expect(f).toThrow(DataError);
    expect(f).toThrow(/^f\.csv, column "z": derived column "z": cannot parse: Unclosed \( at character 7 in expression "a \+ \(b"/);
    expect(() => compileExpression('a[1]', 'test')).toThrow(/computed member access is not supported/);
    expect(() => compileExpression('log(1, 2)', 'test')).toThrow(/log\(\) takes 1 argument, got 2/);
    expect(() => compileExpression('()', 'test')).toThrow(/Empty parentheses/);
  });
});
