// Wraps the Emscripten glue and the loader sources (in file-name order) in
// one scope, minifies the result with terser, and writes dist/.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { minify } from 'terser';

const { values, positionals } = parseArgs({
  options: { glue: { type: 'string' }, wasm: { type: 'string' }, out: { type: 'string' },
             version: { type: 'string' }, types: { type: 'string' } },
  allowPositionals: true,
});

const loader = positionals
  .sort((a, b) => basename(a).localeCompare(basename(b)))
  .map((file) => `// ${basename(file)}\n${readFileSync(file, 'utf8')}`)
  .join('\n')
  .replaceAll('@MICROTRACK_VERSION@', values.version);
// One scope: neither the glue's factory nor the loader's names leak into the page.
const source = `(function () {\n${readFileSync(values.glue, 'utf8')}\n${loader}\n})();\n`;
const { code } = await minify(source, {
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
