// The wall's grid for a given design size: the layout adapts to the wall's shape instead of
// being stretched, and on spliced walls (multiples of 1920×1080) keeps boards off the bezels.
export type WallArea = 'header' | 'party' | 'economy' | 'livelihood' | 'safety' | 'map' | 'strip';

export interface WallLayout {
  kind: 'standard' | 'wide';
  /** CSS grid-template-* values in design pixels (multiplied by --u by the caller). */
  columns: number[] | string;
  rows: number[];
  areas: WallArea[][];
}

const PANEL_W = 1920;
const PANEL_H = 1080;
const HEADER_H = 90;
const STRIP_H = 200;
const GAP = 12;

/** Board column width: one panel on 3-panel walls, else a quarter of the width (460 at 1920). */
function sideWidth(width: number, panelW: number): number {
  if (width % panelW === 0 && width / panelW === 3) return panelW - GAP;
  return Math.round(width * 0.24);
}

function boardRows(height: number, panelH: number): number[] {
  const middle = height - HEADER_H - STRIP_H - 2 * GAP;
  // Two stacked panels: the boundary between the boards falls on the horizontal bezel.
  if (height % panelH === 0 && height / panelH === 2) {
    const top = panelH - HEADER_H - GAP - GAP / 2;
    return [top, middle - top - GAP];
  }
  const half = Math.floor((middle - GAP) / 2);
  return [half, middle - GAP - half];
}

/** `panelW`/`panelH`: one physical panel in design pixels (see designCanvas in useWallScale). */
export function wallLayout(width: number, height: number, panelW = PANEL_W, panelH = PANEL_H): WallLayout {
  if (width / height >= 2.9) {
    // Letterbox-shaped walls (3840×1080, 5760×1080): all four boards side by side around the map.
    const middle = height - HEADER_H - STRIP_H - 2 * GAP;
    return {
      kind: 'wide',
      columns: '1fr 1fr 1.7fr 1fr 1fr',
      rows: [HEADER_H, middle, STRIP_H],
      areas: [
        ['header', 'header', 'header', 'header', 'header'],
        ['party', 'economy', 'map', 'livelihood', 'safety'],
        ['strip', 'strip', 'strip', 'strip', 'strip'],
      ],
    };
  }
  const side = sideWidth(width, panelW);
  const [top, bottom] = boardRows(height, panelH);
  return {
    kind: 'standard',
    columns: [side, width - 2 * side - 2 * GAP, side],
    rows: [HEADER_H, top ?? 0, bottom ?? 0, STRIP_H],
    areas: [
      ['header', 'header', 'header'],
      ['party', 'map', 'livelihood'],
      ['economy', 'map', 'safety'],
      ['strip', 'strip', 'strip'],
    ],
  };
}

export const LAYOUT_GAP = GAP;
