// A small London map with the boroughs a service covers filled in.
import { svg } from './dom.js';

let bundled = null;
export function setMap(map) { bundled = map; }
export const outlines = () => bundled;

export function coverageMap(coverage, label) {
  if (!bundled) return null;
  const all = coverage.london_wide || coverage.national;
  const covered = new Set(coverage.boroughs);
  const root = svg('svg', { viewBox: bundled.view_box, class: 'map', role: 'img', 'aria-label': label });
  const title = svg('title');
  title.textContent = label;
  root.append(title);
  for (const b of bundled.boroughs) {
    const on = all || covered.has(b.gss_code);
    const path = svg('path', { d: b.path, class: on ? 'borough covered' : 'borough' });
    const name = svg('title');
    name.textContent = b.name;
    path.append(name);
    root.append(path);
  }
  return root;
}
