/** The Playground's two plots, drawn with the trainer's own `learningCurveSvg`. */
import { learningCurveSvg, type PlotSeries } from '@ppo/trainer';
import type { UpdateRecord } from './run-store.js';

const SIZE = { width: 480, height: 280 } as const;

function series(history: readonly UpdateRecord[], metric: string, label: string, color: string): PlotSeries {
  return { label, xs: history.map((r) => r.globalStep), ys: history.map((r) => r.metrics[metric] ?? Number.NaN), color, style: 'line' };
}

/**
 * The learning curve (mean return of the last 20 episodes after each update, against env steps),
 * the value loss, and the policy loss with the entropy (on a scale of their own: the value loss
 * is orders of magnitude larger), as SVG documents.
 */
export function curvesSvg(history: readonly UpdateRecord[]): { returns: string; valueLoss: string; policyLoss: string } {
  const plot = (title: string, yLabel: string, ...lines: PlotSeries[]): string => learningCurveSvg(lines, { title, xLabel: 'env steps', yLabel, ...SIZE });
  return {
    returns: plot('Learning curve', 'return', series(history, 'charts/mean_recent_return', 'mean return, last 20 episodes', '#1f77b4')),
    valueLoss: plot('Value loss', 'loss', series(history, 'losses/value_loss', 'value loss', '#d62728')),
    policyLoss: plot(
      'Policy loss and entropy',
      'value',
      series(history, 'losses/policy_loss', 'policy loss', '#2ca02c'),
      series(history, 'losses/entropy', 'entropy', '#9467bd'),
    ),
  };
}
