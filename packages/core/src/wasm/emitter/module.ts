/** Assembles a module from its types, imports and functions (sections 1, 2, 3, 7 and 10). */
import { External, FUNC_TYPE, Section, type ValueType } from '../opcodes.js';
import type { FunctionBuilder } from './builder.js';
import { name, section, uleb, vec } from './encoding.js';

/** The magic number and version 1. */
const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** A function type. */
export interface FuncType { params: readonly ValueType[]; results: readonly ValueType[] }

/** An import from module "env": a function of a type, or a memory of a fixed number of pages. */
export type Import = { name: string; func: number } | { name: string; memoryPages: number };

/** A function defined in the module and exported under its name. */
export interface Export { name: string; type: number; body: FunctionBuilder }

/** The module's bytes. Imported functions take the first indices, then the exports in order. */
export function assembleModule(types: readonly FuncType[], imports: readonly Import[], exports: readonly Export[]): Uint8Array {
  const nImportedFuncs = imports.filter((i) => 'func' in i).length;
  const typeSec = section(Section.type, vec(types.map((t) => [FUNC_TYPE, ...vec(t.params.map((p) => [p])), ...vec(t.results.map((r) => [r]))])));
  const importSec = section(Section.import, vec(imports.map((i) => [
    ...name('env'), ...name(i.name),
    ...('func' in i ? [External.func, i.func] : [External.memory, 0x01, ...uleb(i.memoryPages), ...uleb(i.memoryPages)]),
  ])));
  const funcSec = section(Section.function, vec(exports.map((e) => [e.type])));
  const exportSec = section(Section.export, vec(exports.map((e, i) => [...name(e.name), External.func, nImportedFuncs + i])));
  const codeSec = section(Section.code, vec(exports.map((e) => e.body.encode())));
  return new Uint8Array([...HEADER, ...typeSec, ...importSec, ...funcSec, ...exportSec, ...codeSec]);
}
