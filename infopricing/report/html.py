"""Render report sections as one self-contained HTML file.

The page needs no server and no network: styles, data and scripts are inlined. Figures are
drawn by Plotly's JavaScript bundle, taken from the installed ``plotly`` Python package and
inlined gzip-compressed and base64-encoded (about 2 MB instead of 4.8 MB); the page
decompresses it with the browser's built-in ``DecompressionStream`` before drawing. The
small script below only wires tables (sorting, copying) and the market explorer to the data
embedded in the page; it computes nothing.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
from functools import lru_cache
from pathlib import Path

from .content import Section, Table

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d1d1f;
background:#fafafa;line-height:1.45}
header{background:#23395d;color:#fff;padding:18px 28px}
header h1{margin:0 0 6px;font-size:1.5em}
header dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:8px 0 0;
font-size:.85em}
header dt{opacity:.75} header dd{margin:0;font-family:ui-monospace,monospace;word-break:break-all}
nav{padding:8px 28px;background:#e8edf5;font-size:.9em} nav a{margin-right:16px;color:#23395d}
main{padding:8px 28px 40px;max-width:1200px}
section{background:#fff;border:1px solid #dde;border-radius:6px;margin:18px 0;padding:6px 20px 16px}
h2{margin:12px 0 2px;font-size:1.25em} .ref{color:#666;font-size:.85em;margin:0 0 8px}
.cert{display:inline-block;margin:2px 6px 2px 0;padding:2px 8px;border-radius:10px;font-size:.8em}
.cert.ok{background:#e3f4e1;color:#1e5e1a} .cert.exact{background:#cdeccb;color:#114d0e;font-weight:600}
.cert.gap{background:#fff4d6;color:#6b4e00} .cert.failed{background:#fde0e0;color:#8a1111;font-weight:600}
.cert.none{background:#eee;color:#555}
.figs{display:flex;flex-wrap:wrap;gap:12px} .fig{flex:1 1 480px;min-width:360px}
.fig h3,.tbl h3{font-size:1em;margin:10px 0 2px} .caption{font-size:.8em;color:#555;margin:0 0 4px}
table{border-collapse:collapse;font-size:.85em;margin:4px 0} th,td{border:1px solid #ccd;padding:3px 8px}
th{background:#f0f3f8;cursor:pointer;user-select:none} th.sorted-asc::after{content:" \\25B2"}
th.sorted-desc::after{content:" \\25BC"} td.n{text-align:right;font-variant-numeric:tabular-nums}
.tbl{overflow-x:auto;margin-bottom:8px} button{font-size:.8em;margin-left:8px}
.note{font-size:.8em;color:#555}
#explorer-controls{background:#f5f7fb;border:1px solid #dde;padding:8px 12px;border-radius:6px}
#market-control{width:min(600px,90%)}
#plot-error{color:#8a1111;font-weight:600}
"""

_JS = r"""
(function(){
"use strict";
const DATA = JSON.parse(document.getElementById("ip-data").textContent);
const R = window.ipReport = {data: DATA, ready: false, plotted: 0, selected: null};

function fmt(v){
  if (v === null || v === undefined || v === "") return "";
  if (typeof v !== "number") return String(v);
  if (Math.abs(v) < 5e-13) return "0";
  return String(Number(v.toPrecision(6)));
}
R.fmt = fmt;

/* ---- tables: sort by clicking a header, copy as tab-separated text ---- */
function cellValue(td){
  const v = td.getAttribute("data-value");
  if (v === null) return td.textContent;
  const x = Number(v);
  return (v !== "" && !isNaN(x)) ? x : v;
}
function sortTable(table, col){
  const tb = table.tBodies[0];
  const rows = Array.from(tb.rows).filter(r => !r.classList.contains("fixed"));
  const fixed = Array.from(tb.rows).filter(r => r.classList.contains("fixed"));
  const th = table.tHead.rows[0].cells[col];
  const asc = !th.classList.contains("sorted-asc");
  Array.from(table.tHead.rows[0].cells).forEach(c => c.classList.remove("sorted-asc", "sorted-desc"));
  th.classList.add(asc ? "sorted-asc" : "sorted-desc");
  rows.sort((a, b) => {
    const x = cellValue(a.cells[col]), y = cellValue(b.cells[col]);
    const c = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y));
    return asc ? c : -c;
  });
  rows.concat(fixed).forEach(r => tb.appendChild(r));
}
R.sortTable = sortTable;
function tableText(table){
  return Array.from(table.rows).map(r => Array.from(r.cells).map(c => {
    const v = c.getAttribute("data-value"); return v === null ? c.textContent : v;
  }).join("\t")).join("\n");
}
R.tableText = tableText;
function wireTable(table){
  Array.from(table.tHead.rows[0].cells).forEach((th, i) => th.addEventListener("click", () => sortTable(table, i)));
}
document.querySelectorAll("table.data").forEach(wireTable);
document.querySelectorAll("button.copy").forEach(btn => btn.addEventListener("click", () => {
  const t = document.getElementById(btn.getAttribute("data-table"));
  const text = tableText(t);
  R.lastCopied = text;
  const done = () => { btn.textContent = "copied"; setTimeout(() => btn.textContent = "copy", 1200); };
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(text).then(done, () => { fallbackCopy(text); done(); });
  } else { fallbackCopy(text); done(); }
}));
function fallbackCopy(text){
  const ta = document.createElement("textarea"); ta.value = text; document.body.appendChild(ta);
  ta.select(); try { document.execCommand("copy"); } catch (e) {} ta.remove();
}

/* ---- the market explorer ---- */
function el(tag, attrs, text){
  const e = document.createElement(tag);
  for (const k in (attrs || {})) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;
  return e;
}
function buildTable(id, columns, rows, fixedLast){
  const t = el("table", {id: id, class: "data"});
  const thead = t.createTHead().insertRow();
  columns.forEach(c => thead.appendChild(el("th", {}, c)));
  const tb = t.createTBody();
  rows.forEach((r, i) => {
    const tr = tb.insertRow();
    if (fixedLast && i === rows.length - 1) tr.className = "fixed";
    r.forEach(v => {
      const td = el("td", typeof v === "number" ? {class: "n", "data-value": String(v)} : {}, fmt(v));
      tr.appendChild(td);
    });
  });
  wireTable(t);
  return t;
}
function selectMarket(i){
  const X = DATA.explorer; if (!X) return;
  i = Math.max(0, Math.min(X.rows.length - 1, i | 0));
  const row = X.rows[i], mech = X.mechanisms[row.mechanism];
  R.selected = i;
  const ctl = document.getElementById("market-control");
  const pos = X.order.indexOf(i); if (ctl && Number(ctl.value) !== pos) ctl.value = pos;
  document.getElementById("explorer-market").textContent =
    X.types.map((t, k) => t + " = " + fmt(row.market[k])).join(", ") + (i === X.user ? "  (your market)" : "");
  document.getElementById("explorer-summary").textContent =
    "revenue " + fmt(row.revenue) + "; outcome: " + row.category;
  const menuRows = X.types.map((t, k) => [t, row.market[k]].concat(mech.allocation[k], [mech.payments[k], row.surplus[k]]));
  const menu = document.getElementById("explorer-menu");
  menu.replaceChildren(buildTable("explorer-menu-table",
    ["type", "mass"].concat(X.alternatives.map(a => "P(" + a + ")"), ["payment", "consumer surplus"]), menuRows));
  const segDiv = document.getElementById("explorer-segmentation");
  if (row.segmentation) {
    const s = row.segmentation;
    const segRows = s.weights.map((w, j) => [j + 1, w].concat(s.compositions[j]));
    segDiv.replaceChildren(el("h3", {}, "Pareto-improving segmentation (revenue change " + fmt(s.revenue_change) + ")"),
      buildTable("explorer-segments-table", ["segment", "weight"].concat(X.types), segRows),
      buildTable("explorer-surplus-table", ["type", "CS before", "CS after"],
                 X.types.map((t, k) => [t, row.surplus[k], s.surplus_after[k]])));
  } else {
    segDiv.replaceChildren(el("p", {class: "note"}, "No Pareto-improving segmentation at this market (" + row.category + ")."));
  }
  const map = document.getElementById("fig-market_map");
  if (map && map.data && window.Plotly) {
    const k = map.data.findIndex(tr => tr.name === "selected");
    const xy = X.n_types === 2 ? [row.market[1], row.revenue]
      : [row.market[1] + 0.5 * row.market[2], row.market[2] * Math.sqrt(3) / 2];
    if (k >= 0) Plotly.restyle(map, {x: [[xy[0]]], y: [[xy[1]]]}, [k]);
  }
}
R.selectMarket = selectMarket;
function wireExplorer(){
  const X = DATA.explorer; if (!X) return;
  const ctl = document.getElementById("market-control");
  ctl.addEventListener("input", () => selectMarket(X.order[Number(ctl.value)]));
  document.getElementById("explorer-reset").addEventListener("click", () => selectMarket(X.user));
  const map = document.getElementById("fig-market_map");
  if (map && map.on) map.on("plotly_click", ev => {
    const p = ev.points && ev.points[0];
    if (p && p.customdata !== undefined) selectMarket(Number(p.customdata));
  });
  selectMarket(X.user);
}

/* ---- Plotly: decompress the inlined bundle, then draw every figure ---- */
async function loadPlotly(){
  if (window.Plotly) return;
  const b64 = document.getElementById("ip-plotly").textContent.trim();
  const bin = atob(b64); const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  const code = await new Response(stream).text();
  const s = document.createElement("script"); s.textContent = code; document.head.appendChild(s);
}
async function draw(){
  try {
    if (DATA.plotly_inline !== "plain") await loadPlotly();
    const figs = DATA.figures;
    for (const key in figs) {
      const div = document.getElementById("fig-" + key);
      const f = figs[key];
      await Plotly.newPlot(div, f.data, Object.assign({autosize: true}, f.layout),
                           {responsive: true, displaylogo: false});
      R.plotted += 1;
    }
  } catch (e) {
    const p = document.getElementById("plot-error");
    if (p) p.textContent = "figures could not be drawn: " + e;
    throw e;
  } finally {
    try { wireExplorer(); } finally { R.ready = true; document.body.setAttribute("data-ready", "1"); }
  }
}
draw();
})();
"""


@lru_cache(maxsize=2)
def _plotly_bundle(compressed: bool) -> str:
    try:
        import plotly
    except ImportError:  # pragma: no cover - plotly is a base dependency
        raise ImportError("the report needs plotly: pip install plotly") from None
    js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    raw = js.read_bytes()
    if not compressed:
        return raw.decode("utf-8").replace("</script", "<\\/script")
    return base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")


def _cell(v) -> str:
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return f"<td>{html.escape('' if v is None else str(v))}</td>"
    if isinstance(v, float):
        shown = "0" if abs(v) < 5e-13 else f"{v:.6g}"
        return f'<td class="n" data-value="{v!r}">{shown}</td>'
    if isinstance(v, int):
        return f'<td class="n" data-value="{v}">{v}</td>'
    return f"<td>{html.escape(str(v))}</td>"


def render_table(t: Table, section_key: str) -> str:
    tid = f"tbl-{section_key}-{t.key}"
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in t.columns)
    last = len(t.rows) - 1
    body = "".join(("<tr class=\"fixed\">" if t.fixed_last and i == last else "<tr>")
                   + "".join(_cell(v) for v in r) + "</tr>" for i, r in enumerate(t.rows))
    note = f'<p class="note">{html.escape(t.note)}</p>' if t.note else ""
    return (f'<div class="tbl"><h3>{html.escape(t.title)}<button class="copy" data-table="{tid}">'
            f'copy</button></h3><table class="data" id="{tid}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>{note}</div>")


_CERT_CLASS = {"verified exactly": "exact", "verified": "ok", "proven within a gap": "gap",
               "not checked": "none", "failed": "failed"}


def render_section(s: Section) -> str:
    parts = [f'<section id="sec-{s.key}" data-section="{s.key}"><h2>{html.escape(s.title)}</h2>',
             f'<p class="ref">{html.escape(s.reference)}</p>']
    if s.certificates:
        parts.append('<div class="certs">' + "".join(
            f'<span class="cert {_CERT_CLASS[c.state]}" data-state="{c.state}" '
            f'title="{html.escape(c.detail)}">{html.escape(c.what)}: {html.escape(c.state)}'
            + (f" ({html.escape(c.detail)})" if c.detail else "") + "</span>"
            for c in s.certificates) + "</div>")
    parts += [f"<p>{html.escape(p)}</p>" for p in s.paragraphs]
    if s.explorer is not None:
        n = len(s.explorer["rows"])
        parts.append(
            '<div id="explorer-controls"><label for="market-control">market: </label>'
            f'<input type="range" id="market-control" min="0" max="{n - 1}" step="1" value="0">'
            '<button id="explorer-reset">your market</button>'
            '<div id="explorer-market"></div><div id="explorer-summary"></div></div>'
            '<div id="explorer-menu"></div><div id="explorer-segmentation"></div>')
    if s.figures:
        parts.append('<div class="figs">' + "".join(
            f'<div class="fig"><h3>{html.escape(f.title)}</h3><div id="fig-{f.key}" '
            f'class="plot" data-figure="{f.key}"></div>'
            + (f'<p class="caption">{html.escape(f.caption)}</p>' if f.caption else "") + "</div>"
            for f in s.figures) + "</div>")
    parts += [render_table(t, s.key) for t in s.tables]
    parts.append("</section>")
    return "".join(parts)


def _json_script(obj) -> str:
    return json.dumps(obj, separators=(",", ":"), allow_nan=False).replace("</", "<\\/")


def render(title: str, header: dict, sections, *, compress: bool = True) -> str:
    """The whole page. ``header`` maps labels to values shown under the title (version,
    model hash, parameters)."""
    figures = {}
    explorer = None
    for s in sections:
        for f in s.figures:
            if f.key in figures:
                raise ValueError(f"duplicate figure key {f.key!r}")
            figures[f.key] = f.spec
        if s.explorer is not None:
            explorer = dict(s.explorer)
    if explorer is not None:
        rows = explorer["rows"]
        if explorer["n_types"] == 2:
            order = sorted(range(len(rows)), key=lambda i: (rows[i]["market"][1], i != explorer["user"]))
        else:
            order = list(range(len(rows)))
        explorer["order"] = order
    data = {"figures": figures, "explorer": explorer,
            "plotly_inline": "gzip" if compress else "plain"}
    dl = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(str(v))}</dd>" for k, v in header.items())
    nav = "".join(f'<a href="#sec-{s.key}">{html.escape(s.title)}</a>' for s in sections)
    bundle = _plotly_bundle(compress)
    plotly_tag = (f'<script id="ip-plotly" type="application/octet-stream">{bundle}</script>'
                  if compress else f"<script>{bundle}</script>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
            f"<header><h1>{html.escape(title)}</h1><dl>{dl}</dl></header><nav>{nav}</nav>"
            f'<main><p id="plot-error"></p>{"".join(render_section(s) for s in sections)}</main>'
            f'<script id="ip-data" type="application/json">{_json_script(data)}</script>'
            f"{plotly_tag}<script>{_JS}</script></body></html>\n")
