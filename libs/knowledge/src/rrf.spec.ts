import { reciprocalRankFusion } from './rrf';

describe('reciprocalRankFusion', () => {
  it('rewards items ranked well by several rankings', () => {
    const fused = reciprocalRankFusion([
      ['a', 'b', 'c'],
      ['b', 'c', 'd'],
    ]);
    expect([...fused.keys()]).toEqual(['b', 'c', 'a', 'd']);
    expect(fused.get('b')).toBeCloseTo(1 / 62 + 1 / 61);
    expect(fused.get('d')).toBeCloseTo(1 / 63);
  });

  it('is the identity order for one ranking', () => {
    expect([...reciprocalRankFusion([['x', 'y', 'z']]).keys()]).toEqual(['x', 'y', 'z']);
  });
});
