import type { Report } from '../schemas/report.js';

/**
 * The report's two charts, monthly income and contributions, laid out once in points and drawn
 * twice: as SVG in the HTML page and with PDFKit in the PDF, so both show the same bars. A month
 * without a value is an empty slot marked "none", so a gap shows at a glance.
 */
export interface BarChart {
  title: string;
  unit: string | null;
  series: { name: string; color: string }[];
  groups: { label: string; values: (number | null)[] }[];
}

export interface ChartLayout {
  width: number;
  height: number;
  bars: { x: number; y: number; width: number; height: number; color: string }[];
  gridlines: { y: number; label: string }[];
  labels: { x: number; y: number; text: string }[];
  gaps: { x: number; y: number; text: string }[];
  legend: { x: number; y: number; text: string; color: string }[];
  plot: { left: number; right: number; top: number; bottom: number };
}

const GROSS = '#3b6fd4';
const NET = '#8fb0ea';
const CONTRIBUTION = '#2f9e6a';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2026-03` → `Mar 26`. */
const monthName = (month: string) => {
  const [year, number] = month.split('-');
  return `${MONTHS[Number(number) - 1] ?? number} ${year?.slice(2) ?? ''}`.trim();
};

export function incomeChart({ income }: Report): BarChart {
  return {
    title: 'Monthly income',
    unit: income.currency,
    series: [
      { name: 'gross', color: GROSS },
      { name: 'net', color: NET },
    ],
    groups: income.months.map((m) => ({ label: monthName(m.month), values: [m.gross, m.net] })),
  };
}

/** Every month of the contribution window (the full months before the decision's), with or without a contribution. */
export function contributionsChart({ contributions, decision }: Report): BarChart {
  const decided = new Date(decision.evaluatedAt);
  const byMonth = new Map(contributions.months.map((m) => [m.month, m.amount]));
  const groups: BarChart['groups'] = [];
  for (let back = contributions.window; back >= 1; back--) {
    const at = new Date(Date.UTC(decided.getUTCFullYear(), decided.getUTCMonth() - back, 1));
    const month = `${at.getUTCFullYear()}-${String(at.getUTCMonth() + 1).padStart(2, '0')}`;
    groups.push({ label: monthName(month), values: [byMonth.get(month) ?? null] });
  }
  return {
    title: `Contributions, last ${contributions.window} full months`,
    unit: contributions.months.find((m) => m.currency)?.currency ?? null,
    series: [{ name: 'contribution', color: CONTRIBUTION }],
    groups,
  };
}

/** A round top for the axis: 1, 2 or 5 times a power of ten, at least the largest value. */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].find((step) => step * power >= value) ?? 10) * power;
}

const short = (value: number) =>
  value >= 1_000_000
    ? `${+(value / 1_000_000).toFixed(1)}M`
    : value >= 1_000
      ? `${+(value / 1_000).toFixed(1)}k`
      : `${+value.toFixed(0)}`;

export function layoutChart(chart: BarChart, width: number, height: number): ChartLayout {
  const plot = { left: 44, right: width - 8, top: 20, bottom: height - 22 };
  const values = chart.groups.flatMap((g) => g.values).filter((v): v is number => v !== null);
  const top = niceMax(Math.max(0, ...values));
  const y = (value: number) => plot.bottom - (value / top) * (plot.bottom - plot.top);
  const gridlines = [0, 0.25, 0.5, 0.75, 1].map((f) => ({ y: y(top * f), label: short(top * f) }));
  const slot = (plot.right - plot.left) / Math.max(1, chart.groups.length);
  const barWidth = Math.min(28, Math.max(2, (slot * 0.8) / chart.series.length));
  const every = Math.ceil(chart.groups.length / 12); // at most 12 month labels
  const bars: ChartLayout['bars'] = [];
  const labels: ChartLayout['labels'] = [];
  const gaps: ChartLayout['gaps'] = [];
  chart.groups.forEach((group, index) => {
    const start = plot.left + (index + 0.5) * slot - (barWidth * chart.series.length) / 2;
    group.values.forEach((value, s) => {
      if (value === null) return;
      bars.push({
        x: start + s * barWidth,
        y: y(value),
        width: barWidth - 1,
        height: plot.bottom - y(value),
        color: chart.series[s]!.color,
      });
    });
    if (group.values.every((v) => v === null))
      gaps.push({ x: plot.left + (index + 0.5) * slot, y: plot.bottom - 4, text: 'none' });
    if (index % every === 0)
      labels.push({ x: plot.left + (index + 0.5) * slot, y: plot.bottom + 12, text: group.label });
  });
  const legend = chart.series.map((series, index) => ({
    x: plot.left + index * 80,
    y: 8,
    text: `${series.name}${chart.unit ? ` (${chart.unit})` : ''}`,
    color: series.color,
  }));
  return { width, height, bars, gridlines, labels, gaps, legend, plot };
}

const escape = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const n = (value: number) => +value.toFixed(1);

/** The chart as inline SVG for the HTML page. */
export function chartSvg(chart: BarChart, width = 640, height = 180): string {
  if (chart.groups.length === 0) return '<p class="none">Nothing to chart.</p>';
  const l = layoutChart(chart, width, height);
  const text = (x: number, y: number, body: string, anchor = 'middle', fill = '#5b6475') =>
    `<text x="${n(x)}" y="${n(y)}" text-anchor="${anchor}" fill="${fill}">${escape(body)}</text>`;
  return `<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escape(chart.title)}" font-size="9" font-family="sans-serif">
${l.gridlines.map((g) => `<line x1="${l.plot.left}" x2="${l.plot.right}" y1="${n(g.y)}" y2="${n(g.y)}" stroke="#e3e7ee"/>${text(l.plot.left - 4, g.y + 3, g.label, 'end')}`).join('\n')}
${l.bars.map((b) => `<rect x="${n(b.x)}" y="${n(b.y)}" width="${n(b.width)}" height="${n(b.height)}" fill="${b.color}"/>`).join('\n')}
${l.gaps.map((g) => text(g.x, g.y, g.text, 'middle', '#a11')).join('\n')}
${l.labels.map((t) => text(t.x, t.y, t.text)).join('\n')}
${l.legend.map((e) => `<rect x="${n(e.x)}" y="${n(e.y - 7)}" width="8" height="8" fill="${e.color}"/>${text(e.x + 11, e.y, e.text, 'start', '#1d2433')}`).join('\n')}
</svg><figcaption>${escape(chart.title)}</figcaption></figure>`;
}
