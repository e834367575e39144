import { describe, expect, it } from 'vitest';
import { labelPoints } from './features.ts';

describe('community label points', () => {
  it('puts one label at the centre of each community, on its largest part', () => {
    const square = [[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]];
    const small = [[10, 10], [10.5, 10], [10.5, 10.5], [10, 10]];
    const points = labelPoints({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { id: 'a' }, geometry: { type: 'Polygon', coordinates: [square] } },
        { type: 'Feature', properties: { id: 'b' }, geometry: { type: 'MultiPolygon', coordinates: [[small], [square.map(([x, y]) => [x! + 4, y!])]] } },
      ],
    });
    expect(points.features.map((f) => [f.properties.id, f.geometry.coordinates])).toEqual([
      ['a', [1, 1]],
      ['b', [5, 1]],
    ]);
  });
});
