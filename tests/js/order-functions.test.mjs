// The build step that orders the wasm's functions for gzip
// (bindings/order_functions.mjs): any order leaves the module doing what it
// did; the search is deterministic and never makes the wasm larger.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSize, orderForGzip, readModule, writeModule } from '../../bindings/order_functions.mjs';

const vec = (items) => [items.length, ...items.flat()];
const str = (s) => vec([...Buffer.from(s)]);
const section = (id, content) => [id, content.length, ...content];
const I32 = 0x7f;
// (import "env" "bump" (func (param i32) (result i32)))       ;; function 0
// a(x) = b(x) + 1                 (call: function 2)          ;; function 1
// b(x) = table[0](x) * 3          (call_indirect, table[0] = c) ;; function 2
// c(x) = bump(x) + 10             (call: function 0)          ;; function 3
// exports a and c, the table; and one body per extra opcode tested.
function testModule(cBody = [0x20, 0, 0x10, 0, 0x41, 10, 0x6a, 0x0b]) {
  const body = (code) => vec([0, ...code]);  // no locals
  return Buffer.from([
    0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec([[0x60, ...vec([I32]), ...vec([I32])]])),
    ...section(2, vec([[...str('env'), ...str('bump'), 0, 0]])),
    ...section(3, vec([[0], [0], [0]])),
    ...section(4, vec([[0x70, 0, 1]])),
    ...section(7, vec([[...str('a'), 0, 1], [...str('c'), 0, 3], [...str('t'), 1, 0]])),
    ...section(9, vec([[0, 0x41, 0, 0x0b, ...vec([3])]])),
    ...section(10, vec([
      body([0x20, 0, 0x10, 2, 0x41, 1, 0x6a, 0x0b]),
      body([0x20, 0, 0x41, 0, 0x11, 0, 0, 0x41, 3, 0x6c, 0x0b]),
      body(cBody),
    ])),
  ]);
}
const run = (bin) => new WebAssembly.Instance(new WebAssembly.Module(bin), { env: { bump: (x) => x + 100 } }).exports;

test('every order of the functions computes the same: calls, exports and the table follow', () => {
  const bin = testModule();
  assert.equal(run(bin).a(5), 346);  // ((5 + 100 + 10) * 3) + 1
  const m = readModule(bin);
  assert.deepEqual(writeModule(m, [0, 1, 2]), bin, 'the identity order gives back the same bytes');
  for (const order of [[0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]) {
    const moved = writeModule(m, order);
    assert.notDeepEqual(moved, bin);
    const exports = run(moved);
    assert.equal(exports.a(5), 346, `order ${order}`);
    assert.equal(exports.c(1), 111, `order ${order}`);
    assert.equal(exports.t.get(0)(2), 112, `order ${order}: the table slot still holds c`);
    assert.deepEqual(readModule(moved).functionTypes, [0, 0, 0]);
  }
});

test('the search is deterministic and never gives a larger gzip than its input', () => {
  const bin = testModule();
  const first = orderForGzip(bin, { iterations: 40 });
  assert.deepEqual(orderForGzip(bin, { iterations: 40 }), first);
  assert.ok(gzipSize(first) <= gzipSize(bin));
  assert.equal(run(first).a(5), 346);
});

test('an opcode the walker does not know stops the build instead of guessing', () => {
  const simd = testModule([0xfd, 0x0c, ...new Array(16).fill(0), 0x1a, 0x41, 0, 0x0b]);  // v128.const; drop
  assert.throws(() => readModule(simd), /order_functions: opcode 0xfd/);
});
