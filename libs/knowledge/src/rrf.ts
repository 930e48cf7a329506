/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher 2009): each ranking contributes 1 / (k + rank)
 * for every item it holds, so items ranked well by several rankings rise, and no score scale has to
 * be reconciled (full-text ranks and cosine similarities are not comparable). k = 60 as in the paper.
 */
export function reciprocalRankFusion(rankings: readonly (readonly string[])[], k = 60): Map<string, number> {
  const fused = new Map<string, number>();
  for (const ranking of rankings) {
    ranking.forEach((id, index) => fused.set(id, (fused.get(id) ?? 0) + 1 / (k + index + 1)));
  }
  return new Map([...fused.entries()].sort((a, b) => b[1] - a[1]));
}
