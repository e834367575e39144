// MapLibre without `glyphs` draws label text itself on a canvas with the CSS font named in
// `text-font`. The self-hosted Noto Sans SC is split by unicode-range, and the browser fetches a
// slice only when asked for its characters: load the slices for every label before the map
// draws, or the first labels are rasterised (and cached) in a fallback font.
import { LABEL_FONT } from './mapStyle.ts';

const DIGITS = '0123456789+k.,';

export async function loadLabelFont(texts: Iterable<string>): Promise<boolean> {
  if (!document.fonts?.load) return false;
  const chars = new Set<string>(DIGITS);
  for (const text of texts) for (const ch of text) chars.add(ch);
  const sample = [...chars].join('');
  try {
    // MapLibre rasterises at normal weight, 48 px; the size does not matter for which slices load.
    const faces = await document.fonts.load(`400 48px "${LABEL_FONT}"`, sample);
    return faces.length > 0;
  } catch {
    return false;
  }
}
