/**
 * `npx tsx bench/flame.ts <in.cpuprofile> <out.svg> [title]`: a flame graph of a
 * V8 CPU profile (from `npm run bench -- --profile`, or `node --cpu-prof`), and
 * the functions with the most self time, by package, on stdout. Idle time is
 * left out: the graph is what the CPU did.
 */
import { readFile, writeFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
}

interface Frame {
  name: string;
  where: string;
  self: number;
  total: number;
  children: Frame[];
}

/** Where a frame's code lives: a package, Node itself, V8, or this repository's folder. */
function placeOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? 'v8' : 'native';
  if (url.startsWith('node:')) return 'node';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const ours = /\/(api|activities|workflows|worker|config|runtime|sandbox|bench|scripts)\//.exec(url);
  return ours ? ours[1]! : 'other';
}

function tree(profile: Profile): Frame {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const hits = new Map<number, number>();
  for (const id of profile.samples ?? []) hits.set(id, (hits.get(id) ?? 0) + 1);
  const build = (node: ProfileNode): Frame => {
    const children = (node.children ?? []).map((id) => build(byId.get(id)!)).filter((f) => f.total > 0);
    const self = hits.get(node.id) ?? node.hitCount ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.split('/').slice(-1)[0] ?? '';
    return {
      name: functionName || '(anonymous)',
      where: url ? `${placeOf(url, functionName)} ${file}:${lineNumber + 1}` : placeOf(url, functionName),
      self,
      total: self + children.reduce((sum, c) => sum + c.total, 0),
      children: children.sort((a, b) => b.total - a.total),
    };
  };
  const root = build(profile.nodes[0]!);
  // Idle is the CPU waiting, not working.
  root.children = root.children.filter((c) => c.name !== '(idle)');
  root.self = 0;
  root.total = root.children.reduce((sum, c) => sum + c.total, 0);
  return root;
}

const COLOURS: Record<string, string> = { v8: '#c9c9c9', node: '#9ecae1', native: '#bdbdbd' };
function colourOf(where: string): string {
  const place = where.split(' ')[0]!;
  if (COLOURS[place]) return COLOURS[place];
  if (/^(api|activities|workflows|worker|config|runtime|sandbox|bench|scripts)$/.test(place)) return '#fd8d3c';
  let hash = 0;
  for (const ch of place) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `hsl(${30 + (hash % 40)}, 70%, ${55 + (hash % 20)}%)`;
}

const escape = (text: string) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

function svg(root: Frame, title: string): string {
  const width = 1200;
  const row = 16;
  const rects: string[] = [];
  let depthMax = 0;
  const draw = (frame: Frame, x: number, depth: number) => {
    const w = (frame.total / root.total) * width;
    if (w < 0.5) return;
    depthMax = Math.max(depthMax, depth);
    const y = depth * row;
    const share = ((frame.total / root.total) * 100).toFixed(1);
    const label = w > 40 ? escape(`${frame.name}`.slice(0, Math.floor(w / 7))) : '';
    rects.push(
      `<g><title>${escape(`${frame.name} (${frame.where}): ${share} % of the CPU`)}</title>` +
        `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${row - 1}" fill="${colourOf(frame.where)}"/>` +
        (label ? `<text x="${(x + 3).toFixed(1)}" y="${y + 11}">${label}</text>` : '') +
        `</g>`,
    );
    let childX = x;
    for (const child of frame.children) {
      draw(child, childX, depth + 1);
      childX += (child.total / root.total) * width;
    }
  };
  root.name = 'all CPU time (idle left out)';
  root.where = '';
  draw(root, 0, 1);
  const height = (depthMax + 2) * row;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="monospace" font-size="11">`,
    `<text x="0" y="12" font-weight="bold">${escape(title)} (callers above callees; width is CPU time; hover for the function)</text>`,
    ...rects,
    '</svg>',
  ].join('\n');
}

/** Self time summed per function and per package, the heaviest first. */
function hotspots(root: Frame): { functions: [string, number][]; places: [string, number][] } {
  const functions = new Map<string, number>();
  const places = new Map<string, number>();
  const visit = (frame: Frame) => {
    if (frame.self > 0) {
      const key = `${frame.name} (${frame.where})`;
      functions.set(key, (functions.get(key) ?? 0) + frame.self);
      const place = frame.where.split(' ')[0] || 'v8';
      places.set(place, (places.get(place) ?? 0) + frame.self);
    }
    frame.children.forEach(visit);
  };
  visit(root);
  const top = (m: Map<string, number>, n: number) =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n) as [string, number][];
  return { functions: top(functions, 15), places: top(places, 12) };
}

const [input, output, title = input ?? ''] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: tsx bench/flame.ts <in.cpuprofile> <out.svg> [title]');
  process.exit(2);
}
const root = tree(JSON.parse(await readFile(input, 'utf8')) as Profile);
const { functions, places } = hotspots(root);
await writeFile(output, svg(root, title));
const pct = (n: number) => `${((n / root.total) * 100).toFixed(1)} %`;
console.log(`${output}: ${root.total} samples of CPU`);
console.log('\nself time by package or folder:');
for (const [place, n] of places) console.log(`  ${pct(n).padStart(7)}  ${place}`);
console.log('\nfunctions with the most self time:');
for (const [name, n] of functions) console.log(`  ${pct(n).padStart(7)}  ${name}`);
