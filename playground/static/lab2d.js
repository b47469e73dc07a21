// The live 2D view. Runs as gr.HTML's js_on_load: `element`, `props`, `server`, `watch` come from Gradio.
// Plotly draws the axes (zoom, pan, ticks); the layers are painted on a canvas laid over Plotly's plot area,
// because repainting ~1000 SVG markers through Plotly costs 80–140 ms a frame in headless Chromium here and a
// canvas paints the same frame in a few ms (benchmarks/live_fps.py).
(function () {
  const $ = (sel) => element.querySelector(sel);
  const plotDiv = $(".lab-plot"), canvas = $(".lab-canvas"), chartDiv = $(".lab-charts");
  const ctx = canvas.getContext("2d");
  const heatCanvas = document.createElement("canvas");
  const state = {
    token: null, route: null, heavy: null, layersVersion: -1, playing: false, busy: false, frame: null, view: null, real: null, run: -1,
    losses: { start: 0, rows: [] }, metrics: { start: 0, rows: [] }, floors: null, modesTotal: null, userZoom: false, ownRelayout: false,
    drawing: false, drawn: [], lastChart: 0, chartsDue: false, chartsDrawn: 0, painted: 0, bytes: 0, frames: 0, started: 0, pending: 0, loops: 0,
    layers: { heatmap: true, manifold: true, real: true, fake: true, arrows: true }, present: false,
  };
  window.ganLab = state; // read by the browser tests and benchmarks/live_fps.py
  const PING_MS = __PING_MS__;  // limits.PAGE_PING_S, filled in by lab2d.build
  const PARENT_ORIGIN = __PARENT_ORIGIN__;  // host.parent_origin(): the page that may embed the lab (a Space's)
  // The lab's words in both languages, from the app's one catalogue (i18n.for_script in lab2d.py); the header's switch
  // says which with a "gp-lang" event (playground/header.py).
  const CATALOGUE = __CATALOGUE__;
  let lang = window.gpLang || ((navigator.language || "").toLowerCase().startsWith("ko") ? "ko" : "en");
  const T = (key, fields) => {
    const text = String((CATALOGUE[lang] || {})[key] || CATALOGUE.en[key] || key)
      .replace(/\{(\w+)\}/g, (m, k) => (fields && k in fields ? said(fields[k]) : m));
    return lang === "ko" && fields ? particles(text) : text;
  };
  // <particles> Korean particles after a filled-in word: catalogue.particles's rule, the same (tests/test_i18n.py)
  const PARTICLES = { "을(를)": ["을", "를"], "이(가)": ["이", "가"], "은(는)": ["은", "는"], "과(와)": ["과", "와"], "(으)로": ["으로", "로"] };
  const DIGIT_FINAL = { 0: "n", 1: "l", 2: "", 3: "n", 4: "", 5: "", 6: "n", 7: "l", 8: "l", 9: "" };
  const LETTER_NAME_FINAL = { l: "l", m: "n", n: "n", r: "l" };
  function finalSound(word) {
    const m = /([0-9A-Za-z\uac00-\ud7a3]+)[^0-9A-Za-z\uac00-\ud7a3]*$/.exec(word);
    if (!m) return null;
    const token = m[1], last = token[token.length - 1];
    if (last >= "\uac00" && last <= "\ud7a3") {
      const jong = (last.charCodeAt(0) - 0xac00) % 28;
      return jong === 0 ? "" : jong === 8 ? "l" : "n";
    }
    if (/[0-9]/.test(last)) {
      const digits = /[0-9]+$/.exec(token)[0].replace(/^0+/, "") || "0";
      return digits !== "0" && digits.endsWith("0") ? "n" : DIGIT_FINAL[digits[digits.length - 1]];
    }
    const letters = /[A-Za-z]+$/.exec(token)[0];
    if (letters === letters.toUpperCase() || (letters.length <= 3 && letters !== letters.toLowerCase()))
      return LETTER_NAME_FINAL[last.toLowerCase()] || "";
    const low = letters.toLowerCase();
    return low.endsWith("l") ? "l" : /(m|n|ng)$/.test(low) ? "n" : "";
  }
  function particles(text) {
    return text.replace(/을\(를\)|이\(가\)|은\(는\)|과\(와\)|\(으\)로/g, (p, at) => {
      const sound = finalSound(text.slice(0, at));
      if (sound === null) return p;
      const [consonant, vowel] = PARTICLES[p];
      if (p === "(으)로") return sound === "" || sound === "l" ? vowel : consonant;
      return sound === "" ? vowel : consonant;
    });
  }
  // </particles>
  // a server's phrase ({key, fields}; a list of them is listed)
  const said = (v) => (Array.isArray(v) ? v.map(said).join(", ") : v && typeof v === "object" ? T(v.key, v.fields) : v);
  function applyLang() {
    element.querySelectorAll("[data-i18n]").forEach((e) => { e.textContent = T(e.dataset.i18n); });
    element.querySelectorAll("[data-i18n-title]").forEach((e) => { e.title = T(e.dataset.i18nTitle); });
    element.querySelectorAll("[data-i18n-aria]").forEach((e) => e.setAttribute("aria-label", T(e.dataset.i18nAria)));
  }

  // PiYG-like diverging colours: magenta (fake side) → white → green (real side)
  const STOPS = [[142, 1, 82], [222, 119, 174], [253, 224, 239], [247, 247, 247], [230, 245, 208], [127, 188, 65], [39, 100, 25]];
  const LUT = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * (STOPS.length - 1), k = Math.min(Math.floor(t), STOPS.length - 2), f = t - k;
    for (let c = 0; c < 3; c++) LUT[i * 3 + c] = STOPS[k][c] + (STOPS[k + 1][c] - STOPS[k][c]) * f;
  }
  const REAL = "#1b7837", FAKE = "#762a83";

  function bytesOf(b64) {  // the `tick` server function's base64 text → the packed reply's bytes
    const bin = atob(b64), buf = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) buf[i] = bin.charCodeAt(i);
    return buf.buffer;
  }
  // A packed reply (frame_protocol.Packer): [uint32 header length][JSON header][blobs]; in the header an array is
  // {"$blob": [offset from the first blob, count, "f32" | "u8"]}, read here as a typed-array view, without copying.
  const utf8 = new TextDecoder();
  function unpack(buf) {
    const n = new DataView(buf).getUint32(0, true), base = 4 + n;
    const restore = (v) => {
      if (Array.isArray(v)) { for (let i = 0; i < v.length; i++) if (v[i] && typeof v[i] === "object") v[i] = restore(v[i]); return v; }
      if (v.$blob) { const [o, c, code] = v.$blob; return code === "u8" ? new Uint8Array(buf, base + o, c) : new Float32Array(buf, base + o, c); }
      for (const k in v) if (v[k] && typeof v[k] === "object") v[k] = restore(v[k]);
      return v;
    };
    return restore(JSON.parse(utf8.decode(new Uint8Array(buf, 4, n))));
  }

  // ---- axes --------------------------------------------------------------------------------------------------
  const layout = {
    margin: { l: 40, r: 10, t: 10, b: 30 }, showlegend: false, hovermode: false, dragmode: "pan",
    xaxis: { range: [-1, 1], constrain: "domain", zeroline: false, showgrid: false },
    yaxis: { range: [-1, 1], scaleanchor: "x", constrain: "domain", zeroline: false, showgrid: false },
    plot_bgcolor: "rgba(0,0,0,0)", paper_bgcolor: "rgba(0,0,0,0)", template: "none", uirevision: "view",
  };
  Plotly.newPlot(plotDiv, [], layout, { displaylogo: false, scrollZoom: true, responsive: true,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "toImage"] });
  plotDiv.on("plotly_relayout", (ev) => {
    if (state.ownRelayout) return;
    if (ev && (ev["xaxis.range[0]"] !== undefined || ev["xaxis.range"] !== undefined)) state.userZoom = true;
    paint();
  });
  plotDiv.on("plotly_doubleclick", () => { state.userZoom = false; fitBox(true); return false; });
  // tick labels at projector size in presentation mode; on a phone, thin margins so the square gets the width
  function plotFrame() {
    const narrow = plotDiv.clientWidth < 420, size = state.present ? (narrow ? 14 : 18) : narrow ? 11 : 13;
    const m = { l: Math.round(size * 2.6), r: narrow ? 4 : 10, t: 6, b: Math.round(size * 1.9) };
    const L = plotDiv._fullLayout;
    if (L && L.font && L.font.size === size && L.margin.l === m.l && L.margin.r === m.r) return false;
    state.ownRelayout = true;
    Plotly.relayout(plotDiv, { "font.size": size, margin: m }).finally(() => { state.ownRelayout = false; paint(); });
    return true;
  }
  new ResizeObserver(() => { if (!plotFrame()) Plotly.Plots.resize(plotDiv); paint(); }).observe(plotDiv);

  function fitBox(force) {
    const f = state.view;
    if (!f || (state.userZoom && !force)) return;
    const xr = plotDiv._fullLayout.xaxis.range, yr = plotDiv._fullLayout.yaxis.range;
    if (!force && xr[0] === f.box[0] && xr[1] === f.box[1] && yr[0] === f.box[2] && yr[1] === f.box[3]) return;
    state.ownRelayout = true;
    Plotly.relayout(plotDiv, { "xaxis.range": [f.box[0], f.box[1]], "yaxis.range": [f.box[2], f.box[3]] })
      .finally(() => { state.ownRelayout = false; paint(); });
  }

  // ---- painting ----------------------------------------------------------------------------------------------
  function geometry() {
    const L = plotDiv._fullLayout;
    if (!L || !L.xaxis || !L.xaxis._length) return null;
    const xa = L.xaxis, ya = L.yaxis;
    return { left: xa._offset, top: ya._offset, w: xa._length, h: ya._length,
      x: (v) => (v - xa.range[0]) / (xa.range[1] - xa.range[0]) * xa._length,
      y: (v) => (1 - (v - ya.range[0]) / (ya.range[1] - ya.range[0])) * ya._length, xa, ya };
  }

  function paint() {
    const g = geometry(), f = state.view;
    if (!g) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.style.left = g.left + "px"; canvas.style.top = g.top + "px";
    canvas.style.width = g.w + "px"; canvas.style.height = g.h + "px";
    if (canvas.width !== Math.round(g.w * dpr)) canvas.width = Math.round(g.w * dpr);
    if (canvas.height !== Math.round(g.h * dpr)) canvas.height = Math.round(g.h * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, g.w, g.h);
    if (f) {
      const L = state.layers;
      if (L.heatmap && f._heat) paintHeat(g, f);
      if (L.manifold) paintManifold(g, f);
      if (L.real && state.real) paintPoints(g, state.real, REAL, 0.55);
      if (L.fake) paintPoints(g, f._fake, FAKE, 0.8);
      if (L.arrows && f._arrows) paintArrows(g, f);
    }
    if (state.drawing || state.drawn.length) paintDrawn(g);
  }

  function paintHeat(g, f) {
    const n = f.heat_n, heat = f._heat;
    if (heatCanvas.width !== n) { heatCanvas.width = n; heatCanvas.height = n; }
    const hctx = heatCanvas.getContext("2d"), img = hctx.createImageData(n, n);
    for (let i = 0; i < n; i++) {       // row i of the grid is y = grid_y[i]: bottom row of the image
      const dst = (n - 1 - i) * n;
      for (let j = 0; j < n; j++) {
        const v = heat[i * n + j] * 3, o = (dst + j) * 4;
        img.data[o] = LUT[v]; img.data[o + 1] = LUT[v + 1]; img.data[o + 2] = LUT[v + 2]; img.data[o + 3] = 190;
      }
    }
    hctx.putImageData(img, 0, 0);
    const [x0, x1, y0, y1] = f.box;
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(heatCanvas, g.x(x0), g.y(y1), g.x(x1) - g.x(x0), g.y(y0) - g.y(y1));
  }

  function paintManifold(g, f) {
    const k = f.manifold_k, m = f.manifold_m, p = f._manifold, dens = f._density;
    if (m > 1 && dens.length) {        // cells shaded by how densely G puts samples there
      for (let i = 0; i < k - 1; i++) for (let j = 0; j < m - 1; j++) {
        const a = dens[i * (m - 1) + j] / 255;
        if (a < 0.02) continue;
        const q = (ii, jj) => [g.x(p[(ii * m + jj) * 2]), g.y(p[(ii * m + jj) * 2 + 1])];
        const c = [q(i, j), q(i + 1, j), q(i + 1, j + 1), q(i, j + 1)];
        ctx.fillStyle = `rgba(118,42,131,${(0.35 * a).toFixed(3)})`;
        ctx.beginPath(); ctx.moveTo(...c[0]); ctx.lineTo(...c[1]); ctx.lineTo(...c[2]); ctx.lineTo(...c[3]); ctx.fill();
      }
    }
    ctx.strokeStyle = "rgba(80,80,80,0.55)"; ctx.lineWidth = 1; ctx.beginPath();
    const line = (idx) => { idx.forEach((t, s) => { const x = g.x(p[t * 2]), y = g.y(p[t * 2 + 1]); s ? ctx.lineTo(x, y) : ctx.moveTo(x, y); }); };
    for (let i = 0; i < k; i++) line([...Array(m).keys()].map((j) => i * m + j));
    if (m > 1) for (let j = 0; j < m; j++) line([...Array(k).keys()].map((i) => i * m + j));
    ctx.stroke();
  }

  function paintPoints(g, pts, colour, alpha) {
    ctx.fillStyle = colour; ctx.globalAlpha = alpha;
    for (let i = 0; i < pts.length; i += 2) {
      const x = g.x(pts[i]), y = g.y(pts[i + 1]);
      if (x < -5 || y < -5 || x > g.w + 5 || y > g.h + 5) continue;
      ctx.beginPath(); ctx.arc(x, y, 2.6, 0, 6.2832); ctx.fill();
    }
    ctx.globalAlpha = 1;
  }

  function paintArrows(g, f) {
    const p = f._fake, a = f._arrows;
    ctx.strokeStyle = "rgba(0,0,0,0.7)"; ctx.lineWidth = 1; ctx.beginPath();
    for (let j = 0; j < a.length; j += 2) {   // arrow j/2 starts at fake sample j/2 × probe.ARROW_EVERY (2)
      const i = 2 * j, x0 = g.x(p[i]), y0 = g.y(p[i + 1]), x1 = g.x(p[i] + a[j]), y1 = g.y(p[i + 1] + a[j + 1]);
      const dx = x1 - x0, dy = y1 - y0, len = Math.hypot(dx, dy);
      if (len < 0.5) continue;
      ctx.moveTo(x0, y0); ctx.lineTo(x1, y1);
      const ux = dx / len, uy = dy / len, h = Math.min(4, len / 2);
      ctx.moveTo(x1, y1); ctx.lineTo(x1 - h * (ux - uy * 0.5), y1 - h * (uy + ux * 0.5));
      ctx.moveTo(x1, y1); ctx.lineTo(x1 - h * (ux + uy * 0.5), y1 - h * (uy - ux * 0.5));
    }
    ctx.stroke();
  }

  function paintDrawn(g) {
    ctx.fillStyle = "#e08214";
    for (const [x, y] of state.drawn) { ctx.beginPath(); ctx.arc(g.x(x), g.y(y), 2.2, 0, 6.2832); ctx.fill(); }
  }

  // ---- charts, readouts, pipeline ------------------------------------------------------------------------------
  // Three stacked charts in one plot, each with its legend above it (a shared legend collided with the x-axis title),
  // KL and JS on their own axes (KL starts near 15 bits and would squash JS), values on hover. The domains are laid
  // out in pixels from the div's size and the legends' measured widths: fixed fractions put a wrapped legend on the
  // tick labels of the chart above whenever the div was short or narrow (a 1366-px projector, a phone).
  const CHART_CONFIG = { displaylogo: false, displayModeBar: false, responsive: true, scrollZoom: false };
  const measure = document.createElement("canvas").getContext("2d");
  const legendsDrawn = { key: "", px: [] };  // the legends' heights as Plotly drew them (see chartLayout)
  function checkLegends(fontSize) {  // a legend Plotly wrapped onto more rows than estimated: lay out again, once
    const key = `${chartDiv.clientWidth || 400}x${fontSize}`;
    const px = ["legend", "legend2", "legend3"].map((c) => {
      const g = chartDiv.querySelector(`g.${c}`);
      return g ? g.getBBox().height : 0;
    });
    const before = legendsDrawn.key === key ? legendsDrawn.px : [];
    const taller = px.some((h, i) => h > Math.max(before[i] || 0, legendSpace[i] || 0) + 2);
    legendsDrawn.key = key;
    legendsDrawn.px = px.map((h, i) => Math.max(h, before[i] || 0));
    if (taller) drawCharts();
  }
  let legendSpace = [];  // the height each legend was given at the last layout
  function legendNames() {
    return [[T("lab.d_loss"), T("lab.g_loss")], [T("lab.chart.js"), T("lab.chart.kl")],
      state.modesTotal ? [T("lab.chart.now"), T("lab.chart.window", { n: state.modeWindow }), T("lab.chart.hq_right")] : []];
  }
  function legendRows(names, fontSize, width) {  // rows a horizontal legend takes: Plotly wraps at the plot's width
    if (!names.length) return 0;
    measure.font = `${fontSize}px "Open Sans", verdana, arial, sans-serif`;
    let rows = 1, used = 0;
    for (const n of names) {
      const w = 46 + measure.measureText(n).width;  // the line's swatch (itemwidth 30) and gaps, then the name
      if (used && used + w > width) { rows += 1; used = 0; }
      used += w;
    }
    return rows;
  }
  function chartLayout(fontSize) {
    const W = chartDiv.clientWidth || 400, H = chartDiv.clientHeight || 470;
    const margin = { l: 8 + 3.6 * fontSize, r: 8 + 3.6 * fontSize, t: 4, b: 10 + 2.2 * fontSize };
    const inner = Math.max(60, H - margin.t - margin.b), wide = Math.max(60, W - margin.l - margin.r);
    const rows = legendNames().map((n) => legendRows(n, fontSize, wide));
    const key = `${W}x${fontSize}`, drawn = legendsDrawn.key === key ? legendsDrawn.px : [];
    // the estimate, or the height Plotly drew the legend at for this width and font where that was taller
    const heights = rows.map((r, i) => (r ? Math.max(r * fontSize * 1.5, drawn[i] || 0) + 6 : 0));
    const tickH = fontSize * 1.5 + 8;
    const chartH = Math.max(10, (inner - heights.reduce((a, h) => a + h, 0) - 2 * tickH) / 3);
    const domains = [];
    let top = inner;
    for (const h of heights) {
      top -= h;
      domains.push([Math.max(0, (top - chartH) / inner), Math.min(1, top / inner)]);
      top -= chartH + tickH;
    }
    legendSpace = heights.map((h) => h - 6);
    const legend = (i) => ({ orientation: "h", x: 0, xanchor: "left", y: domains[i][1] + 2 / inner, yanchor: "bottom",
      font: { size: fontSize }, bgcolor: "rgba(255,255,255,0)", itemwidth: 30 });
    const x = (i, title) => ({ anchor: i ? "y" + (i + 1) : "y", domain: [0, 1], ticklabelstandoff: 3,
      ticklabeloverflow: "hide past domain", title: title ? { text: title, standoff: 8 } : undefined });
    return {
      width: W, height: H, margin, template: "none",
      font: { size: fontSize }, hovermode: "x unified", dragmode: false, showlegend: true,
      legend: legend(0), legend2: legend(1), legend3: legend(2),
      xaxis: x(0), xaxis2: x(1), xaxis3: x(2, T("lab.chart.iteration")),
      yaxis: { domain: domains[0], ticklabelstandoff: 4, anchor: "x", title: { text: T("lab.chart.loss") } },
      yaxis2: { domain: domains[1], ticklabelstandoff: 4, anchor: "x2", title: { text: T("lab.chart.js_bits") }, range: [0, 1.02] },
      yaxis5: { overlaying: "y2", ticklabelstandoff: 4, anchor: "x2", side: "right", title: { text: T("lab.chart.kl_bits") }, rangemode: "tozero", showgrid: false, tickmode: "auto", nticks: chartH < 90 ? 3 : 4 },
      yaxis3: { domain: domains[2], ticklabelstandoff: 4, anchor: "x3", title: { text: T("lab.chart.modes") }, rangemode: "tozero" },
      yaxis4: { overlaying: "y3", ticklabelstandoff: 4, anchor: "x3", side: "right", range: [0, 104], tickmode: "array", tickvals: chartH < 90 ? [0, 50, 100] : [0, 25, 50, 75, 100], title: { text: T("lab.chart.hq") }, showgrid: false },
    };
  }
  // projector sizes in presentation mode (≥ 18 px on a 1920 screen, ≥ 16 px at 1366 and below), 12 px beside the view
  const chartFont = () => (state.present ? (window.innerWidth >= 1600 ? 18 : window.innerWidth >= 900 ? 16 : 14) : 12);
  Plotly.newPlot(chartDiv, [], chartLayout(chartFont()), CHART_CONFIG);
  let chartResize = 0;
  new ResizeObserver(() => {  // the domains follow the div's size: lay them out again, once per animation frame
    if (chartResize) return;
    chartResize = requestAnimationFrame(() => { chartResize = 0; drawCharts(); });
  }).observe(chartDiv);

  function decimate(rows, max) {
    if (rows.length <= max) return rows;
    const step = rows.length / max, out = [];
    for (let i = 0; i < max; i++) out.push(rows[Math.floor(i * step)]);
    out.push(rows[rows.length - 1]);
    return out;
  }

  function drawCharts() {
    const L = decimate(state.losses.rows, 1500), M = state.metrics.rows, col = (rows, k) => rows.map((r) => r[k]);
    const it = col(L, 0), mit = col(M, 0), lines = (t) => t.forEach((x) => { x.mode = "lines"; x.hovertemplate = "%{y:.3~g}"; }), traces = [
      { x: it, y: col(L, 1), name: T("lab.d_loss"), line: { color: "#2166ac", width: 1.5 }, xaxis: "x", yaxis: "y" },
      { x: it, y: col(L, 2), name: T("lab.g_loss"), line: { color: "#b2182b", width: 1.5 }, xaxis: "x", yaxis: "y" },
      { x: mit, y: col(M, 2), name: T("lab.chart.js"), line: { color: "#542788" }, xaxis: "x2", yaxis: "y2", legend: "legend2" },
      { x: mit, y: col(M, 1), name: T("lab.chart.kl"), line: { color: "#e08214" }, xaxis: "x2", yaxis: "y5", legend: "legend2" },
    ];
    const shapes = [];
    if (state.floors) for (const [k, c, y] of [["js", "#542788", "y2"], ["kl", "#e08214", "y5"]])
      shapes.push({ type: "line", xref: "x2 domain", x0: 0, x1: 1, yref: y, y0: state.floors[k], y1: state.floors[k],
        line: { color: c, dash: "dot", width: 1 } });
    if (state.modesTotal) {
      traces.push({ x: mit, y: col(M, 3), name: T("lab.chart.now"), line: { color: "#1b7837" }, xaxis: "x3", yaxis: "y3", legend: "legend3" });
      traces.push({ x: mit, y: col(M, 5), name: T("lab.chart.window", { n: state.modeWindow }), line: { color: "#a6dba0", width: 3 }, xaxis: "x3", yaxis: "y3", legend: "legend3" });
      traces.push({ x: mit, y: col(M, 4), name: T("lab.chart.hq_right"), line: { color: "#762a83", dash: "dash" }, xaxis: "x3", yaxis: "y4", legend: "legend3" });
    }
    lines(traces);
    // an empty or one-row run still gets a sensible iteration axis (Plotly's default for one point is −1…1)
    const first = it.length ? it[0] : 0, last = Math.max(it.length ? it[it.length - 1] : 0, mit.length ? mit[mit.length - 1] : 0);
    const span = [first, Math.max(first + 100, last)], lay = chartLayout(chartFont());
    for (const k of ["xaxis", "xaxis2", "xaxis3"]) lay[k].range = span;
    lay.shapes = shapes;
    lay.yaxis3.range = [0, (state.modesTotal || 1) + 0.5];
    if (!state.modesTotal) {
      lay.yaxis3.visible = lay.yaxis4.visible = lay.xaxis3.visible = false;
      lay.annotations = [{ xref: "paper", yref: "paper", x: 0.5, y: 0.15, showarrow: false, text: T("lab.chart.no_modes") }];
    }
    const size = chartFont();
    Plotly.react(chartDiv, traces, lay, CHART_CONFIG).then(() => checkLegends(size));
  }

  function fmt(v, d = 3) { return v === null || v === undefined ? "–" : Number(v).toFixed(d); }

  function readouts(f) {
    $(".lab-it").textContent = f.iteration;
    $(".lab-dsteps").textContent = f.d_steps;
    $(".lab-gsteps").textContent = f.g_steps;
    $(".lab-ips").textContent = state.playing ? Math.round(f.ips) : "–";
    const pf = f.per_frame, per = $(".lab-perframe");  // what the last frame trained, and why when fewer than asked
    per.textContent = !(pf && state.playing) ? "" : pf.why  // why: {key, fields}, said in the page's language
      ? T("lab.perframe.held", { trained: pf.trained, asked: pf.asked, why: T(pf.why.key, pf.why.fields) })
      : T("lab.perframe", pf);
    per.classList.toggle("held", !!(pf && pf.why));
    const v = f.view;
    $(".pipe-dloss").textContent = fmt(f.d_loss);
    $(".pipe-gloss").textContent = fmt(f.g_loss);
    const slow = $(".lab-slow").checked;
    element.querySelectorAll(".pipe-d, .pipe-g").forEach((e) => e.classList.toggle("active", slow &&
      e.classList.contains(f.next_phase === "D" ? "pipe-d" : "pipe-g")));  // the boxes the next update involves
    $(".lab-phase").textContent = slow ? T("lab.next_step", { phase: f.next_phase }) : "";
    const lo = fmt(v.heat_lo, 2), hi = fmt(v.heat_hi, 2);
    const heat = { probability: "lab.legend.heat.probability", score: "lab.legend.heat.score" }[v.heat_output] || "lab.legend.heat.critic";
    $(".legend-heat").textContent = T(heat, { lo, hi });
    $(".legend-arrows").textContent = T("lab.legend.arrows", { max: fmt(v.arrow_max, 4) });
    const msg = $(".lab-msg");
    if (f.diverged) { msg.textContent = "⚠ " + said(f.diverged); msg.classList.add("show"); }
    else if (msg.dataset.kind !== "info") { msg.textContent = ""; msg.classList.remove("show"); }
  }

  // the running preset's story (LabSession.story): stays while that preset runs, whatever Play or Step do
  function showStory(st) {
    const box = $(".lab-story");
    box.hidden = !st;
    if (!st) return;
    $(".story-name").textContent = T(st.title) + ":";  // the preset as the list names it, never its key
    $(".story-explanation").textContent = T(st.explanation) + (st.pair ? T("lab.compare_with", { pair: T(st.pair) }) : "");
    $(".story-watch").textContent = T("lab.watch") + T(st.watch);
    const h = $(".story-happened");  // happened: {key, fields} once the preset's sign has held
    h.hidden = !st.happened; h.textContent = st.happened ? "✓ " + T(st.happened.key, st.happened.fields) : "";
    const c = $(".story-changed");  // changed: {key, fields} while the state the sign reported has gone
    c.hidden = !st.changed; c.textContent = st.changed ? "→ " + T(st.changed.key, st.changed.fields) : "";
  }

  function info(text) {
    const msg = $(".lab-msg");
    msg.textContent = text; msg.dataset.kind = text ? "info" : ""; msg.classList.toggle("show", !!text);
  }

  // ---- receiving frames (frame_protocol.LabFrame) ------------------------------------------------------------
  // Chart rows are numbered within a run: a frame carries rows from some index on, and the page keeps only those it
  // does not hold yet. (The next request goes out before this frame is taken in, so frames overlap.)
  function takeRows(series, chunk) {
    const have = series.start + series.rows.length, skip = Math.max(0, have - chunk.from);
    if (chunk.from > have) { series.start = chunk.from; series.rows = []; }  // older rows were dropped: start there
    for (let i = skip; i < chunk.rows.length; i++) series.rows.push(chunk.rows[i]);
    if (series.rows.length > 20000) {  // keep the page light on very long runs: every other old row goes
      const kept = decimate(series.rows, 10000);
      series.start += series.rows.length - kept.length; series.rows = kept;
    }
  }
  function accept(p) {
    if (!p || typeof p !== "object") return;
    if (p.error) { info("⚠ " + said(p.error)); setPlaying(false); return; }
    if (p.run !== state.run) {
      state.run = p.run; state.losses = { start: 0, rows: [] }; state.metrics = { start: 0, rows: [] }; state.userZoom = false;
    }
    if (p.real) state.real = p.real;
    takeRows(state.losses, p.losses); takeRows(state.metrics, p.metrics);
    state.floors = p.floors; state.modesTotal = p.modes_total; state.modeWindow = p.mode_window;
    const v = p.view;
    if (v.manifold) {  // a new version of the heavy layers (they come a few times a second; the fakes every frame)
      state.heavy = { _heat: v.heat || null, heat_n: v.heat_n, heat_lo: v.heat_lo, heat_hi: v.heat_hi,
        heat_output: v.heat_output, _manifold: v.manifold, manifold_k: v.manifold_k, manifold_m: v.manifold_m,
        _density: v.density };
      state.layersVersion = p.layers;
    }
    Object.assign(v, state.heavy);
    v._fake = v.fake; v._arrows = v.arrows || null;
    const boxChanged = !state.view || state.view.box.join() !== v.box.join();
    state.frame = p; state.view = v;
    if (!state.firstFrameAt) { state.firstFrameAt = performance.now(); $(".lab-starting").hidden = true; fitPlot(); }  // benchmarks/first_frame.py
    if (boxChanged) fitBox(false);
    paint();
    readouts(p);
    const now = performance.now();
    if (!state.playing || now - state.lastChart > 250 || p.metrics.rows.length) { state.lastChart = now; chartsSoon(); }
    if (p.query !== undefined) shareUrl(p.query);
    if (p.story !== undefined) { state.story = p.story; showStory(p.story); }
    requestAnimationFrame(() => { state.painted += 1; state.paintedAt = performance.now(); });  // benchmarks read both
    if (p.diverged && state.playing) setPlaying(false);
  }

  // The charts are redrawn after the view has been painted: Plotly's redraw of five panels takes 50-130 ms in
  // Chromium, and a Step should show its new view first (benchmarks/controls.py times both).
  function chartsSoon() {
    if (state.chartsDue) return;
    state.chartsDue = true;
    requestAnimationFrame(() => setTimeout(() => { state.chartsDue = false; drawCharts(); state.chartsDrawn += 1; state.chartsAt = performance.now(); }, 0));
  }

  function shareUrl(query) {
    const params = new URLSearchParams(window.location.search);
    for (const k of state.fields || []) params.delete(k);
    for (const [k, v] of new URLSearchParams(query)) params.set(k, v);
    setUrl(params);
  }
  // The link in the address bar follows the run. On a Space the app lives in an iframe whose history never reaches
  // the address bar: the Hub takes the query and hash from a message to the parent page (its documented protocol).
  function setUrl(params) {
    const s = params.toString(), url = window.location.pathname + (s ? "?" + s : "") + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) window.history.replaceState(null, "", url);
    if (window.parent !== window) window.parent.postMessage({ queryString: s, hash: window.location.hash.replace(/^#/, "") }, PARENT_ORIGIN);
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  // One request at a time: a button pressed while a frame is on its way waits for it. (The server computes one
  // frame per page at a time and answers a second request "busy", slowly: that is for clients that flood it.)
  let inflight = Promise.resolve();
  function fetchFrame(action, n) {
    const run = inflight.then(() => sendFrame(action, n), () => sendFrame(action, n));
    inflight = run.catch(() => {});
    return run;
  }
  async function sendFrame(action, n) {
    if (!state.token) throw new Error("no session yet: wait for the page to finish loading");
    state.pending += 1;  // requests on their way (read by the browser tests: "paused" means none left)
    try {
      for (let tries = 0; tries < 20; tries++) {
        const held = (s) => (state.run === -1 ? 0 : s.start + s.rows.length);
        const req = { token: state.token, action, n: n || 1, run: state.run, losses: held(state.losses),
          metrics: held(state.metrics), layers: state.run === -1 ? -1 : state.layersVersion };
        let buf;
        if (state.route) {  // the lab's own route (lab2d.FRAME_ROUTE): the bytes as they are
          const r = await fetch(state.route, { method: "POST", body: JSON.stringify(req), cache: "no-store",
            headers: { "Content-Type": "application/json" } });
          if (!r.ok && r.status !== 413) throw new Error("HTTP " + r.status);
          buf = await r.arrayBuffer();
        } else buf = bytesOf(await server.tick(req));
        const p = unpack(buf);
        if (!p.busy) { state.bytes += buf.byteLength; state.frames += 1; return p; }
      }
      throw new Error("the server stayed busy");
    } finally { state.pending -= 1; }
  }
  async function call(action, n) { accept(await fetchFrame(action, n)); }

  const hidden = () => document.hidden || element.offsetParent === null;
  const request = () => { const slow = $(".lab-slow").checked; return fetchFrame(slow ? "slow" : "play", slow ? 1 : Number($(".lab-speed").value)); };

  // While playing, the next frame is requested as soon as one arrives and before it is painted, so the server
  // trains while the browser paints (one request in flight at a time: no backlog). Every request sent is taken in,
  // the one under way when Pause is pressed too: the page then shows what the server trained.
  async function loop() {
    const mine = ++state.loops;  // Pause then Play before the last frame came back: the older loop ends there
    let pending = request();
    for (;;) {
      const t0 = performance.now();
      let p;
      try { p = await pending; }
      catch (e) { setPlaying(false); info(T("lab.msg.no_answer", { error: e })); break; }
      if (!state.playing || mine !== state.loops) { accept(p); break; }
      if (hidden()) { accept(p); setPlaying(false); info(T("lab.msg.hidden_lab")); break; }
      const slow = $(".lab-slow").checked;
      if (slow) { accept(p); await sleep(Math.max(0, 450 - (performance.now() - t0))); if (state.playing) pending = request(); continue; }
      pending = request();
      accept(p);
      await new Promise((r) => requestAnimationFrame(r));
    }
  }

  function setPlaying(on) {
    state.playing = on;
    const b = $(".lab-play");  // drawn icons: Debian's fonts have no ⏸ glyph
    b.querySelector("path").setAttribute("d", on ? "M1.5 0.5 H4 V9.5 H1.5 Z M6 0.5 H8.5 V9.5 H6 Z" : "M1.5 0.5 L9 5 L1.5 9.5 Z");
    const label = b.querySelector("span");
    label.dataset.i18n = on ? "lab.pause" : "lab.play"; label.textContent = T(label.dataset.i18n);
    b.classList.toggle("playing", on);
    if (on) { if (!state.started) state.started = performance.now(); loop(); }
  }

  async function once(action) {
    if (state.busy) return;
    state.busy = true;
    try { setPlaying(false); info(""); await call(action, 1); }
    catch (e) { info("⚠ " + e); }
    finally { state.busy = false; }
  }

  $(".lab-play").addEventListener("click", () => { info(""); setPlaying(!state.playing); });
  element.querySelectorAll("[data-act]").forEach((b) => b.addEventListener("click", () => once(b.dataset.act)));
  const speed = $(".lab-speed"), speedOut = $(".lab-speed-out");
  speed.addEventListener("input", () => { speedOut.textContent = speed.value; });
  element.querySelectorAll(".lab-layer").forEach((c) => c.addEventListener("change", () => { state.layers[c.value] = c.checked; paint(); }));
  document.addEventListener("visibilitychange", () => { if (document.hidden && state.playing) { setPlaying(false); info(T("lab.msg.hidden_page")); } });

  // ---- a box of the model overview opens that part's settings (as in GAN Lab) --------------------------------------
  element.querySelectorAll(".pipe-box").forEach((box) => box.addEventListener("click", () => {
    if (state.present) setPresent(false);  // the settings live outside the presented view
    const group = document.getElementById("lab-group-" + box.dataset.group.toLowerCase().replace(/[^a-z]+/g, "-"));
    if (!group) return;
    const header = group.querySelector(".label-wrap");
    if (header && !header.classList.contains("open")) header.click();
    group.scrollIntoView({ behavior: "smooth", block: "center" });
  }));

  // ---- presentation mode: the view over the whole page, at projector size (?present=1 opens a link this way) ----
  const presentBtn = $(".lab-present");
  function setPresent(on) {
    state.present = on;
    document.body.classList.toggle("gp-present", on);
    $(".lab").classList.toggle("present", on);
    presentBtn.dataset.i18n = on ? "lab.exit_present" : "lab.present"; presentBtn.textContent = T(presentBtn.dataset.i18n);
    const params = new URLSearchParams(window.location.search);
    if (on) params.set("present", "1"); else params.delete("present");
    setUrl(params);
    drawCharts(); plotFrame(); fitPlot();
  }
  // Beside the settings the square view is as tall as the screen leaves below its own top, so its x axis stays on
  // screen whatever is above it (the intro, a preset's story); presentation mode lays it out by itself.
  const plotWrap = $(".lab-plot-wrap");
  function fitPlot() {
    if (state.present) { plotWrap.style.maxHeight = ""; return; }
    const top = plotWrap.getBoundingClientRect().top + window.scrollY;
    plotWrap.style.maxHeight = `max(300px, calc(100vh - ${Math.round(top) + 12}px))`;
  }
  window.addEventListener("resize", fitPlot);
  new ResizeObserver(fitPlot).observe($(".lab-story"));
  new ResizeObserver(fitPlot).observe($(".lab-toolbar"));
  new ResizeObserver(fitPlot).observe($(".lab-msg"));
  new ResizeObserver(fitPlot).observe(document.body);  // anything above it that grows or folds
  presentBtn.addEventListener("click", () => setPresent(!state.present));
  document.addEventListener("keydown", (e) => { if (e.key === "Escape" && state.present) setPresent(false); });
  if (new URLSearchParams(window.location.search).get("present") === "1") setPresent(true);

  // ---- drawing your own data ------------------------------------------------------------------------------------
  const drawBox = $(".lab-draw");
  drawBox.addEventListener("change", () => {
    state.drawing = drawBox.checked;
    canvas.classList.toggle("drawing", state.drawing);
    if (state.drawing) { setPlaying(false); info(T("lab.msg.drawing")); }
    else info("");
    paint();
  });
  let pointerDown = false;
  function addAt(ev) {
    const g = geometry(), r = canvas.getBoundingClientRect();
    const px = ev.clientX - r.left, py = ev.clientY - r.top, xr = g.xa.range, yr = g.ya.range;
    const x = xr[0] + (px / g.w) * (xr[1] - xr[0]), y = yr[0] + (1 - py / g.h) * (yr[1] - yr[0]);
    const spread = 0.012 * (xr[1] - xr[0]);
    for (let i = 0; i < 3; i++) state.drawn.push([x + (Math.random() - 0.5) * spread * 2, y + (Math.random() - 0.5) * spread * 2]);
    paint();
  }
  canvas.addEventListener("pointerdown", (ev) => { if (!state.drawing) return; pointerDown = true; canvas.setPointerCapture(ev.pointerId); addAt(ev); });
  canvas.addEventListener("pointermove", (ev) => { if (state.drawing && pointerDown) addAt(ev); });
  canvas.addEventListener("pointerup", () => { pointerDown = false; });
  $(".lab-clear").addEventListener("click", () => { state.drawn = []; paint(); });
  $(".lab-use").addEventListener("click", () => {
    if (!state.drawn.length) { info(T("lab.msg.nothing_drawn")); return; }
    setPlaying(false);
    trigger("submit", { points: state.drawn.map(([x, y]) => [+x.toFixed(4), +y.toFixed(4)]) });  // → lab2d.on_drawn
    state.drawn = []; drawBox.checked = false; state.drawing = false; canvas.classList.remove("drawing"); paint();
  });

  // ---- a settings message also appears under the control that caused it (the panel can be far from the view) ----
  let lastField = null, lastFieldAt = 0;
  // a settings field (or the preset): not a container such as #lab-quick, whose note would become a column of its own
  const isField = (b) => b.id === "lab-preset" || (state.fields || []).includes(b.id.slice(4));
  const fieldOf = (t) => {
    let b = t && t.closest && t.closest('[id^="lab-"]');
    while (b && !isField(b)) b = b.parentElement && b.parentElement.closest('[id^="lab-"]');
    return b && !b.contains(element) && !element.contains(b) ? b : null;
  };
  for (const kind of ["input", "change", "focusout", "click"]) document.addEventListener(kind, (e) => {
    const b = fieldOf(e.target);
    if (b) { lastField = b; lastFieldAt = performance.now(); }
  }, true);
  function noteByField(text) {
    document.querySelectorAll(".lab-field-note").forEach((n) => n.remove());
    if (!text || !lastField || performance.now() - lastFieldAt > 10000 || !lastField.isConnected) return;
    const note = document.createElement("div");
    note.className = "lab-field-note"; note.setAttribute("role", "status"); note.textContent = text;
    note.style.cssText = "font-size:13px;margin:2px 0 6px;padding:4px 8px;border-radius:6px;" +
      (text.startsWith("⚠") ? "background:#fdecea;color:#8a1c1c;" : "background:#eaf5e4;color:#23501a;");
    const row = lastField.parentElement.closest(".row");  // fields paired in a row: under the row
    (row && row.closest("#lab-quick") ? row : lastField).insertAdjacentElement("afterend", note);
    setTimeout(() => note.remove(), 8000);
  }

  // ---- what the other events say (props.value): a message, and the run's token; then the page asks for a frame --
  function fromValue() {
    if (!props.value) return;
    let p;
    try { p = JSON.parse(props.value); } catch (e) { console.error("bad lab value", e); return; }
    if (p.token) state.token = p.token;
    if (p.route !== undefined) state.route = p.route ? new URL(p.route, window.location.href).href : null;
    if (p.message !== undefined) { info(p.message); noteByField(p.message); }
    if (p.applies) for (const [name, on] of Object.entries(p.applies)) {  // only the fields that apply (settings.applies)
      const field = document.getElementById("lab-" + name);
      if (field) field.style.display = on ? "" : "none";
    }
    if (p.token && !state.playing) call("frame", 1).catch((e) => info("⚠ " + e));  // playing: the next frame shows it
  }
  watch("value", fromValue);
  // an open page, even paused or hidden, keeps its run: the server frees runs no page has reached for a while
  setInterval(() => { if (state.token) server.alive(state.token).catch(() => {}); }, PING_MS);
  server.fields(null).then((f) => { state.fields = JSON.parse(f); });
  window.addEventListener("gp-lang", (e) => {  // the header's switch: the lab's own words follow at once
    lang = e.detail; applyLang(); drawCharts();
    if (state.frame) readouts(state.frame);
    if (state.story !== undefined) showStory(state.story);
  });
  applyLang();
  fromValue();  // the first frame and the session token arrive with the page-load event (lab2d.on_load)
})();
