import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { scoringNote } from '../../../src/worker/training/evaluation';
import { evaluate, trainRun } from '../../../src/worker/training/train-run';
import { describeModel, rowCount, sliceRows, syntheticData, type TrainingData } from '../../../src/worker/data/training-data';

/** A small classifier with BatchNorm, compiled, seeded. */
function classifier(): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [6], units: 8, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  return model;
}

describe('held-out scoring within the time left (trainRun scoringRows)', () => {
  let data: TrainingData;
  before(() => {
    const probe = classifier();
    data = syntheticData(tf, describeModel(probe), 1, false);
    probe.dispose();
  });
  after(() => tf.dispose([data.xs, data.ys, data.testXs, data.testYs].flat()));

  const run = (scoringRows?: (rows: number) => number) => {
    const model = classifier();
    const asked: number[] = [];
    const report = trainRun({ tf, model, data, norm: 'batchNormalization', steps: 5, batchSize: 4, seed: 1, sources: new Map(), scoringRows: scoringRows && ((rows) => (asked.push(rows), scoringRows(rows))) });
    return report.then((r) => ({ report: r, model, asked }));
  };

  it('scores every held-out row when there is time (the callback is asked with their count)', async () => {
    const { report, model, asked } = await run((rows) => rows);
    assert.deepEqual(asked, [rowCount(data.testXs)]);
    assert.equal(report.accuracy, evaluate(tf, model, data).accuracy);
    model.dispose();
  });

  it('scores the first rows that fit, the same as evaluating those rows alone', async () => {
    const { report, model } = await run(() => 7);
    const first = { ...data, testXs: sliceRows(data.testXs, 0, 7), testYs: sliceRows(data.testYs, 0, 7) };
    const expected = evaluate(tf, model, first).accuracy;
    assert.equal(report.accuracy, expected);
    assert.ok(expected !== null && Math.abs(expected * 7 - Math.round(expected * 7)) < 1e-5, `${expected} is an accuracy over 7 rows`);
    tf.dispose([first.testXs, first.testYs].flat());
    model.dispose();
  });

  it('no time left: the run keeps its steps and losses and has no score', async () => {
    const { report, model } = await run(() => 0);
    assert.equal(report.steps, 5);
    assert.equal(report.losses?.length, 5);
    assert.deepEqual([report.accuracy, report.error], [null, null]);
    model.dispose();
  });
});

describe('scoringNote (said when the steps left time for part of the held-out set)', () => {
  const rows: [{ scored: number; of: number } | undefined, RegExp | null][] = [
    [undefined, null],
    [{ scored: 128, of: 128 }, null],
    [{ scored: 40, of: 128 }, /^the steps ran slower than timed \(a busy machine\?\) and left time to score 40 of the 128 held-out examples; raise the timeout to score them all$/],
    [{ scored: 0, of: 128 }, /left no time to score the held-out examples, so the run has no accuracy or error; raise the timeout for one$/],
  ];
  for (const [scoring, expected] of rows) {
    it(JSON.stringify(scoring ?? null), () => {
      const notes = scoringNote(scoring);
      if (expected === null) {
        assert.deepEqual(notes, []);
      } else {
        assert.equal(notes.length, 1);
        assert.match(notes[0], expected);
      }
    });
  }
});
