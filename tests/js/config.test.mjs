// The init config as the loader reads it (bindings/js/config.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasWasmUrl, normaliseConfig, scriptBase, wasmJsUrl, wasmUrl } from '../../bindings/js/config.js';

test('an object is kept as it is; anything else becomes an empty config', () => {
  const config = { collector: '/collect' };
  assert.equal(normaliseConfig(config), config);
  for (const value of [undefined, null, 'https://c.example/collect', 42, true])
    assert.deepEqual(normaliseConfig(value), {});
});

test("the script's folder is its URL without the file name, query or fragment", () => {
  assert.equal(scriptBase('https://cdn.example/mt/1.2/microtrack.js'), 'https://cdn.example/mt/1.2/');
  assert.equal(scriptBase('https://cdn.example/mt/microtrack.js?v=3#x'), 'https://cdn.example/mt/');
  assert.equal(scriptBase('https://cdn.example/microtrack.js#a/b'), 'https://cdn.example/');
  assert.equal(scriptBase('https://cdn.example/mt/'), 'https://cdn.example/mt/');
});

test('no script URL (an inline or a module script) gives no folder', () => {
  assert.equal(scriptBase(''), '');
  assert.equal(scriptBase(undefined), '');
});

test("the wasm comes from the config's wasmUrl, else from next to the script", () => {
  const base = 'https://cdn.example/mt/';
  assert.equal(wasmUrl({ wasmUrl: '/assets/mt.wasm' }, base), '/assets/mt.wasm');
  assert.equal(wasmUrl({}, base), 'https://cdn.example/mt/microtrack.wasm');
  assert.equal(wasmUrl({ wasmUrl: '' }, base), 'https://cdn.example/mt/microtrack.wasm');
  assert.equal(wasmUrl({ wasmUrl: 7 }, base), 'https://cdn.example/mt/microtrack.wasm');
  assert.equal(wasmUrl({}, ''), 'microtrack.wasm');
});

test("the JavaScript build of the core is the wasm's URL with '.js' added to its path", () => {
  assert.equal(wasmJsUrl('https://cdn.example/mt/microtrack.wasm'), 'https://cdn.example/mt/microtrack.wasm.js');
  assert.equal(wasmJsUrl('/assets/mt.wasm?v=3#x'), '/assets/mt.wasm.js?v=3#x');
  assert.equal(wasmJsUrl('microtrack.wasm'), 'microtrack.wasm.js');
});

test('a wasmUrl counts as given only as a non-empty string (the npm package keeps its own files otherwise)', () => {
  assert.equal(hasWasmUrl({ wasmUrl: '/assets/mt.wasm' }), true);
  for (const wasmUrl of [undefined, '', 7, null]) assert.equal(hasWasmUrl({ wasmUrl }), false);
});
