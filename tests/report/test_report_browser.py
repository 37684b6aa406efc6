"""Every example's report opened from disk in a real headless Chromium with the network
disabled: no console errors, every figure drawn, table values equal to the library's, the
market control showing the optimal menu of the market it selects, a screenshot that is not
blank.

Skipped (with the reason) only where no Chromium executable can be found; `.ci/run`
installs Debian's ``chromium`` when it is missing.
"""

import io
import shutil
from pathlib import Path

import numpy as np
import pytest

import infopricing as ip
from infopricing.io import load_environment
from infopricing.report import report

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.toml"))


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        p = shutil.which(name)
        if p:
            return p
    return None


CHROMIUM = _chromium()
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")
pytestmark = [pytest.mark.skipif(CHROMIUM is None, reason="no Chromium executable on PATH "
                                 "(.ci/run installs Debian's chromium)"),
              pytest.mark.browser]

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    d = tmp_path_factory.mktemp("reports")
    out = {}
    for path in EXAMPLES:
        html = d / (path.stem + ".html")
        rep = report(path, html)
        out[path.stem] = (rep, html)
    return out


def _open(browser, html: Path):
    ctx = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    log = {"errors": [], "requests": []}
    page.on("console", lambda m: m.type in ("error", "warning") and log["errors"].append(m.text))
    page.on("pageerror", lambda e: log["errors"].append(str(e)))

    def route(r):
        if r.request.url.startswith("file://"):
            r.continue_()
        else:  # anything else would be the network
            log["requests"].append(r.request.url)
            r.abort()
    page.route("**/*", route)
    page.goto(html.as_uri())
    page.wait_for_function("window.ipReport && window.ipReport.ready === true", timeout=60_000)
    return ctx, page, log


def _not_blank(png: bytes) -> bool:
    import matplotlib.image as mpimg

    img = mpimg.imread(io.BytesIO(png), format="png")[..., :3]
    flat = img.reshape(-1, 3)
    # a blank page is (nearly) one colour; a rendered report has text, bars and lines
    distinct = np.unique((flat * 255).astype(np.uint8), axis=0).shape[0]
    return distinct > 50 and float(flat.std()) > 0.05


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_report_renders_offline(browser, reports, name, tmp_path):
    rep, html = reports[name]
    assert html.stat().st_size < 3_000_000
    ctx, page, log = _open(browser, html)
    try:
        assert log["errors"] == [] and log["requests"] == []
        n_specs = sum(len(s.figures) for s in rep.sections)
        assert page.evaluate("window.ipReport.plotted") == n_specs > 0
        # every figure drawn: each trace of each figure has drawn marks in the SVG
        for s in rep.sections:
            for f in s.figures:
                marks = page.evaluate(
                    """key => { const d = document.getElementById('fig-' + key);
                       return Array.from(d.querySelectorAll('g.trace')).map(
                         g => g.querySelectorAll('path.point, g.point > path, path.js-line, path.js-fill, g.textpoint').length); }""",
                    f.key)
                assert len(marks) == len(f.spec["data"]), (f.key, marks)
                assert all(m > 0 for m in marks), (f.key, marks)
        # every table value shown equals the report's (the library's) value
        for s in rep.sections:
            for t in s.tables:
                cells = page.evaluate(
                    """id => Array.from(document.getElementById(id).tBodies[0].rows).map(
                         r => Array.from(r.cells).map(c => c.getAttribute('data-value') ?? c.textContent))""",
                    f"tbl-{s.key}-{t.key}")
                assert len(cells) == len(t.rows)
                for got, want in zip(cells, t.rows):
                    for g, w in zip(got, want):
                        if isinstance(w, float):
                            assert float(g) == w
                        elif w is not None and not isinstance(w, bool):
                            assert g == str(w)
        # certificates shown with their state
        states = page.evaluate("Array.from(document.querySelectorAll('.cert')).map(e => e.dataset.state)")
        assert states == [c.state for c in rep.certificates]
        png = page.screenshot(full_page=True)
        (tmp_path / f"{name}.png").write_bytes(png)
        assert _not_blank(png)
    finally:
        ctx.close()


def _menu_shown(page):
    return page.evaluate("""() => Array.from(document.getElementById('explorer-menu-table').tBodies[0].rows)
        .map(r => Array.from(r.cells).map(c => c.getAttribute('data-value') ?? c.textContent))""")


@pytest.mark.parametrize("name", ["hs_section3", "hs_section611"])
def test_market_control_shows_the_optimal_menu(browser, reports, name):
    rep, html = reports[name]
    env, _ = load_environment(ROOT / "examples" / f"{name}.toml")
    k = env.n_alternatives
    ctx, page, log = _open(browser, html)
    try:
        ex = page.evaluate("window.ipReport.data.explorer")
        n = len(ex["rows"])
        for pos in (0, n // 3, n - 1):
            # move the real control: keyboard on the focused range input
            page.focus("#market-control")
            page.evaluate(f"document.getElementById('market-control').value = {pos}")
            page.dispatch_event("#market-control", "input")
            i = ex["order"][pos]
            f = np.array(ex["rows"][i]["market"], dtype=float)
            shown = _menu_shown(page)
            m = ip.optimal_mechanism(env, ip.Market(env, f, normalize=True))
            assert len(shown) == env.n_types
            alloc = np.array([[float(x) for x in r[2:2 + k]] for r in shown])
            pay = np.array([float(r[2 + k]) for r in shown])
            # the displayed menu earns the optimal revenue on the selected market
            assert float(f @ pay) == pytest.approx(m.revenue, abs=1e-8)
            # and on the types with mass it is the library's selected menu
            on = f > 0
            assert alloc[on] == pytest.approx(m.allocation[on], abs=1e-8)
            assert pay[on] == pytest.approx(m.payments[on], abs=1e-8)
            label = page.inner_text("#explorer-market")
            assert env.types[0] in label
        page.evaluate("document.getElementById('market-control').value = 0")
        page.dispatch_event("#market-control", "input")
        page.press("#market-control", "ArrowRight")   # a keyboard step also updates the menu
        assert page.evaluate("window.ipReport.selected") == ex["order"][1]
        page.click("#explorer-reset")
        assert page.evaluate("window.ipReport.selected") == ex["user"]
        assert log["errors"] == []
    finally:
        ctx.close()


def test_clicking_the_simplex_selects_a_market(browser, reports):
    rep, html = reports["hs_section611"]
    ctx, page, log = _open(browser, html)
    try:
        before = page.evaluate("window.ipReport.selected")
        # the centre of a drawn grid marker of the first outcome trace
        point = page.locator("#fig-market_map g.trace.scatter").first.locator("path.point").nth(0)
        point.scroll_into_view_if_needed()
        box = point.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x - 5, y - 5)
        page.mouse.move(x, y, steps=5)            # Plotly finds the point on hover
        page.mouse.click(x, y)
        page.wait_for_function(f"window.ipReport.selected !== {before}", timeout=10_000)
        after = page.evaluate("window.ipReport.selected")
        assert after != before and log["errors"] == []
    finally:
        ctx.close()


def test_tables_sort_and_copy(browser, reports):
    rep, html = reports["hs_section611"]
    ctx, page, log = _open(browser, html)
    try:
        tid = "tbl-hs_menu-menu"
        col = ["type", "mass"].index("mass")
        page.click(f"#{tid} thead th:nth-child({col + 1})")
        masses = page.evaluate(f"""Array.from(document.getElementById('{tid}').tBodies[0].rows)
            .map(r => Number(r.cells[{col}].dataset.value))""")
        assert masses == sorted(masses)
        page.click(f"#{tid} thead th:nth-child({col + 1})")
        masses = page.evaluate(f"""Array.from(document.getElementById('{tid}').tBodies[0].rows)
            .map(r => Number(r.cells[{col}].dataset.value))""")
        assert masses == sorted(masses, reverse=True)
        # the averaged row of the segments table stays last when sorted
        sid = "tbl-hs_pareto-segments"
        page.click(f"#{sid} thead th:nth-child(2)")
        last = page.evaluate(f"""(() => {{ const r = document.getElementById('{sid}').tBodies[0].rows;
            return r[r.length - 1].cells[0].textContent; }})()""")
        assert last == "average"
        page.click(f"button.copy[data-table='{tid}']")
        text = page.evaluate("window.ipReport.lastCopied")
        lines = text.split("\n")
        assert lines[0].split("\t")[:2] == ["type", "mass"] and len(lines) == 4
    finally:
        ctx.close()
