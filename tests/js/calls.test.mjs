// The snippet queue and the public calls before and after the core runs
// (bindings/js/calls.js), over a recording stand-in for the API.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCalls, snippetCalls } from '../../bindings/js/calls.js';

// A core that is not there yet, then runs, tracking or not; every API call
// is recorded as "method:args".
const setUp = () => {
  const log = [];
  const core = { started: false, active: false };
  let resolveReady;
  const ready = new Promise((resolve) => {
    resolveReady = resolve;
  });
  const record = (method) => (...args) => {
    log.push(method + ':' + args.join(','));
    return method + ' done';
  };
  const methods = {
    init: record('init'), track: record('track'), page: record('page'), identify: record('identify'),
    consent: record('consent'), reset: record('reset'), flush: record('flush'), on: record('on')
  };
  const [run, replay] = createCalls(methods, () => core.started, () => core.active, ready);
  const calls = { run, replay };
  const start = (active) => {
    core.started = true;
    core.active = active;
  };
  return { log, calls, start, resolveReady, methods };
};

// Calls as the snippet queues them: each one's `arguments` object.
function queued() {
  return arguments;
}

test('calls made before the core runs wait, and are replayed in order once it does', () => {
  const { log, calls, start } = setUp();
  calls.run('identify', ['u1']);
  calls.run('track', ['signup', 'plan']);
  calls.run('page', []);
  assert.deepEqual(log, []);
  start(true);
  calls.replay();
  assert.deepEqual(log, ['identify:u1', 'track:signup,plan', 'page:']);
});

test('a call made after the core started but before the replay queues behind the waiting ones', () => {
  const { log, calls, start } = setUp();
  calls.run('track', ['first']);
  start(true);
  calls.run('track', ['second']);  // the core runs, but 'first' has not been replayed yet
  assert.deepEqual(log, []);
  calls.replay();
  assert.deepEqual(log, ['track:first', 'track:second']);
});

test('once the core runs and nothing waits, a call runs at once and answers', () => {
  const { log, calls, start } = setUp();
  start(true);
  assert.equal(calls.run('track', ['now']), 'track done');
  assert.deepEqual(log, ['track:now']);
});

test('a core that does not track drops the calls, waiting or new', () => {
  const { log, calls, start } = setUp();
  calls.run('track', ['before']);
  start(false);
  calls.replay();
  calls.run('track', ['after']);
  assert.deepEqual(log, []);
});

test('init and on run at once, before the core exists', () => {
  const { log, calls } = setUp();
  calls.run('init', [{ collector: '/c' }]);
  calls.run('on', ['event']);
  assert.deepEqual(log, ['init:[object Object]', 'on:event']);
});

test('flush before start-up settles after it: flushed when the core tracks', async () => {
  const { log, calls, start, resolveReady } = setUp();
  const settled = calls.run('flush', []);
  assert.ok(settled instanceof Promise);
  assert.deepEqual(log, []);
  start(true);
  resolveReady(true);
  assert.equal(await settled, undefined);  // settles with nothing, whatever flush answered
  assert.deepEqual(log, ['flush:']);
});

test('flush before start-up settles without flushing when the core does not track', async () => {
  const { log, calls, start, resolveReady } = setUp();
  const settled = calls.run('flush', []);
  start(false);
  resolveReady(true);
  await settled;
  assert.deepEqual(log, []);
});

test('an unknown method is reported, not run, and nothing throws', (t) => {
  const errors = t.mock.method(console, 'error', () => {});
  const { calls, start } = setUp();
  start(true);
  assert.equal(calls.run('hasOwnProperty', []), undefined);
  assert.equal(calls.run('trak', ['x']), undefined);
  assert.deepEqual(errors.mock.calls.map((c) => c.arguments[0]),
    ["microtrack: unknown method 'hasOwnProperty'.", "microtrack: unknown method 'trak'."]);
});

test('a method that throws is reported and the call answers undefined', (t) => {
  const errors = t.mock.method(console, 'error', () => {});
  const { calls, start, methods } = setUp();
  methods.track = () => {
    throw new Error('boom');
  };
  start(true);
  assert.equal(calls.run('track', []), undefined);
  assert.deepEqual(errors.mock.calls.map((c) => c.arguments[0]), ['microtrack: internal error in track(): boom']);
});

test("the snippet's queue becomes [method, args] pairs in order", () => {
  const snippet = { q: [queued('init', { collector: '/c' }), queued('track', 'a', { n: 1 }), queued('page')] };
  assert.deepEqual(snippetCalls(snippet), [['init', [{ collector: '/c' }]], ['track', ['a', { n: 1 }]], ['page', []]]);
});

test('no snippet, or one that queued nothing, gives no calls', () => {
  assert.deepEqual(snippetCalls(undefined), []);
  assert.deepEqual(snippetCalls(() => {}), []);
  assert.deepEqual(snippetCalls({ q: [] }), []);
});
