import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { callerDir } from '../src/caller-dir.js';

describe('callerDir: where relative paths start', () => {
  const checkout = mkdtempSync(path.join(os.tmpdir(), 'mxl-checkout-'));
  writeFileSync(path.join(checkout, 'package.json'), JSON.stringify({ name: 'mxl-monorepo', private: true }));
  writeFileSync(path.join(checkout, 'pnpm-workspace.yaml'), 'packages:\n  - "packages/*"\n');
  const project = mkdtempSync(path.join(os.tmpdir(), 'mxl-project-'));
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'study' }));
  const typed = mkdtempSync(path.join(os.tmpdir(), 'mxl-typed-'));

  it('pnpm ran the bin in the checkout: the folder the command was typed in (INIT_CWD)', () => {
    expect(callerDir({ INIT_CWD: typed }, checkout)).toBe(typed);
  });
  it('the older root script (npm_lifecycle_event mxl): INIT_CWD', () => {
    expect(callerDir({ INIT_CWD: typed, npm_lifecycle_event: 'mxl' }, project)).toBe(typed);
  });
  it("a user's own npm script or npx in a project: the working directory, whatever INIT_CWD says", () => {
    expect(callerDir({ INIT_CWD: typed, npm_lifecycle_event: 'fit' }, project)).toBe(project);
    expect(callerDir({}, checkout)).toBe(checkout);
    expect(callerDir({ INIT_CWD: project }, project)).toBe(project);
  });
});
