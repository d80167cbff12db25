// Start-up's steps run in tasks of a bounded length (bindings/js/slices.js),
// with a clock the test moves and a yield it records.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInSlices } from '../../bindings/js/slices.js';

// Steps that each take `costs[i]` ms of the test's clock; the log shows
// where the tasks began ('|').
const setUp = (costs) => {
  let time = 0;
  const log = [];
  const steps = costs.map((cost, i) => () => {
    log.push(i);
    time += cost;
  });
  const yieldTask = () => {
    log.push('|');
    return Promise.resolve();
  };
  return { log, steps, clock: () => time, yieldTask };
};

test('cheap steps share one task, after a first yield', async () => {
  const { log, steps, clock, yieldTask } = setUp([1, 2, 1, 3]);
  await runInSlices(steps, 8, clock, yieldTask);
  assert.deepEqual(log, ['|', 0, 1, 2, 3]);
});

test('a task ends once its steps have taken the budget; the next step starts a task', async () => {
  const { log, steps, clock, yieldTask } = setUp([5, 2, 1, 6, 6, 1, 20, 1]);
  await runInSlices(steps, 8, clock, yieldTask);
  assert.deepEqual(log, ['|', 0, 1, 2, '|', 3, 4, '|', 5, 6, '|', 7]);
});

test('a step over the budget ends its task alone', async () => {
  const { log, steps, clock, yieldTask } = setUp([30, 1, 1]);
  await runInSlices(steps, 8, clock, yieldTask);
  assert.deepEqual(log, ['|', 0, '|', 1, 2]);
});

test('a step that throws rejects with its error; the later steps do not run', async () => {
  const { log, steps, clock, yieldTask } = setUp([1, 1, 1]);
  steps[1] = () => {
    log.push('boom');
    throw new Error('the core aborted');
  };
  await assert.rejects(runInSlices(steps, 8, clock, yieldTask), /the core aborted/);
  assert.deepEqual(log, ['|', 0, 'boom']);
});

test('no steps: resolves without yielding', async () => {
  const { log, clock, yieldTask } = setUp([]);
  await runInSlices([], 8, clock, yieldTask);
  assert.deepEqual(log, []);
});

test('with the real clock and nextTask: later tasks, after this one', async () => {
  const order = [];
  const done = runInSlices([() => order.push('step')], 8).then(() => order.push('done'));
  order.push('this task');
  await done;
  assert.deepEqual(order, ['this task', 'step', 'done']);
});
