// Independent references for the normalization tests: statistics computed in one pass over
// every sample seen, merged in closed form with the running estimate's prior (mean 0,
// variance 1, pseudo-count 1e-4, as Gymnasium and SB3 start).

/** Mean and variance per feature of `rows`, including the prior. */
export function referenceStats(rows: readonly (readonly number[])[], size: number, prior = 1e-4): { mean: number[]; var: number[] } {
  const n = rows.length;
  const total = prior + n;
  const mean: number[] = [];
  const variance: number[] = [];
  for (let j = 0; j < size; j++) {
    let m = 0;
    for (const row of rows) m += row[j];
    m /= n;
    let v = 0;
    for (const row of rows) v += (row[j] - m) ** 2;
    v /= n;
    mean.push((n * m) / total);
    variance.push((prior * 1 + n * v + m * m * ((prior * n) / total)) / total);
  }
  return { mean, var: variance };
}
