// Which scroll samples cross into the core (bindings/js/scroll-reports.js),
// against a stand-in for the core's answer: the samples sent, and when the
// position worth a sample is read again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createScrollReports } from '../../bindings/js/scroll-reports.js';

// A stand-in for the core: `answers[k]` is what it names after the k-th
// sample sent (the last repeats): the positions, ascending, or one number
// for a single position (-1: none). Before any sample, and after a new page
// view (newPageView), it names 0: any sample.
const reportsWith = (answers) => {
  const sent = [];
  let named = [0];
  let reads = 0;
  const send = (...sample) => {
    const answer = answers[Math.min(sent.length, answers.length - 1)];
    sent.push(sample);
    named = [answer].flat().filter((p) => p >= 0);
  };
  const readPosition = (ahead) => {
    reads++;
    return ahead < named.length ? named[ahead] : -1;
  };
  const reports = createScrollReports(send, readPosition);
  return { reports, sent, reads: () => reads, newPageView: () => { named = [0]; } };
};

test('the first sample is sent, then only a sample whose bottom reaches the position the core named', () => {
  const { reports, sent } = reportsWith([1599, 2399]);
  reports.sample(0, 800, 3200);      // first: sent, the core answers 1599
  reports.sample(400, 800, 3200);    // bottom 1200: kept here
  reports.sample(798, 800, 3200);    // bottom 1598: kept here
  reports.sample(799, 800, 3200);    // bottom 1599: sent, the core answers 2399
  reports.sample(1000, 800, 3200);   // kept here
  assert.deepEqual(sent, [[0, 800, 3200], [799, 800, 3200]]);
});

test('a fast jump past several positions is one sample sent (the core fires each threshold it reached)', () => {
  const { reports, sent } = reportsWith([799, -1]);
  reports.sample(0, 800, 3200);
  reports.sample(2400, 800, 3200);   // past 50, 75, 90 and 100 at once
  reports.sample(2400, 800, 3200);   // -1: nothing left to reach
  reports.sample(0, 800, 3200);
  assert.deepEqual(sent, [[0, 800, 3200], [2400, 800, 3200]]);
});

test('another document or viewport height is sent at once: the position was for the old heights', () => {
  const { reports, sent } = reportsWith([2399]);
  reports.sample(0, 800, 3200);
  reports.sample(0, 800, 6400);      // the page grew
  reports.sample(0, 600, 6400);      // the window was resized
  reports.sample(10, 600, 6400);     // same heights, below the position: kept
  assert.deepEqual(sent, [[0, 800, 3200], [0, 800, 6400], [0, 600, 6400]]);
});

test('flush hands over the deepest sample kept back, once', () => {
  const { reports, sent } = reportsWith([2399]);
  reports.sample(0, 800, 3200);
  reports.sample(900, 800, 3200);
  reports.sample(1200, 800, 3200);   // the deepest
  reports.sample(300, 800, 3200);    // back up
  reports.flush();
  reports.flush();                   // nothing kept any more
  assert.deepEqual(sent, [[0, 800, 3200], [1200, 800, 3200]]);
});

test('overscroll above the top counts as the top (the core reads the bottom the same way)', () => {
  const { reports, sent } = reportsWith([799]);
  reports.sample(-50, 800, 3200);
  reports.sample(-50, 800, 3200);    // bottom 800 >= 799: sent (the core would clamp the top to 0 too)
  assert.equal(sent.length, 2);
});

test('reread takes the positions the core names now (after a new page view: 0, any sample), one crossing when they did not move', () => {
  const { reports, sent, reads, newPageView } = reportsWith([-1, 1599]);
  reports.sample(0, 800, 3200);      // the core: -1, nothing left
  reports.sample(100, 800, 3200);    // kept
  const before = reads();
  reports.reread();                  // nothing moved: one crossing
  assert.equal(reads(), before + 1);
  newPageView();
  reports.reread();                  // a new page view: 0
  reports.sample(100, 800, 3200);    // sent
  assert.deepEqual(sent, [[0, 800, 3200], [100, 800, 3200]]);
});

test('positions: every position the core names, ascending ([] nothing left to reach, [0] any sample), the same array until they move', () => {
  const { reports, newPageView } = reportsWith([[1599, 2399, 3199], [3199], -1]);
  assert.deepEqual(reports.positions(), [0]);  // before any sample
  reports.sample(0, 800, 3200);                // 25 %: the three positions after it
  const three = reports.positions();
  assert.deepEqual(three, [1599, 2399, 3199]);
  reports.sample(100, 800, 3200);              // kept back: nothing moved
  reports.reread();
  assert.equal(reports.positions(), three);
  reports.sample(1600, 800, 3200);             // past two of them
  assert.deepEqual(reports.positions(), [3199]);
  reports.sample(2400, 800, 3200);             // the end
  assert.deepEqual(reports.positions(), []);
  newPageView();
  reports.reread();
  assert.deepEqual(reports.positions(), [0]);
});

test('a sample reaching the first position is sent, one reaching only a later one too (the core fires what it reached)', () => {
  const { reports, sent } = reportsWith([[1599, 2399], [2399]]);
  reports.sample(0, 800, 3200);
  reports.sample(1000, 800, 3200);   // bottom 1800: past the first, not the second
  reports.sample(1500, 800, 3200);   // bottom 2300: below the next one now
  assert.deepEqual(sent, [[0, 800, 3200], [1000, 800, 3200]]);
});

test('a sample no deeper than one sent for the same heights is not kept (it changes nothing in the core)', () => {
  const { reports, sent } = reportsWith([2399]);
  reports.sample(1000, 800, 3200);   // first: sent, bottom 1800
  reports.sample(900, 800, 3200);    // shallower: not kept
  reports.flush();
  reports.sample(1100, 800, 3200);   // deeper: kept, then flushed
  reports.flush();
  reports.sample(0, 800, 6400);      // other heights: sent, and the depth compared anew
  reports.sample(200, 800, 6400);    // deeper than that: kept
  reports.flush();
  assert.deepEqual(sent, [[1000, 800, 3200], [1100, 800, 3200], [0, 800, 6400], [200, 800, 6400]]);
});

test('after a new page view (the core names 0) any depth counts again', () => {
  const { reports, sent, newPageView } = reportsWith([2399]);
  reports.sample(1600, 800, 3200);   // sent: bottom 2400
  newPageView();
  reports.reread();                  // 0
  reports.sample(0, 800, 3200);      // sent (any sample), the core answers 2399
  reports.sample(100, 800, 3200);    // shallower than 2400 but deeper than this view's 800: kept
  reports.flush();
  assert.deepEqual(sent, [[1600, 800, 3200], [0, 800, 3200], [100, 800, 3200]]);
});
