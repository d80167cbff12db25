// Transfer size of what a site loads: raw, gzip -9 and brotli -q 11 of
// dist/microtrack.js and dist/microtrack.wasm. Prints a Markdown table.
// The budget: tests/browser/size.test.mjs (gzip total, node zlib).
//   node bench/size.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';

const root = new URL('..', import.meta.url);
const rows = ['microtrack.js', 'microtrack.wasm'].map((name) => {
  const path = fileURLToPath(new URL(`dist/${name}`, root));
  const bytes = readFileSync(path);
  return {
    name,
    raw: bytes.length,
    gzip: execFileSync('gzip', ['-9c', path]).length,  // the gzip program, as the budget says
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
});
rows.push(rows.reduce((total, row) => ({
  name: '**total**', raw: total.raw + row.raw, gzip: total.gzip + row.gzip, brotli: total.brotli + row.brotli,
}), { raw: 0, gzip: 0, brotli: 0 }));

console.log('| file | raw B | gzip -9 B | brotli -q 11 B |');
console.log('|---|---:|---:|---:|');
for (const row of rows) console.log(`| ${row.name} | ${row.raw} | ${row.gzip} | ${row.brotli} |`);
