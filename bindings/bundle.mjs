// Bundles the loader (js/main.js and what it imports) with the Emscripten
// glue into one IIFE with esbuild, minifies it with terser, and writes dist/.
// Two modules come from the build rather than from js/: `core-glue` (the
// glue emcc linked, whose factory becomes its default export) and
// `core-constants` (written by core_constants.cpp from the core's headers).
//   node bundle.mjs --glue microtrack_core.js --wasm microtrack_core.wasm
//     --constants core-constants.js --types microtrack.d.ts --out dist/
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { minify } from 'terser';

const { values } = parseArgs({
  options: { glue: { type: 'string' }, wasm: { type: 'string' }, constants: { type: 'string' },
             out: { type: 'string' }, types: { type: 'string' } },
});

const BUILT_MODULES = {
  // MODULARIZE's glue declares `var createMicrotrackCore = function …`.
  'core-glue': () => readFileSync(values.glue, 'utf8') + '\nexport default createMicrotrackCore;\n',
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
  plugins: [builtModules],
  write: false,
  logLevel: 'warning',
});
const { code } = await minify(bundled.outputFiles[0].text, {
  ecma: 2017,
  compress: { passes: 2 },
  mangle: true,
  format: { comments: false },
});

mkdirSync(values.out, { recursive: true });
writeFileSync(join(values.out, 'microtrack.js'), code);
copyFileSync(values.wasm, join(values.out, 'microtrack.wasm'));
copyFileSync(values.types, join(values.out, 'microtrack.d.ts'));
console.log(`dist: microtrack.js ${code.length} B, microtrack.wasm ${readFileSync(values.wasm).length} B`);
