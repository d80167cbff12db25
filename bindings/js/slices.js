// Start-up's steps as few tasks as a fast machine needs and as many as a
// slow one does: each task runs steps until it has taken `budgetMs`, then
// yields to the page (input, rendering, its own scripts) before the next
// step. A task over 50 ms is a long task (bench/RESULTS.md); a step takes a
// few ms on the bench machine and several times that under CPU contention,
// which a fixed grouping of steps cannot foresee. No DOM: node's tests
// import it as it is, with their own clock and yield.
import { nextTask } from './util.js';

// Resolves once every step has run; rejects with the first step's throw
// (the later steps do not run). The first step runs in a task of its own.
export const runInSlices = (steps, budgetMs, clock = () => performance.now(), yieldTask = nextTask) =>
  new Promise((resolve, reject) => {
    let next = 0;
    const slice = () => {
      const started = clock();
      try {
        do steps[next++]();
        while (next < steps.length && clock() - started < budgetMs);
      } catch (e) {
        reject(e);
        return;
      }
      if (next < steps.length) yieldTask().then(slice);
      else resolve();
    };
    if (steps.length) yieldTask().then(slice);
    else resolve();
  });
