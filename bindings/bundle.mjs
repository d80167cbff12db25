// Bundles the loader (js/main.js and what it imports) with the Emscripten
// glue into one IIFE with esbuild, minifies it with closure (SIMPLE) and
// then terser, and writes dist/.
// Two modules come from the build rather than from js/: `core-glue` (the
// glue emcc linked, whose factory becomes its default export) and
// `core-constants` (written by core_constants.cpp from the core's headers).
// The core's JavaScript build (wasm2js) becomes dist/microtrack.wasm.js.
//   node bundle.mjs --glue microtrack_core.js --wasm microtrack_core.wasm
//     --js-glue microtrack_core_wasm2js.js --constants core-constants.js
//     --types microtrack.d.ts --closure node_modules/.bin/google-closure-compiler --out dist/
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { minify } from 'terser';

const { values } = parseArgs({
  options: { glue: { type: 'string' }, wasm: { type: 'string' }, constants: { type: 'string' },
             out: { type: 'string' }, types: { type: 'string' }, 'js-glue': { type: 'string' },
             'package-types': { type: 'string' }, closure: { type: 'string' } },
});

// MINIMAL_RUNTIME's glue instantiates the wasm with
// `WebAssembly.instantiate(Module.wasm, imports).then(start)` and no
// rejection handler: a module that compiles but cannot be instantiated (a
// missing import, too much memory) or a start that throws would leave its
// `ready` promise pending for ever. The glue's module therefore sees a
// WebAssembly whose instantiate keeps that whole chain, and the factory
// answers with it: the Module once started, or the failure.
const GLUE_FAILURES = `
let coreStarted;
const WebAssembly = { instantiate: (wasm, imports) => ({
  then: (start) => { coreStarted = globalThis.WebAssembly.instantiate(wasm, imports).then(start); },
}) };
`;
const GLUE_FACTORY = `
export default (Module) => {
  createMicrotrackCore(Module);
  return coreStarted.then(() => Module);
};
`;

const BUILT_MODULES = {
  // MODULARIZE's glue declares `var createMicrotrackCore = function …`.
  'core-glue': () => GLUE_FAILURES + readFileSync(values.glue, 'utf8') + GLUE_FACTORY,
  'core-constants': () => readFileSync(values.constants, 'utf8'),
};
const builtModules = {
  name: 'built-modules',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^core-(glue|constants)$/ }, (args) => ({ path: args.path, namespace: 'built' }));
    esbuild.onLoad({ filter: /.*/, namespace: 'built' }, (args) => ({ contents: BUILT_MODULES[args.path](), loader: 'js' }));
  },
};

// One function scope: neither the glue's factory nor the loader's names leak
// into the page; only main.js's window.microtrack does.
const bundled = await build({
  entryPoints: [fileURLToPath(new URL('js/main.js', import.meta.url))],
  bundle: true,
  format: 'iife',
  target: 'es2021',  // the glue's `||=`: nothing is rewritten
  // Syntax only (`let` for `const`, `catch {}`), which closure and terser
  // leave as written; names and whitespace are theirs.
  minifySyntax: true,
  plugins: [builtModules],
  write: false,
  logLevel: 'warning',
});

// Closure's SIMPLE mode first: it inlines what terser keeps as shared
// names (the storage key's string, one-line helpers such as now()), which
// gzip then finds as repeats; terser then shortens what is left. Smaller
// than terser alone (bench/RESULTS.md). SIMPLE renames no property, so
// nothing that the page, the collector, the players or the glue's imports
// and exports name can break. ADVANCED, which renames properties, saved
// little more, for externs that would have to list every name of the
// contract and of the players' protocols.
const closure = (source) => {
  const dir = mkdtempSync(join(tmpdir(), 'microtrack-bundle-'));
  try {
    writeFileSync(join(dir, 'in.js'), source);
    execFileSync(values.closure, ['--compilation_level', 'SIMPLE', '--language_in', 'ECMASCRIPT_2021',
      '--language_out', 'ECMASCRIPT_2021', '--warning_level', 'QUIET',
      '--js', join(dir, 'in.js'), '--js_output_file', join(dir, 'out.js')], { stdio: 'inherit' });
    return readFileSync(join(dir, 'out.js'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
// The glue's updateGlobalBufferAndViews makes every HEAP* view of the
// memory; embind.js reads only HEAP32, HEAPU8 and HEAPU32. Closure drops the
// unused variables but keeps each `new Int8Array(buffer)` (a constructor
// might have effects): named pure here, terser drops the rest. Only these
// names: `pure_new` would also drop an unused `new Promise(executor)`.
const UNUSED_HEAP_VIEWS = ['Int8Array', 'Int16Array', 'Uint16Array', 'Float32Array', 'Float64Array'];
const { code } = await minify(closure(bundled.outputFiles[0].text), {
  ecma: 2020,
  compress: { passes: 3, pure_funcs: UNUSED_HEAP_VIEWS },
  mangle: true,
  format: { comments: false },
});

// The core as JavaScript (wasm2js glue, already minified by closure): an ES
// module whose default export is the factory, imported by start.js only when
// the page may not compile WebAssembly.
const jsCore = await minify(readFileSync(values['js-glue'], 'utf8') + '\nexport default createMicrotrackCore;\n', {
  module: true,
  ecma: 2017,
  compress: { passes: 2 },
  mangle: true,
  format: { comments: false },
});

// The npm package (dist/npm; `npm pack dist/npm` gives the tarball): the
// loader as an ES module (js/module.js, the wasm found with new URL(…,
// import.meta.url)), a do-nothing entry for node (js/ssr.js), both core
// files and the types. Not minified: the app's bundler minifies.
const esm = async (entry) => (await build({
  entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
  bundle: true,
  format: 'esm',
  target: 'es2021',
  plugins: [builtModules],
  write: false,
  logLevel: 'warning',
})).outputFiles[0].text;
const npm = join(values.out, 'npm');
mkdirSync(npm, { recursive: true });
writeFileSync(join(npm, 'microtrack.mjs'), await esm('js/module.js'));
writeFileSync(join(npm, 'ssr.mjs'), await esm('js/ssr.js'));
copyFileSync(values.wasm, join(npm, 'microtrack.wasm'));
writeFileSync(join(npm, 'microtrack.wasm.js'), jsCore.code);
copyFileSync(values.types, join(npm, 'microtrack.d.ts'));
copyFileSync(values['package-types'], join(npm, 'index.d.ts'));
writeFileSync(join(npm, 'package.json'), JSON.stringify({
  name: 'microtrack',
  version: /VERSION = '([^']*)'/.exec(readFileSync(values.constants, 'utf8'))[1],
  description: 'Micro-conversion tracking: a C++ core compiled to WebAssembly, for the browser.',
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  // A browser build (Vite, webpack: the "browser" condition) gets the
  // tracker; node and anything else (server-side rendering) the entry that
  // does nothing.
  exports: {
    '.': { types: './index.d.ts', browser: './microtrack.mjs', default: './ssr.mjs' },
    './microtrack.wasm': './microtrack.wasm',
    './microtrack.wasm.js': './microtrack.wasm.js',
  },
  browser: './microtrack.mjs',
  module: './microtrack.mjs',
  main: './ssr.mjs',
  types: './index.d.ts',
  files: ['microtrack.mjs', 'ssr.mjs', 'microtrack.wasm', 'microtrack.wasm.js', 'microtrack.d.ts', 'index.d.ts'],
}, null, 2) + '\n');

mkdirSync(values.out, { recursive: true });
writeFileSync(join(values.out, 'microtrack.js'), code);
copyFileSync(values.wasm, join(values.out, 'microtrack.wasm'));
writeFileSync(join(values.out, 'microtrack.wasm.js'), jsCore.code);
copyFileSync(values.types, join(values.out, 'microtrack.d.ts'));
console.log(`dist: microtrack.js ${code.length} B, microtrack.wasm ${readFileSync(values.wasm).length} B, ` +
  `microtrack.wasm.js ${jsCore.code.length} B`);
