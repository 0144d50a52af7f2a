'use strict';
// circles.js — the file graph of cgi-bin/ and of htdocs/js/, and the
// circles in it (tests/shell/circles.sh; `node tests/lib/circles.js ROOT
// [--print]` prints the edges).
//
// C (cgi-bin/): an edge A.c → B.c when A.c calls a function that B.c
// defines and exports (a definition at column 0, style(9), not static),
// or includes B's own header B.h.  A header with no .c of its own (nd.h,
// tool.h) is a list of declarations and adds no edge: the calls say which
// file uses which.  Comments, strings and character constants are removed
// first.  A name exported by several files (two programs may each have a
// `user_list`) resolves to the one in the caller's own directory, else
// the library's.
//
// JavaScript (htdocs/js/): an edge A.js → B.js for every static `import
// ... from`, `export ... from`, bare `import '...'` and dynamic
// `import('...')` of a relative path.
//
// A circle is a strongly connected component of more than one file; each
// is reported as one path around it.
const fs = require('fs');
const path = require('path');

function walk(dir, ext, out = []) {
  let ents;
  try { ents = fs.readdirSync(dir, { withFileTypes: true }); } catch { return out; }
  for (const d of ents) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) walk(p, ext, out);
    else if (ext.some((e) => d.name.endsWith(e))) out.push(p);
  }
  return out;
}

// C source with comments, strings and character constants blanked.
function strip(src) {
  return src.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g,
    (m) => m.replace(/[^\n]/g, ' '));
}

function cGraph(root) {
  const base = path.join(root, 'cgi-bin');
  const files = walk(base, ['.c', '.h']);
  const text = new Map(files.map((f) => [f, strip(fs.readFileSync(f, 'utf8'))]));
  const defs = new Map();		// name → [file.c]
  for (const f of files.filter((x) => x.endsWith('.c'))) {
    const lines = text.get(f).split('\n');
    for (let i = 1; i < lines.length; i++) {
      const m = /^([A-Za-z_]\w*)\(/.exec(lines[i]);
      if (!m || m[1] === 'main') continue;
      const prev = lines[i - 1];
      if (!/\S/.test(prev) || /[;{}]\s*$/.test(prev) || /\bstatic\b/.test(prev) || /^#/.test(prev)) continue;
      if (!defs.has(m[1])) defs.set(m[1], []);
      defs.get(m[1]).push(f);
    }
  }
  const lib = path.join(base, 'lib');
  const edges = new Map();
  const add = (a, b, why) => {
    if (a === b) return;
    if (!edges.has(a)) edges.set(a, new Map());
    if (!edges.get(a).has(b)) edges.get(a).set(b, why);
  };
  for (const f of files.filter((x) => x.endsWith('.c'))) {
    const src = text.get(f);
    const raw = fs.readFileSync(f, 'utf8');
    for (const m of raw.matchAll(/^#\s*include\s+"([^"]+)"/mg)) {
      const c = path.join(path.dirname(f), m[1].replace(/\.h$/, '.c'));
      const cl = path.join(lib, m[1].replace(/\.h$/, '.c'));
      const target = fs.existsSync(c) ? c : fs.existsSync(cl) ? cl : null;
      if (target) add(f, target, `#include "${m[1]}"`);
    }
    const seen = new Set();
    for (const m of src.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
      const name = m[1];
      if (seen.has(name) || !defs.has(name)) continue;
      seen.add(name);
      const ds = defs.get(name);
      let to = ds.filter((d) => path.dirname(d) === path.dirname(f));
      if (to.length === 0) to = ds.filter((d) => path.dirname(d) === lib);
      if (to.length === 0) to = ds;
      for (const d of to) add(f, d, `${name}()`);
    }
  }
  return edges;
}

function jsGraph(root) {
  const base = path.join(root, 'htdocs', 'js');
  const files = walk(base, ['.js', '.mjs']);
  const edges = new Map();
  for (const f of files) {
    const src = fs.readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/mg, '');
    const re = /\bimport\s+(?:[\w*{}\s,]+\s+from\s+)?['"]([^'"]+)['"]|\bexport\s+[\w*{}\s,]+\s+from\s+['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
    for (const m of src.matchAll(re)) {
      const spec = m[1] || m[2] || m[3];
      if (!spec.startsWith('.')) continue;
      const to = path.resolve(path.dirname(f), spec);
      if (to === f) continue;
      if (!edges.has(f)) edges.set(f, new Map());
      edges.get(f).set(to, `import '${spec}'`);
    }
  }
  return edges;
}

// Strongly connected components (Tarjan), those of two files or more.
function circles(edges) {
  let index = 0;
  const idx = new Map(), low = new Map(), on = new Set(), stack = [], out = [];
  const nodes = new Set([...edges.keys()]);
  for (const m of edges.values()) for (const k of m.keys()) nodes.add(k);
  const visit = (v) => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); on.add(v);
    for (const w of (edges.get(v) || new Map()).keys()) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do { w = stack.pop(); on.delete(w); comp.push(w); } while (w !== v);
      if (comp.length > 1) out.push(comp);
    }
  };
  for (const v of [...nodes].sort()) if (!idx.has(v)) visit(v);
  return out;
}

// One path around component COMP: from its first file back to it.
function loop(edges, comp) {
  const inComp = new Set(comp);
  const start = comp.slice().sort()[0];
  const prev = new Map([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const [w] of edges.get(v) || []) {
      if (!inComp.has(w)) continue;
      if (w === start) {
        const p = [v];
        for (let u = prev.get(v); u !== null; u = prev.get(u)) p.unshift(u);
        return [...p, start];
      }
      if (!prev.has(w)) { prev.set(w, v); queue.push(w); }
    }
  }
  return comp;
}

function report(root, name, edges) {
  const cs = circles(edges);
  const rel = (f) => path.relative(root, f);
  if (cs.length === 0) {
    console.log(`circles: ${name} has no circle... ok`);
    return 0;
  }
  for (const c of cs) {
    const p = loop(edges, c);
    const steps = p.slice(0, -1).map((f, i) => `${rel(f)} -[${edges.get(f).get(p[i + 1])}]-> `).join('');
    console.log(`circles: ${name} has no circle... fail: ${steps}${rel(p[p.length - 1])}`
      + (c.length > p.length - 1 ? ` (${c.length} files in this circle)` : ''));
  }
  return 1;
}

const root = path.resolve(process.argv[2] || path.join(__dirname, '..', '..'));
if (process.argv.includes('--print')) {
  for (const g of [cGraph(root), jsGraph(root)])
    for (const [a, m] of g) for (const [b, why] of m)
      console.log(`${path.relative(root, a)} -> ${path.relative(root, b)}\t${why}`);
  process.exit(0);
}
let bad = report(root, 'cgi-bin', cGraph(root));
bad |= report(root, 'htdocs/js', jsGraph(root));
process.exit(bad ? 1 : 0);
