// The guard that keeps exceptions out of the page, and the JSON the core is
// given (bindings/js/util.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorText, guard, nextTask, toJson } from '../../bindings/js/util.js';

test('a guarded function answers as the function does, with its this and arguments', () => {
  const counter = { step: 2, add: guard(function (a, b) { return this.step + a + b; }) };
  assert.equal(counter.add(3, 4), 9);
});

test('a guarded function that throws answers undefined and says so on the console', (t) => {
  const errors = t.mock.method(console, 'error', () => {});
  assert.equal(guard(() => { throw new TypeError('x is not a function'); })(), undefined);
  assert.deepEqual(errors.mock.calls.map((c) => c.arguments[0]), ['microtrack: internal error: x is not a function']);
});

test("the wasm's abort (an empty string thrown) is named", () => {
  assert.equal(errorText(''), 'the WebAssembly core aborted');
  assert.equal(errorText(new Error('out of memory')), 'out of memory');
  assert.equal(errorText('RuntimeError: unreachable'), 'RuntimeError: unreachable');
});

test('values become JSON text; none becomes the empty text', () => {
  assert.equal(toJson({ plan: 'pro', seats: 3 }, 'x'), '{"plan":"pro","seats":3}');
  assert.equal(toJson('a', 'x'), '"a"');
  assert.equal(toJson(null, 'x'), '');
  assert.equal(toJson(undefined, 'x'), '');
});

test('a value JSON cannot write is null, with an error naming what it was', (t) => {
  const errors = t.mock.method(console, 'error', () => {});
  const cycle = {};
  cycle.self = cycle;
  assert.equal(toJson(cycle, 'track properties'), null);
  assert.equal(toJson({ n: 1n }, 'identify traits'), null);
  const messages = errors.mock.calls.map((c) => c.arguments[0]);
  assert.equal(messages.length, 2);
  assert.match(messages[0], /^microtrack: track properties must be JSON-serialisable \(.+\); ignoring the call\.$/s);
  assert.match(messages[1], /^microtrack: identify traits must be JSON-serialisable \(.*BigInt\); ignoring the call\.$/);
});

test('nextTask resolves in a later task: after this task and its microtasks', async () => {
  const order = [];
  const done = nextTask().then(() => order.push('next task'));
  Promise.resolve().then(() => order.push('microtask'));
  order.push('this task');
  await done;
  assert.deepEqual(order, ['this task', 'microtask', 'next task']);
});
