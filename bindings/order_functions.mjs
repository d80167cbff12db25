// Puts the wasm's functions in the order that gzip compresses best: the last
// step of the core's build, between emcc's link and dist/microtrack.wasm.
//   node order_functions.mjs --in microtrack_core.wasm --out microtrack.wasm [--iterations 20000]
// Deflate finds repeats only within 32 KB behind it, so which functions sit
// next to each other decides how much of the code it sees twice; binaryen's
// --reorder-functions orders by call count, which is not that. Here: a greedy
// chain (each next function the one that deflates best after the last 32 KB
// placed), then a seeded hill climb (swap or move one function, keep the order
// if gzip -9 is not larger): ~500 B of gzip off the wasm at 20,000 steps
// (bench/RESULTS.md). The search is deterministic: the same wasm gives the
// same output. Only the order changes: every function index (calls,
// exports, the table) is renumbered; table slots, and so the glue's
// function pointers, stay as they were.
// The instruction walker knows the opcodes the core is built with (MVP,
// sign-ext, saturating float-to-int, bulk memory) and stops the build on any
// other rather than guess.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { constants, gzipSync } from 'node:zlib';

const SECTION = { custom: 0, import: 2, function: 3, export: 7, start: 8, elem: 9, code: 10 };
const DEFLATE_WINDOW = 32 * 1024;

export const gzipSize = (bytes) => gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }).length;

function fail(what) { throw new Error(`order_functions: ${what}`); }

// LEB128 reading and writing (unsigned; signed immediates are only skipped).
function readU32(b, p) {
  let value = 0, shift = 0, byte;
  do { byte = b[p++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
  return [value, p];
}
function skipLeb(b, p) { while (b[p++] & 0x80); return p; }
function leb(n) {
  const out = [];
  do { let byte = n & 0x7f; n = Math.floor(n / 128); if (n) byte |= 0x80; out.push(byte); } while (n);
  return Buffer.from(out);
}

function readSections(bin) {
  const sections = [];
  for (let p = 8; p < bin.length;) {
    const [size, start] = readU32(bin, p + 1);
    sections.push({ id: bin[p], body: bin.subarray(start, start + size) });
    p = start + size;
  }
  return sections;
}

function countImportedFunctions(b) {
  let [n, p] = readU32(b, 0), functions = 0, length;
  for (let i = 0; i < n; i++) {
    [length, p] = readU32(b, p); p += length;  // module name
    [length, p] = readU32(b, p); p += length;  // field name
    const kind = b[p++];
    if (kind === 0) { functions++; p = skipLeb(b, p); }                         // type index
    else if (kind === 1 || kind === 2) {                                       // table, memory: limits
      if (kind === 1) p++;                                                     // reference type
      const flags = b[p++]; p = skipLeb(b, p); if (flags & 1) p = skipLeb(b, p);
    } else if (kind === 3) p += 2;                                             // global: type, mutability
    else fail(`import kind ${kind}`);
  }
  return functions;
}

function readIndexVector(b, p) {
  let [n, q] = readU32(b, p); const indices = [];
  for (let i = 0, x; i < n; i++) { [x, q] = readU32(b, q); indices.push(x); }
  return [indices, q];
}

// Skips one instruction's immediates; a call's callee is handed to onCall.
function skipImmediates(b, op, p, onCall) {
  if (op === 0x10) { const [callee, q] = readU32(b, p); onCall(p, callee, q); return q; }
  if ((op >= 0x02 && op <= 0x04) || op === 0x0c || op === 0x0d || (op >= 0x20 && op <= 0x24) ||
      op === 0x41 || op === 0x42) return skipLeb(b, p);     // block type, label, local/global, consts
  if (op === 0x0e) { const [n, q] = readU32(b, p); p = q; for (let i = 0; i <= n; i++) p = skipLeb(b, p); return p; }
  if (op === 0x11 || (op >= 0x28 && op <= 0x3e)) return skipLeb(b, skipLeb(b, p));  // call_indirect, memarg
  if (op === 0x1c) { const [n, q] = readU32(b, p); return q + n; }
  if (op === 0x3f || op === 0x40) return p + 1;
  if (op === 0x43) return p + 4;
  if (op === 0x44) return p + 8;
  if (op === 0xfc) {
    const [sub, q] = readU32(b, p);
    if (sub <= 7) return q;                                 // saturating float-to-int
    if (sub === 8) return skipLeb(b, q) + 1;                // memory.init
    if (sub === 9) return skipLeb(b, q);                    // data.drop
    if (sub === 10) return q + 2;                           // memory.copy
    if (sub === 11) return q + 1;                           // memory.fill
    fail(`opcode 0xfc ${sub}`);
  }
  const plain = op <= 0x01 || op === 0x05 || op === 0x0b || op === 0x0f || op === 0x1a || op === 0x1b ||
                (op >= 0x45 && op <= 0xc4);
  if (!plain) fail(`opcode 0x${op.toString(16)}`);
  return p;
}

// A body as pieces: bytes between calls, and { callee } where a call's index goes.
function splitBody(b) {
  const pieces = [];
  let [groups, p] = readU32(b, 0), copied = 0;
  for (let i = 0; i < groups; i++) p = skipLeb(b, p) + 1;   // local count, value type
  const onCall = (at, callee, after) => { pieces.push(b.subarray(copied, at), { callee }); copied = after; };
  while (p < b.length) { const op = b[p]; p = skipImmediates(b, op, p + 1, onCall); }
  pieces.push(b.subarray(copied));
  return pieces;
}

function readCode(b) {
  let [n, p] = readU32(b, 0), size; const bodies = [];
  for (let i = 0; i < n; i++) { [size, p] = readU32(b, p); bodies.push(splitBody(b.subarray(p, p + size))); p += size; }
  return bodies;
}

function readExports(b) {
  let [n, p] = readU32(b, 0), length; const exports = [];
  for (let i = 0; i < n; i++) {
    const start = p; [length, p] = readU32(b, p); p += length;
    const name = b.subarray(start, p), kind = b[p++]; let index; [index, p] = readU32(b, p);
    exports.push({ name, kind, index });
  }
  return exports;
}

// One active segment for table 0 (flags 0): what emcc writes.
function readElem(b) {
  let [n, p] = readU32(b, 0);
  if (n !== 1 || b[p] !== 0) fail('element section other than one active segment of table 0');
  const exprStart = ++p; while (b[p] !== 0x0b) p++;
  const offset = b.subarray(exprStart, p + 1);
  const [functions] = readIndexVector(b, p + 1);
  return { offset, functions };
}

export function readModule(bin) {
  const sections = readSections(bin), find = (id) => sections.find((s) => s.id === id);
  if (find(SECTION.custom)) fail('custom sections (names, debug info) would keep the old indices');
  if (!find(SECTION.code)) fail('no code section');
  const [functionTypes] = readIndexVector(find(SECTION.function).body, 0);
  return {
    header: bin.subarray(0, 8), sections, functionTypes,
    importedFunctions: find(SECTION.import) ? countImportedFunctions(find(SECTION.import).body) : 0,
    bodies: readCode(find(SECTION.code).body),
    exports: find(SECTION.export) ? readExports(find(SECTION.export).body) : [],
    elem: find(SECTION.elem) ? readElem(find(SECTION.elem).body) : null,
    start: find(SECTION.start) ? readU32(find(SECTION.start).body, 0)[0] : null,
  };
}

// order[k] = the defined function (0-based, imports not counted) placed k-th.
export function writeModule(m, order) {
  const renumber = new Map();
  order.forEach((old, k) => renumber.set(m.importedFunctions + old, m.importedFunctions + k));
  const index = (f) => leb(renumber.get(f) ?? f);
  const vector = (items) => Buffer.concat([leb(items.length), ...items]);
  const body = (pieces) => Buffer.concat(pieces.map((x) => (Buffer.isBuffer(x) ? x : index(x.callee))));
  const rewritten = {
    [SECTION.function]: () => vector(order.map((old) => leb(m.functionTypes[old]))),
    [SECTION.export]: () => vector(m.exports.map((e) =>
      Buffer.concat([e.name, Buffer.from([e.kind]), e.kind === 0 ? index(e.index) : leb(e.index)]))),
    [SECTION.start]: () => index(m.start),
    [SECTION.elem]: () => vector([Buffer.concat([Buffer.from([0]), m.elem.offset, vector(m.elem.functions.map(index))])]),
    [SECTION.code]: () => vector(order.map((old) => { const b = body(m.bodies[old]); return Buffer.concat([leb(b.length), b]); })),
  };
  const parts = [m.header];
  for (const s of m.sections) {
    const content = rewritten[s.id] ? rewritten[s.id]() : s.body;
    parts.push(Buffer.from([s.id]), leb(content.length), content);
  }
  return Buffer.concat(parts);
}

// Each next function: the one whose bytes deflate best (relative to their
// size alone) after the last 32 KB placed.
function greedyChain(m) {
  const raw = m.bodies.map((pieces) => Buffer.concat(pieces.map((x) => (Buffer.isBuffer(x) ? x : leb(x.callee)))));
  const alone = raw.map(gzipSize), left = new Set(raw.keys()), chain = [];
  let tail = Buffer.alloc(0);
  while (left.size) {
    const before = gzipSize(tail); let best = -1, bestRatio = Infinity;
    for (const f of left) {
      const ratio = (gzipSize(Buffer.concat([tail, raw[f]])) - before) / alone[f];
      if (ratio < bestRatio) { bestRatio = ratio; best = f; }
    }
    chain.push(best); left.delete(best);
    tail = Buffer.concat([tail, raw[best]]).subarray(-DEFLATE_WINDOW);
  }
  return chain;
}

export function orderForGzip(bin, { iterations = 20000, seed = 1 } = {}) {
  const m = readModule(bin);
  const identity = m.bodies.map((_, i) => i);
  if (Buffer.compare(writeModule(m, identity), bin) !== 0) fail('the module does not read back to the same bytes');
  let order = greedyChain(m), best = gzipSize(writeModule(m, order));
  let state = seed;
  const random = (n) => { state = (state * 1103515245 + 12345) % 2147483648; return Math.floor(state / 2147483648 * n); };
  for (let step = 0; step < iterations; step++) {
    const next = order.slice(), i = random(next.length), j = random(next.length);
    if (random(2)) [next[i], next[j]] = [next[j], next[i]];
    else next.splice(j, 0, next.splice(i, 1)[0]);
    const size = gzipSize(writeModule(m, next));
    if (size <= best) { best = size; order = next; }
  }
  const out = writeModule(m, order);
  if (gzipSize(out) > gzipSize(bin)) return bin;  // never worse than the input
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { in: { type: 'string' }, out: { type: 'string' },
                                            iterations: { type: 'string', default: '20000' } } });
  const input = readFileSync(values.in);
  const output = orderForGzip(input, { iterations: Number(values.iterations) });
  new WebAssembly.Module(output);  // throws if the result does not validate
  writeFileSync(values.out, output);
  console.log(`order_functions: ${values.out} ${output.length} B, gzip -9 ${gzipSize(input)} -> ${gzipSize(output)} B`);
}
