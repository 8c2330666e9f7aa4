// A small London map with the boroughs a service covers filled in.
import { svg } from './dom.js';

let outlines = null;
export function setMap(map) { outlines = map; }

export function coverageMap(coverage, label) {
  if (!outlines) return null;
  const all = coverage.london_wide || coverage.national;
  const covered = new Set(coverage.boroughs);
  const root = svg('svg', { viewBox: outlines.view_box, class: 'map', role: 'img', 'aria-label': label });
  const title = svg('title');
  title.textContent = label;
  root.append(title);
  for (const b of outlines.boroughs) {
    const on = all || covered.has(b.gss_code);
    const path = svg('path', { d: b.path, class: on ? 'borough covered' : 'borough' });
    const name = svg('title');
    name.textContent = b.name;
    path.append(name);
    root.append(path);
  }
  return root;
}
