/**
 * Node-only: the learning curve's PNG rendered from its SVG (title, legend, axis labels and
 * all) with resvg, through `@resvg/resvg-js`, an optional dependency whose npm packages ship
 * prebuilt binaries. Where it did not install, or its binary does not load on this platform,
 * the built-in rasterizer of png.ts draws the PNG instead (the curves, the grid, the ticks and
 * the legend's colours, without words).
 */
import { createRequire } from 'node:module';
import type { PlotSeries } from './plot';
import { writePng } from './png';
import { writeFileAtomic } from './run-files';

/** The part of `@resvg/resvg-js` used here. */
export interface ResvgModule {
  readonly Resvg: new (
    svg: string,
    options?: { font?: { loadSystemFonts?: boolean; defaultFontFamily?: string }; background?: string },
  ) => ResvgRenderer;
}

/** An SVG parsed by resvg, ready to render. */
export interface ResvgRenderer {
  /** Rasterizes the SVG at its own size. */
  render(): ResvgImage;
}

/** A picture rendered by resvg. */
export interface ResvgImage {
  /** The picture as PNG bytes. */
  asPng(): Uint8Array;
}

/** `@resvg/resvg-js`, or null where it is not installed or its binary does not load. */
export function loadResvg(): ResvgModule | null {
  try {
    // A CommonJS package with a native binary: required, not imported, so that this stays synchronous.
    return createRequire(import.meta.url)('@resvg/resvg-js') as ResvgModule;
  } catch {
    return null;
  }
}

/** Which renderer drew a PNG: resvg from the SVG, or the built-in rasterizer. */
export type PngRenderer = 'resvg' | 'pixels';

/**
 * Writes the PNG of a learning curve (atomically; a link at `path` is replaced, not followed):
 * `svg` rendered by resvg with the system's fonts, or, when `resvg` is null (by default: when
 * it does not load), `series` drawn by the built-in rasterizer at the SVG's default size.
 * Returns the renderer used.
 */
export function writeLearningCurvePng(path: string, svg: string, series: readonly PlotSeries[], resvg: ResvgModule | null = loadResvg()): PngRenderer {
  if (resvg === null) {
    writePng(path, series);
    return 'pixels';
  }
  const png = new resvg.Resvg(svg, { font: { loadSystemFonts: true } }).render().asPng();
  writeFileAtomic(path, png);
  return 'resvg';
}
