/**
 * The indexes of `@mxl/postestimation`, `@mxl/report` and `@mxl/session`
 * name their public API (no `export *`): values with `export { ... }`, types
 * with `export type { ... }`, read from the sources with the TypeScript
 * parser and checked against the built packages. The names the README's
 * code imports, and the ones its prose says a package has, are exported.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO } from './shared.js';

const PACKAGES = ['postestimation', 'report', 'session'] as const;

/** The built index of a package of packages/ (`mxl` for the facade). */
function load(pkg: string): Promise<Record<string, unknown>> {
  return import(pathToFileURL(path.join(REPO, 'packages', pkg, 'dist/index.js')).href);
}

/** What an index exports: its `export *` statements, value names and type names. */
function indexExports(pkg: string): { stars: string[]; values: string[]; types: string[] } {
  const file = path.join(REPO, 'packages', pkg, 'src/index.ts');
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out = { stars: [] as string[], values: [] as string[], types: [] as string[] };
  for (const st of sf.statements) {
    if (!ts.isExportDeclaration(st)) continue;
    if (!st.exportClause || !ts.isNamedExports(st.exportClause)) { out.stars.push(st.getText(sf)); continue; }
    for (const e of st.exportClause.elements) (st.isTypeOnly || e.isTypeOnly ? out.types : out.values).push(e.name.text);
  }
  return out;
}

/** The named imports of the README's ```ts blocks, by module. */
function readmeImports(): Map<string, string[]> {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const out = new Map<string, string[]>();
  for (const [, block] of readme.matchAll(/```ts\n([\s\S]*?)```/g)) {
    for (const [, names, from] of block.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'([^']+)'/g)) {
      const list = names.split(',').map((n) => n.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]).filter((n) => n !== '');
      out.set(from, [...(out.get(from) ?? []), ...list]);
    }
  }
  return out;
}

describe('curated package indexes', () => {
  for (const pkg of PACKAGES) {
    it(`@mxl/${pkg}: no export *; every value export exists in the build, every type export is a type only`, async () => {
      const { stars, values, types } = indexExports(pkg);
      expect(stars).toEqual([]);
      expect(values.length).toBeGreaterThan(0);
      const built = await load(pkg);
      for (const v of values) expect(built[v], `${pkg}: ${v}`).toBeDefined();
      // a value exported with `export type` would be missing at run time: types only there
      for (const t of types) expect(built[t], `${pkg}: ${t} is a value`).toBeUndefined();
      // and nothing more at run time than the index names
      expect(Object.keys(built).sort()).toEqual([...values].sort());
    });
  }

  it("the names the README's code imports from these packages and from mxl are exported", async () => {
    const imports = readmeImports();
    const pkgs = [...imports.keys()].filter((m) => m === 'mxl' || PACKAGES.some((p) => m === `@mxl/${p}`));
    // the library example (mxl) and the worker-thread session (@mxl/session) at least
    expect(pkgs).toEqual(expect.arrayContaining(['mxl', '@mxl/session']));
    expect(imports.get('mxl')).toEqual(expect.arrayContaining(['Predictor']));
    for (const m of pkgs) {
      const built = await load(m === 'mxl' ? 'mxl' : m.slice('@mxl/'.length));
      for (const name of imports.get(m)!) expect(built[name], `${m}: ${name}`).toBeDefined();
    }
  });

  it('the functions the README names with their package are exported by it', async () => {
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const named: [string, string[]][] = [
      ['postestimation', ['Predictor', 'simulateChoices', 'writeSimulatedData']],
      ['report', ['reportCharts', 'buildReport', 'parseIndividualCsv']],
      ['session', ['openSession']],
    ];
    for (const [pkg, names] of named) {
      const built = await load(pkg);
      for (const name of names) {
        expect(readme, `README names ${name}`).toContain(`${name}`);
        expect(typeof built[name], `@mxl/${pkg}: ${name}`).toBe('function');
      }
    }
    // the facade re-exports the post-estimation API whole
    const mxl = await load('mxl'), post = await load('postestimation');
    for (const name of Object.keys(post)) expect(mxl[name], `mxl: ${name}`).toBeDefined();
  });
});
