import type { OptimizerSummary } from './summary.js';

/** One line of a panel: points in data coordinates. */
interface Series {
  readonly label: string;
  readonly width: number;
  readonly color: string;
  readonly dashed: boolean;
  readonly points: readonly { x: number; y: number }[];
  readonly marker: Marker;
  /** Indices of the points that get a marker. */
  readonly markerAt: readonly number[];
}

interface Panel {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly logY: boolean;
  readonly yFormat: (y: number) => string;
  readonly series: readonly Series[];
}

/** A marker shape, drawn centred on (x, y). */
type Marker = 'circle' | 'square' | 'triangle' | 'diamond' | 'triangleDown' | 'cross' | 'star';

/**
 * Every optimizer has its own colour and marker shape: a pair shares a hue (the baseline a light
 * shade, dashed; its GC variants dark or a neighbouring hue, solid). Curves that coincide
 * (AdamW_GC2 and Adam_GC2 when the decay is negligible) stay apart through their markers, which sit
 * at staggered points along the loss curve and are offset sideways at each epoch of the accuracy panel.
 */
const STYLE: Record<string, { color: string; dashed: boolean; marker: Marker }> = {
  SGD: { color: '#6baed6', dashed: true, marker: 'circle' },
  SGD_GC: { color: '#08519c', dashed: false, marker: 'square' },
  Adam: { color: '#fb6a4a', dashed: true, marker: 'triangle' },
  Adam_GC: { color: '#a50f15', dashed: false, marker: 'diamond' },
  Adam_GC2: { color: '#ff9f1c', dashed: false, marker: 'triangleDown' },
  AdamW: { color: '#74c476', dashed: true, marker: 'cross' },
  AdamW_GC2: { color: '#00441b', dashed: false, marker: 'star' },
};
const FALLBACK_COLORS = ['#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const MARKERS: readonly Marker[] = ['circle', 'square', 'triangle', 'diamond', 'triangleDown', 'cross', 'star'];
/** Markers per epoch on the loss curve, spread over the series so that no two fall on the same point. */
const LOSS_MARKERS_PER_EPOCH = 2;

const W = 1000;
const H = 500;
const PANEL = { top: 95, height: 300, width: 390, lefts: [80, 575] };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (x: number) => (Math.round(x * 100) / 100).toString();

/**
 * The demo's figure as SVG text: training loss (log scale, mean batch loss over windows of an
 * epoch) and test accuracy after each epoch, against epochs, one line per optimizer (mean over seeds).
 */
export function curvesSvg(
  summaries: readonly OptimizerSummary[],
  title: string,
  subtitle: string,
  options: { epochs?: number } = {},
): string {
  const n = summaries.length;
  const styled = summaries.map((s, i) => ({
    s,
    style: {
      ...(STYLE[s.label] ?? {
        color: FALLBACK_COLORS[i % FALLBACK_COLORS.length],
        dashed: false,
        marker: MARKERS[i % MARKERS.length],
      }),
      width: Math.max(1.2, 3 - 0.25 * i),
    },
  }));
  // the x axes span `options.epochs` when given (a live plot keeps its axes while runs are still training)
  const epochs = Math.max(1, options.epochs ?? 0, ...summaries.map((s) => s.meanTestAccuracyByEpoch.length));
  // sideways offset of series i at each epoch of the accuracy panel: the n series spread over 0.12 epoch
  // per epoch shown
  const dodge = (i: number) => (n > 1 ? (i - (n - 1) / 2) * ((0.12 * Math.max(1, epochs - 1)) / (n - 1)) : 0);
  const lossPanel: Panel = {
    title: 'training loss (cross-entropy, log scale)',
    xLabel: 'epoch',
    yLabel: 'loss',
    logY: true,
    yFormat: (y) => String(Number(y.toPrecision(2))),
    series: styled.map(({ s, style }, i) => ({
      label: s.label,
      ...style,
      points: s.meanCurve.map((p) => ({ x: p.epoch, y: p.loss })),
      markerAt: staggeredMarkers(s.meanCurve.length, epochs * LOSS_MARKERS_PER_EPOCH, i, n),
    })),
  };
  const accPanel: Panel = {
    title: 'test accuracy after each epoch',
    xLabel: 'epoch',
    yLabel: 'accuracy %',
    logY: false,
    yFormat: (y) => `${fmt(y)}`,
    series: styled.map(({ s, style }, i) => ({
      label: s.label,
      ...style,
      points: s.meanTestAccuracyByEpoch.map((a, e) => ({ x: e + 1 + dodge(i), y: 100 * a })),
      markerAt: s.meanTestAccuracyByEpoch.map((_, e) => e),
    })),
  };
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu ` +
      `Sans, Verdana, Arial, sans-serif">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="26" text-anchor="middle" font-size="17" font-weight="bold">${esc(title)}</text>`,
    `<text x="${W / 2}" y="47" text-anchor="middle" font-size="12" fill="#444">${esc(subtitle)}</text>`,
    drawPanel(lossPanel, PANEL.lefts[0], [0, epochs]),
    drawPanel(accPanel, PANEL.lefts[1], [epochs > 1 ? 0.85 : 0.5, epochs > 1 ? epochs + 0.15 : 1.5]),
    drawLegend(styled.map(({ s, style }) => ({ label: s.label, ...style }))),
    '</svg>',
  ];
  return parts.join('\n') + '\n';
}

function drawPanel(panel: Panel, left: number, xRange: [number, number]): string {
  const { top, height, width } = PANEL;
  const ys = panel.series
    .flatMap((s) => s.points.map((p) => p.y))
    .filter((y) => Number.isFinite(y) && (!panel.logY || y > 0));
  const [yLo, yHi] = yRange(ys, panel.logY);
  const tx = (x: number) => left + ((x - xRange[0]) / (xRange[1] - xRange[0])) * width;
  const ty = (y: number) => {
    const f = panel.logY
      ? (Math.log10(y) - Math.log10(yLo)) / (Math.log10(yHi) - Math.log10(yLo))
      : (y - yLo) / (yHi - yLo);
    return top + height - f * height;
  };
  const out: string[] = [`<g>`];
  out.push(
    `<text x="${left + width / 2}" y="${top - 10}" text-anchor="middle" font-size="14">${esc(panel.title)}</text>`,
  );
  // grid and y ticks
  for (const y of panel.logY ? logTicks(yLo, yHi) : linearTicks(yLo, yHi)) {
    const py = ty(y).toFixed(1);
    out.push(`<line x1="${left}" x2="${left + width}" y1="${py}" y2="${py}" stroke="#e4e4e4"/>`);
    out.push(
      `<text x="${left - 6}" y="${py}" dy="4" text-anchor="end" font-size="11" fill="#333">${panel.yFormat(y)}</text>`,
    );
  }
  // x ticks: whole epochs
  for (let x = Math.ceil(xRange[0]); x <= xRange[1]; x++) {
    const px = tx(x).toFixed(1);
    out.push(`<line x1="${px}" x2="${px}" y1="${top}" y2="${top + height}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${px}" y="${top + height + 16}" text-anchor="middle" font-size="11" fill="#333">${x}</text>`);
  }
  out.push(`<rect x="${left}" y="${top}" width="${width}" height="${height}" fill="none" stroke="#999"/>`);
  out.push(
    `<text x="${left + width / 2}" y="${top + height + 36}" text-anchor="middle" ` +
      `font-size="12">${esc(panel.xLabel)}</text>`,
  );
  out.push(
    `<text transform="translate(${left - 52},${top + height / 2}) rotate(-90)" text-anchor="middle" ` +
      `font-size="12">${esc(panel.yLabel)}</text>`,
  );
  for (const s of panel.series) {
    const pts = s.points.filter((p) => Number.isFinite(p.y) && (!panel.logY || p.y > 0));
    if (pts.length === 0) continue;
    const d = pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${tx(p.x).toFixed(1)},${ty(p.y).toFixed(1)}`).join(' ');
    const dash = s.dashed ? ' stroke-dasharray="7 4"' : '';
    out.push(
      `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="${s.width}"${dash} ` +
        `stroke-linejoin="round"><title>${esc(s.label)}</title></path>`,
    );
    for (const k of s.markerAt) {
      const p = s.points[k];
      if (!p || !Number.isFinite(p.y) || (panel.logY && p.y <= 0)) continue;
      out.push(markerSvg(s.marker, tx(p.x), ty(p.y), s.color, s.dashed));
    }
  }
  out.push('</g>');
  return out.join('\n');
}

/**
 * `count` marker positions spread evenly over `length` points, series `i` of `n` shifted by i/n of the
 * spacing, so that series drawn on top of each other still show every marker.
 */
export function staggeredMarkers(length: number, count: number, i: number, n: number): number[] {
  if (length === 0) return [];
  const spacing = length / Math.max(1, Math.min(count, length));
  const out: number[] = [];
  for (let at = spacing * ((i + 0.5) / Math.max(1, n)); at < length; at += spacing) out.push(Math.floor(at));
  return [...new Set(out)];
}

/** A marker as one SVG element (filled white for baselines, so dashed lines read as "without GC"). */
function markerSvg(marker: Marker, x: number, y: number, color: string, hollow: boolean): string {
  const r = 4;
  const paint = `fill="${hollow ? 'white' : color}" stroke="${color}" stroke-width="1.5"`;
  const poly = (pts: [number, number][]) =>
    `<polygon points="${pts.map(([dx, dy]) => `${(x + dx).toFixed(1)},${(y + dy).toFixed(1)}`).join(' ')}" ${paint}/>`;
  switch (marker) {
    case 'circle':
      return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r}" ${paint}/>`;
    case 'square':
      return `<rect x="${(x - r).toFixed(1)}" y="${(y - r).toFixed(1)}" width="${2 * r}" height="${2 * r}" ${paint}/>`;
    case 'triangle':
      return poly([
        [0, -r - 1],
        [r + 1, r],
        [-r - 1, r],
      ]);
    case 'triangleDown':
      return poly([
        [0, r + 1],
        [r + 1, -r],
        [-r - 1, -r],
      ]);
    case 'diamond':
      return poly([
        [0, -r - 1],
        [r + 1, 0],
        [0, r + 1],
        [-r - 1, 0],
      ]);
    case 'cross':
      return poly([
        [-r, -1.5],
        [-1.5, -1.5],
        [-1.5, -r],
        [1.5, -r],
        [1.5, -1.5],
        [r, -1.5],
        [r, 1.5],
        [1.5, 1.5],
        [1.5, r],
        [-1.5, r],
        [-1.5, 1.5],
        [-r, 1.5],
      ]);
    case 'star': {
      const pts: [number, number][] = [];
      for (let k = 0; k < 10; k++) {
        const a = -Math.PI / 2 + (k * Math.PI) / 5;
        const rr = k % 2 === 0 ? r + 1.5 : r / 2;
        pts.push([rr * Math.cos(a), rr * Math.sin(a)]);
      }
      return poly(pts);
    }
  }
}

function drawLegend(items: readonly { label: string; color: string; dashed: boolean; marker: Marker }[]): string {
  const itemWidth = 125;
  const perRow = Math.floor((W - 40) / itemWidth);
  const rows = Math.ceil(items.length / perRow);
  const out: string[] = ['<g font-size="12">'];
  items.forEach((item, i) => {
    const row = Math.floor(i / perRow);
    const inRow = Math.min(perRow, items.length - row * perRow);
    const x0 = W / 2 - (inRow * itemWidth) / 2 + (i % perRow) * itemWidth;
    const y = H - 22 - (rows - 1 - row) * 20;
    const dash = item.dashed ? ' stroke-dasharray="7 4"' : '';
    out.push(`<line x1="${x0}" x2="${x0 + 30}" y1="${y}" y2="${y}" stroke="${item.color}" stroke-width="2.5"${dash}/>`);
    out.push(markerSvg(item.marker, x0 + 15, y, item.color, item.dashed));
    out.push(`<text x="${x0 + 36}" y="${y}" dy="4">${esc(item.label)}</text>`);
  });
  out.push('</g>');
  return out.join('\n');
}

function yRange(ys: readonly number[], log: boolean): [number, number] {
  if (ys.length === 0) return log ? [0.01, 10] : [0, 100];
  let lo = Math.min(...ys);
  let hi = Math.max(...ys);
  if (log) return [lo / 1.15, hi * 1.15];
  if (hi - lo < 1e-9) {
    lo -= 1;
    hi += 1;
  }
  const pad = (hi - lo) * 0.08;
  return [lo - pad, Math.min(hi + pad, 100.5)];
}

/** 1, 2, 5 × 10^k inside [lo, hi]; every integer mantissa when that gives fewer than 4. */
function logTicks(lo: number, hi: number): number[] {
  const within = (mantissas: number[]) => {
    const ticks: number[] = [];
    for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
      for (const m of mantissas) {
        const v = m * 10 ** k;
        if (v >= lo && v <= hi) ticks.push(Number(v.toPrecision(6)));
      }
    }
    return ticks;
  };
  const coarse = within([1, 2, 5]);
  return coarse.length >= 4 ? coarse : within([1, 2, 3, 4, 5, 6, 7, 8, 9]);
}

/** About 5 round-numbered ticks inside [lo, hi]. */
function linearTicks(lo: number, hi: number): number[] {
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) ticks.push(Math.round(v / step) * step);
  return ticks;
}
