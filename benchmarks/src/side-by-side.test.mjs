import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sideBySideMarkdown } from './side-by-side-markdown.mjs';
import { childCpuSeconds } from './torch-peer.mjs';

const report = {
  date: '2026-12-07T01:10:00.000Z',
  machine: { cpu: 'AMD EPYC', cores: 2, node: 'v20.20.2' },
  defaultBackend: 'wasm',
  sideBySide: {
    available: true,
    python: '/usr/bin/python3',
    torchVersion: '1.13.0',
    workloads: [
      {
        env: 'CartPole-v1',
        preset: 'classic',
        steps: 102400,
        pairs: [
          { ours: 15000, torch1: 5000, torch2: 4500, ratio: 3, loadAverage: [1.1, 1, 0.9] },
          { ours: 14000, torch1: 5600, torch2: 4000, ratio: 2.5, loadAverage: [1.2, 1, 0.9] },
        ],
        medianRatio: 2.75,
        medianOurs: 14500,
        medianTorch1: 5300,
        medianTorch2: 4250,
        target: { atLeast: 3, pass: false },
      },
      { env: 'HalfCheetah-v5', preset: 'mujoco', skipped: 'could not build the MuJoCo shim' },
    ],
  },
};

describe('sideBySideMarkdown', () => {
  it('shows the date, the machine, both sides per pair and the median ratio against its target', () => {
    const md = sideBySideMarkdown(report);
    assert.match(md, /^Measured 2026-12-07 01:10 UTC on AMD EPYC, 2 cores, Node v20\.20\.2, backend wasm; PyTorch 1\.13\.0/);
    assert.ok(md.includes('| CartPole-v1, `classic` | 102,400 | 1 | 15,000 | 5,000 | 4,500 | 3.00× | 1.1 1 0.9 |'));
    assert.ok(md.includes('| **CartPole-v1, median** | | | 14,500 | 5,300 | 4,250 | **2.75×** (target ≥ 3.0×: **missed**) | |'));
    assert.ok(md.includes('skipped: could not build the MuJoCo shim'));
  });

  it('says why it did not run, and is empty for a file from before it existed', () => {
    assert.equal(sideBySideMarkdown({ ...report, sideBySide: { available: false, reason: 'no torch' } }), 'PyTorch side by side: not run (no torch).\n');
    assert.equal(sideBySideMarkdown({ ...report, sideBySide: undefined }), '');
  });
});

describe('childCpuSeconds', () => {
  it("sums the user and system time of a shell's `times` line", () => {
    assert.equal(childCpuSeconds('1m2.500s 0m0.250s'), 62.75);
    assert.equal(childCpuSeconds('{"sps": 1}'), null);
  });
});
