#!/usr/bin/env node
/**
 * The design figures of issue 13, measured on packages/<name>/src:
 * functions over 150 lines, `as unknown as` casts, and import cycles between
 * modules (relative imports, through the TypeScript parser).
 *
 *     node scripts/check-design.mjs [package ...]   (default: every package)
 *
 * Exits 1 when a figure is off. The CLI's command table (main in
 * packages/cli/src/main.ts) is allowed its length.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAX_LINES = 150;
const ALLOWED_LONG = new Set(['packages/cli/src/main.ts:main']);
const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : readdirSync(path.join(root, 'packages'));

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    if (statSync(p).isDirectory()) return files(p);
    return /\.ts$/.test(f) && !/\.d\.ts$/.test(f) ? [p] : [];
  });
}

const long = [], casts = [], graph = new Map();
for (const name of names) {
  for (const file of files(path.join(root, 'packages', name, 'src'))) {
    const rel = path.relative(root, file);
    const text = readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const deps = [];
    const visit = (node) => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const a = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
        const b = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
        const fname = node.name?.getText(sf) ?? (ts.isVariableDeclaration(node.parent) ? node.parent.name.getText(sf) : '(anonymous)');
        if (b - a + 1 > MAX_LINES && !ALLOWED_LONG.has(`${rel}:${fname}`)) long.push(`${rel}:${a + 1} ${fname} (${b - a + 1} lines)`);
      }
      if (ts.isAsExpression(node) && ts.isAsExpression(node.expression) && node.expression.type.kind === ts.SyntaxKind.UnknownKeyword) {
        casts.push(`${rel}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`);
      }
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        const spec = node.moduleSpecifier.text;
        if (spec.startsWith('.')) deps.push(path.relative(root, path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts'))));
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
    graph.set(rel, deps);
  }
}

// cycles: strongly connected components of more than one module (Tarjan)
const cycles = [];
let index = 0;
const idx = new Map(), low = new Map(), stack = [], on = new Set();
function strong(v) {
  idx.set(v, index); low.set(v, index); index++; stack.push(v); on.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue;
    if (!idx.has(w)) { strong(w); low.set(v, Math.min(low.get(v), low.get(w))); }
    else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const c = [];
    let w;
    do { w = stack.pop(); on.delete(w); c.push(w); } while (w !== v);
    if (c.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(c.sort());
  }
}
for (const v of graph.keys()) if (!idx.has(v)) strong(v);

const report = (title, list) => console.log(`${title}: ${list.length}${list.length ? '\n  ' + list.join('\n  ') : ''}`);
console.log(`packages: ${names.join(', ')} (${graph.size} modules)`);
report(`functions over ${MAX_LINES} lines`, long);
report('"as unknown as" casts', casts);
report('import cycles', cycles.map((c) => c.join(' <-> ')));
process.exitCode = long.length + casts.length + cycles.length > 0 ? 1 : 0;
