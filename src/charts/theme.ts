/**
 * The house look shared by every chart: one font, quiet greys for text and
 * grid, a blue/green palette that stays legible when a chat app shrinks it.
 */
import type { Config } from 'vega-lite';
import { CHART_FONT_FAMILY } from './font.ts';

/** Width of every chart in CSS pixels (the PNG is {@link PIXEL_RATIO} times this). */
export const CHART_WIDTH = 800;
export const CHART_PADDING = 20;

export const TITLE_FONT_SIZE = 18;
export const LABEL_FONT_SIZE = 12;
/** Stage names on the category axis, a little larger than other labels. */
export const STAGE_LABEL_FONT_SIZE = 13;
/** Longest stage label, in px, before it is shortened with an ellipsis. */
export const MAX_LABEL_WIDTH = 200;
export const MAX_TITLE_WIDTH = CHART_WIDTH - 2 * CHART_PADDING;

export const COLORS = {
  title: '#0f172a',
  text: '#334155',
  muted: '#64748b',
  grid: '#e2e8f0',
  axis: '#cbd5e1',
  blue: '#2563eb',
  blueDark: '#1e40af',
  blueLight: '#bfdbfe',
  green: '#059669',
  greenLight: '#a7f3d0',
} as const;

export const baseConfig: Config = {
  font: CHART_FONT_FAMILY,
  background: '#ffffff',
  customFormatTypes: true,
  view: { stroke: null },
  title: {
    anchor: 'start',
    fontSize: TITLE_FONT_SIZE,
    fontWeight: 'bold',
    color: COLORS.title,
    subtitleFontSize: LABEL_FONT_SIZE,
    subtitleColor: COLORS.muted,
    subtitlePadding: 4,
    offset: 14,
  },
  axis: {
    labelFontSize: LABEL_FONT_SIZE,
    labelColor: COLORS.text,
    labelLimit: 0,
    labelPadding: 8,
    titleFontSize: LABEL_FONT_SIZE,
    titleFontWeight: 'normal',
    titleColor: COLORS.muted,
    gridColor: COLORS.grid,
    domainColor: COLORS.axis,
    tickColor: COLORS.axis,
  },
  legend: {
    labelFontSize: LABEL_FONT_SIZE,
    labelColor: COLORS.text,
    labelLimit: 0,
    symbolType: 'square',
    symbolSize: 120,
    orient: 'top',
    direction: 'horizontal',
    title: null,
    offset: 8,
  },
  text: { fontSize: LABEL_FONT_SIZE, color: COLORS.text, limit: 0 },
};
