// The wall's last-fallback emoji font (the self-hosted monochrome Noto Emoji, split by
// unicode-range like the CJK font): HTML text fetches its slices by itself, but a canvas (ECharts)
// draws with whatever is loaded at that moment and never redraws. A chart whose text holds an
// emoji loads the slices first and is drawn again once they are in (issue 8 §7).

export const EMOJI_FONT = 'Noto Emoji';

/** Characters the base text fonts have no glyph for and the emoji font has (pictographs, flags, ZWJ, VS16). */
const EMOJI = /[\p{Extended_Pictographic}\u{1F1E6}-\u{1F1FF}\u200d\ufe0f]/u;

export function hasEmoji(text: string): boolean {
  return EMOJI.test(text);
}

/**
 * Loads the emoji slices `text` needs. Resolves true when something had to be fetched (a canvas
 * drawn before should be drawn again), false when nothing was needed, it was already there, or
 * the browser cannot load fonts.
 */
export async function loadEmojiFor(text: string): Promise<boolean> {
  if (!hasEmoji(text) || typeof document === 'undefined' || !document.fonts?.load) return false;
  const spec = `400 16px "${EMOJI_FONT}"`;
  try {
    if (document.fonts.check(spec, text)) return false;
    const faces = await document.fonts.load(spec, text);
    return faces.length > 0;
  } catch {
    return false;
  }
}
