// The city map on a canvas: every grid's outline from /api/v1/territory/map, filled by its load.
// One Path2D a grid is built once, in map units; zoom and pan only change the canvas transform,
// and a redraw fills the grids in one call per colour, so 5,000 grids draw in a few milliseconds
// and a busy feed costs at most one redraw per animation frame.
"use strict";
const LoadColours = [
  { key: "legendNone", colour: "#dfe6ec" },
  { key: "legendOpen", colour: "#8fb8e8" },
  { key: "legendBusy", colour: "#2f6db5" },
  { key: "legendOverdue", colour: "#f0a030" },
  { key: "legendEscalated", colour: "#c0281c" },
];

class CityMap {
  /** @param canvas the canvas to draw on; @param onPick called with a grid id when one is clicked. */
  constructor(canvas, onPick) {
    this.canvas = canvas;
    this.onPick = onPick;
    this.grids = [];
    this.byId = new Map();
    this.areas = new Map();
    this.load = new Map();
    this.selected = null;
    this.view = { scale: 1, x: 0, y: 0 };
    this.pending = false;
    this.stats = {};
    this.listen();
  }

  async loadMap() {
    const started = performance.now();
    const response = await fetch("/api/v1/territory/map", { headers: { "X-Api-Key": Api.key() } });
    if (!response.ok) throw new Api.Problem(response.status, await response.json().catch(() => ({})));
    const map = await response.json();
    const fetched = performance.now();
    this.setMap(map);
    const built = performance.now();
    this.fit(this.bounds);
    this.draw();
    const drawn = performance.now();
    this.stats = { grids: this.grids.length, fetchMs: fetched - started, buildMs: built - fetched, drawMs: drawn - built, totalMs: drawn - started };
    this.canvas.dataset.grids = String(this.grids.length);
    return this.stats;
  }

  setMap(map) {
    this.areas = new Map(map.areas.map(a => [a.id, a]));
    // An equirectangular projection, squeezed by the cosine of the city's latitude: exact enough
    // for a city, and cheap. Map units: x = lon·cos(lat0), y = −lat (north up).
    let latSum = 0, count = 0;
    for (const g of map.grids) for (const r of g.rings) for (let i = 1; i < r.length; i += 2) { latSum += r[i]; count++; }
    this.kx = Math.cos(((count ? latSum / count : 0) * Math.PI) / 180);
    const all = new Path2D();
    const bounds = emptyBounds();
    this.grids = map.grids.map(g => {
      const path = new Path2D();
      const box = emptyBounds();
      for (const ring of g.rings) {
        for (let i = 0; i < ring.length; i += 2) {
          const x = ring[i] * this.kx, y = -ring[i + 1];
          if (i === 0) path.moveTo(x, y); else path.lineTo(x, y);
          extend(box, x, y);
        }
        path.closePath();
      }
      all.addPath(path);
      merge(bounds, box);
      return { id: g.id, name: g.name, community: g.community, path, box, ancestors: this.ancestorsOf(g.community) };
    });
    this.outlines = all;
    this.bounds = bounds;
    this.byId = new Map(this.grids.map(g => [g.id, g]));
  }

  ancestorsOf(areaId) {
    const chain = [];
    for (let id = areaId; id && !chain.includes(id); id = this.areas.get(id)?.parent) chain.push(id);
    return chain;
  }

  /** The bounds of every grid inside an area (a district, street or community id), or of the city. */
  boundsOf(areaId) {
    if (!areaId) return this.bounds;
    const box = emptyBounds();
    for (const g of this.grids) if (g.id === areaId || g.ancestors.includes(areaId)) merge(box, g.box);
    return box.minX <= box.maxX ? box : this.bounds;
  }

  fit(box) {
    const { width, height } = this.size();
    const w = Math.max(box.maxX - box.minX, 1e-9), h = Math.max(box.maxY - box.minY, 1e-9);
    const scale = Math.min((width - 20) / w, (height - 20) / h);
    this.view = { scale, x: (width - w * scale) / 2 - box.minX * scale, y: (height - h * scale) / 2 - box.minY * scale };
    this.request();
  }

  zoomTo(areaId) { this.fit(this.boundsOf(areaId)); }

  zoom(factor, cx, cy) {
    const { width, height } = this.size();
    cx ??= width / 2; cy ??= height / 2;
    const v = this.view;
    this.view = { scale: v.scale * factor, x: cx - (cx - v.x) * factor, y: cy - (cy - v.y) * factor };
    this.request();
  }

  pan(dx, dy) { this.view.x += dx; this.view.y += dy; this.request(); }

  /** Per grid: { open, overdue, escalated }. */
  setLoad(load) { this.load = load; this.request(); }

  select(gridId) { this.selected = gridId; this.request(); }

  colourOf(gridId) {
    const l = this.load.get(gridId);
    if (!l || l.open === 0) return LoadColours[0].colour;
    if (l.escalated > 0) return LoadColours[4].colour;
    if (l.overdue > 0) return LoadColours[3].colour;
    return l.open >= 3 ? LoadColours[2].colour : LoadColours[1].colour;
  }

  /** At most one redraw per animation frame, however many updates arrive. */
  request() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.draw(); });
  }

  size() {
    const rect = this.canvas.getBoundingClientRect();
    return { width: Math.max(rect.width, 1), height: Math.max(rect.height, 1) };
  }

  transform(ctx) {
    const ratio = window.devicePixelRatio || 1, v = this.view;
    ctx.setTransform(ratio * v.scale, 0, 0, ratio * v.scale, ratio * v.x, ratio * v.y);
  }

  draw() {
    const ratio = window.devicePixelRatio || 1;
    const { width, height } = this.size();
    if (this.canvas.width !== Math.round(width * ratio) || this.canvas.height !== Math.round(height * ratio)) {
      this.canvas.width = Math.round(width * ratio);
      this.canvas.height = Math.round(height * ratio);
    }
    const ctx = this.canvas.getContext("2d");
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    if (!this.grids.length) return;
    const byColour = new Map();
    for (const g of this.grids) {
      const colour = this.colourOf(g.id);
      let path = byColour.get(colour);
      if (!path) byColour.set(colour, path = new Path2D());
      path.addPath(g.path);
    }
    this.transform(ctx);
    for (const [colour, path] of byColour) { ctx.fillStyle = colour; ctx.fill(path); }
    ctx.lineWidth = 0.6 / this.view.scale;
    ctx.strokeStyle = "#5b6770";
    ctx.stroke(this.outlines);
    const selected = this.byId.get(this.selected);
    if (selected) {
      ctx.lineWidth = 3 / this.view.scale;
      ctx.strokeStyle = "#111111";
      ctx.stroke(selected.path);
    }
  }

  /** The grid under a point of the canvas (CSS pixels), or null. */
  gridAt(px, py) {
    const v = this.view, x = (px - v.x) / v.scale, y = (py - v.y) / v.scale;
    const ctx = this.canvas.getContext("2d");
    this.transform(ctx);
    const ratio = window.devicePixelRatio || 1;
    for (const g of this.grids) {
      const b = g.box;
      if (x < b.minX || x > b.maxX || y < b.minY || y > b.maxY) continue;
      if (ctx.isPointInPath(g.path, px * ratio, py * ratio)) return g.id;
    }
    return null;
  }

  /** Longitude and latitude of a point of the canvas (CSS pixels). */
  lonLatAt(px, py) {
    const v = this.view;
    return { longitude: (px - v.x) / v.scale / this.kx, latitude: -(py - v.y) / v.scale };
  }

  /** Where a grid's centre is on the page (for tests and keyboard users' tooltips). */
  screenPointOf(gridId) {
    const g = this.byId.get(gridId);
    if (!g) return null;
    const rect = this.canvas.getBoundingClientRect(), v = this.view;
    return { x: rect.left + ((g.box.minX + g.box.maxX) / 2) * v.scale + v.x, y: rect.top + ((g.box.minY + g.box.maxY) / 2) * v.scale + v.y };
  }

  listen() {
    const c = this.canvas;
    let drag = null;
    c.addEventListener("pointerdown", e => { drag = { x: e.clientX, y: e.clientY, moved: false }; c.setPointerCapture(e.pointerId); });
    c.addEventListener("pointermove", e => {
      if (!drag) return;
      const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (drag.moved || Math.abs(dx) + Math.abs(dy) > 4) { drag.moved = true; this.pan(dx, dy); drag.x = e.clientX; drag.y = e.clientY; }
    });
    c.addEventListener("pointerup", e => {
      const wasDrag = drag?.moved;
      drag = null;
      if (wasDrag) return;
      const rect = c.getBoundingClientRect();
      const px = e.clientX - rect.left, py = e.clientY - rect.top;
      this.onPick(this.gridAt(px, py), this.lonLatAt(px, py));
    });
    c.addEventListener("wheel", e => {
      e.preventDefault();
      const rect = c.getBoundingClientRect();
      this.zoom(e.deltaY < 0 ? 1.25 : 0.8, e.clientX - rect.left, e.clientY - rect.top);
    }, { passive: false });
    c.addEventListener("keydown", e => {
      const step = 40;
      const keys = { "+": () => this.zoom(1.25), "=": () => this.zoom(1.25), "-": () => this.zoom(0.8),
        ArrowLeft: () => this.pan(step, 0), ArrowRight: () => this.pan(-step, 0), ArrowUp: () => this.pan(0, step), ArrowDown: () => this.pan(0, -step) };
      if (keys[e.key]) { e.preventDefault(); keys[e.key](); }
    });
    new ResizeObserver(() => this.request()).observe(c);
  }
}

function emptyBounds() { return { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity }; }
function extend(b, x, y) { if (x < b.minX) b.minX = x; if (x > b.maxX) b.maxX = x; if (y < b.minY) b.minY = y; if (y > b.maxY) b.maxY = y; }
function merge(b, o) { extend(b, o.minX, o.minY); extend(b, o.maxX, o.maxY); }

function legend(container) {
  container.replaceChildren(...LoadColours.map(l => {
    // Set through the CSSOM: the page's Content-Security-Policy refuses inline style attributes.
    const swatch = el("span", { class: "swatch", "aria-hidden": "true" });
    swatch.style.background = l.colour;
    return el("span", { class: "legend-item" }, swatch, t(l.key));
  }));
}
