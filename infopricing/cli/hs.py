"""HS commands: ``pareto`` (Pareto-improving segmentation of a model's market)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .choices import Selection
from .common import (check_plot_path, console, err_console, fail_if, fmt, model_errors,
                     output_errors, print_json, progress_bar, table)


def register(app: typer.Typer) -> None:
    app.command("pareto")(pareto)


def _plot_paths(base: Path) -> dict:
    stem, suf = base.with_suffix(""), base.suffix or ".png"
    return {"bars": base if base.suffix else base.with_suffix(".png"),
            "fig1": Path(f"{stem}_fig1{suf}"), "fig2": Path(f"{stem}_fig2{suf}")}


def pareto(model: Path = typer.Argument(..., help="TOML/JSON model file with [environment] and [market]."),
           selection: Selection = typer.Option("efficient",
                                   help="Selection rule among optimal menus (HS section 4)."),
           exact: bool = typer.Option(False, "--exact", help="Also decide improvability exactly "
                                      "(small environments; HS item 6)."),
           plot: Optional[Path] = typer.Option(None, "--plot", help="Write figures: PATH (per-segment "
                                               "surplus bars), PATH_fig1 (two types: HS Figure 1), "
                                               "PATH_fig2 (2-3 types: HS Figure 2)."),
           json_out: bool = typer.Option(False, "--json", help="Print JSON instead of tables.")):
    """Pareto-improving segmentation of the model's market (HS sections 5-6): efficiency,
    information-rent paths, the Proposition 3 dominating market, the Theorem 1 two-segment
    segmentation (or why none), per-type surplus.

    Exit status: 0 when every part of the analysis verifies, 1 when a verification failed
    (the output and figures are still written), 2 for bad input (model file, options, a
    --plot path whose directory does not exist or whose format is not supported)."""
    from .common import load_model
    from ..segmentation.pareto import pareto_analysis

    with model_errors():
        plot = check_plot_path(plot)  # the _fig1/_fig2 files share its directory and format
        env, market = load_model(model, "environment", "market")
        if market is None:
            raise ValueError(f"{model}: field 'market': missing table [market]")
        try:
            with progress_bar(json_out) as prog:  # as disclose does
                task = prog.add_task("exact decision: cells", total=None)
                res = pareto_analysis(env, market, selection=selection, exact=exact,
                                      progress=lambda i, n: prog.update(task, completed=i, total=n))
        except ImportError as exc:
            raise ValueError(f"--exact needs the exact module: {exc}") from None
    check = res.verify()
    # the improving segmentation is also re-checked in exact arithmetic (shown in the table)
    seg_check = (res.improvement.verify(exact=True)
                 if res.improvement.segmentation is not None else None)
    failures = list(check.failures) + ([] if seg_check is None or seg_check.ok else
                                       ["exact: " + f for f in seg_check.failures])
    if json_out:
        d = res.as_dict()
        d["verification"] = check.as_dict()
        if seg_check is not None:
            d["segmentation_exact_verification"] = seg_check.as_dict()
        print_json(d)
    else:
        _render(res, env, seg_check)
        console.print("verification: " + ("passed" if not failures else "FAILED: " + "; ".join(failures)))
    if plot is not None:
        with output_errors(plot):
            _write_plots(res, env, plot, market)
    fail_if(bool(failures))


def _render(res, env, seg_check):
    m = res.mechanism
    console.print(m.menu_table())
    console.print(f"revenue {fmt(m.revenue)}   efficient: {m.is_efficient}")
    for p in res.paths:
        console.print(f"information-rent path (HS 6.1.2): {' -> '.join(p.labels)} "
                      f"(surplus {', '.join(fmt(float(s)) for s in p.surplus)})")
    D = res.dominating
    if D is not None:
        if D.exists:
            console.print("dominating market (HS Proposition 3): "
                          + ", ".join(f"{env.types[t]}={x}" for t, x in enumerate(D.exact_probabilities) if x)
                          + f"   chain {' -> '.join(env.types[t] for t in D.chain)}; "
                          f"LP confirms M* unique optimal: {D.confirmed}")
        else:
            console.print(f"dominating market: none — {D.reason}")
    imp = res.improvement
    console.print(f"[bold]Pareto improvable ({imp.method}):[/] {imp.improvable} — {imp.reason}")
    rows = []
    seg = imp.segmentation
    for t in range(env.n_types):
        row = [env.types[t], float(res.market.probabilities[t]), float(m.utilities[t])]
        if D is not None and D.exists:
            row.append(float(D.surplus_star[t]) if D.exact_probabilities[t] > 0 else "-")
        if seg is not None:
            for i in range(seg.n_segments):
                row.append(float(seg.surplus[i, t]) if seg.segment_probabilities[i, t] > 0 else "-")
        rows.append(row)
    cols = ["type", "mass", "CS unsegmented"]
    if D is not None and D.exists:
        cols.append("CS dominating f'")
    if seg is not None:
        cols += [f"CS segment {i} (w={seg.weights[i]:.4g})" for i in range(seg.n_segments)]
    console.print(table("Per-type consumer surplus", cols, rows))
    if seg is not None:
        console.print(f"revenue change {fmt(seg.revenue_change)}   consumer surplus change "
                      f"{fmt(seg.consumer_surplus_change)}   exact verification: "
                      f"{'passed' if seg_check.ok else 'FAILED'}")
    ex = res.exact_improvement
    ans = res.answer
    if ex is not None:
        console.print(f"[bold]exact:[/] improvable {ex.improvable} — {ex.reason}")
        if ex.segmentation is not None and ans is not ex:
            _render_answer(ex, "exact", env, title="exact segmentation")
    _render_answer(ans, "exact" if ans is ex else "theorem", env)
    if res.profile is not None:
        p = res.profile
        console.print(f"two types (HS section 5): thresholds {', '.join(str(q) for q in p.thresholds)}; "
                      f"high-type surplus {', '.join(str(a) for a in p.surplus)}; "
                      f"inefficient non-improvable markets: {', '.join(str(q) for q in p.non_improvable) or 'none'}")
    for note in res.notes:
        console.print(f"[yellow]note:[/] {note}")


def _render_answer(ans, source: str, env, title: str = "answer"):
    """The answer a reader takes away: the construction, the seller's revenue before and
    after, and per segment its composition, its menu and each type's surplus before and
    after (all from the library's result; nothing is computed here)."""
    seg = ans.segmentation
    gain = "-" if seg is None else ("yes" if ans.seller_gains_strictly else "no (indifferent)")
    console.print(f"[bold]{title} ({source}):[/] Pareto improvable {ans.improvable}; construction: "
                  f"{ans.construction}; seller gains strictly: {gain}")
    if seg is None:
        return
    console.print(f"seller revenue before {fmt(seg.original.revenue)}, after {fmt(seg.revenue)} "
                  f"(change {fmt(seg.revenue_change)})")
    for i in range(seg.n_segments):
        d = seg.segment_detail(i)
        comp = ", ".join(f"{t}={fmt(x)}" for t, x in d["composition"].items())
        rows = [[m["type"], d["composition"][m["type"]],
                 ", ".join(f"{a}:{fmt(x)}" for a, x in m["item"].items() if abs(x) > 5e-13) or "nothing",
                 m["price"], d["surplus_before"][m["type"]], d["surplus_after"][m["type"]]]
                for m in d["menu"]]
        console.print(table(f"segment {i} (weight {fmt(d['weight'])}; composition {comp}): "
                            f"seller-optimal menu ({seg.selection}), revenue {fmt(d['revenue'])}",
                            ["type", "mass", "item", "price", "surplus before", "surplus after"], rows))


def _write_plots(res, env, base: Path, market=None):
    from ..segmentation.genericity import genericity_hyperplanes
    from ..segmentation.plots_hs import (plot_genericity, plot_segmentation_surplus,
                                         plot_two_type_profile)

    paths = _plot_paths(base)
    written = []
    seg = res.improvement.segmentation
    if res.exact_improvement is not None and res.exact_improvement.segmentation is not None:
        seg = res.exact_improvement.segmentation
    if seg is not None:
        plot_segmentation_surplus(seg).savefig(paths["bars"], dpi=120)
        written.append(paths["bars"])
    if res.profile is not None:
        plot_two_type_profile(res.profile, market=market).savefig(paths["fig1"], dpi=120)
        written.append(paths["fig1"])
    if env.n_types in (2, 3):
        g = genericity_hyperplanes(env)
        with progress_bar() as prog:
            task = prog.add_task("market simplex", total=None)
            fig = plot_genericity(g, res.profile, market=market,
                                  progress=lambda i, n: prog.update(task, completed=i, total=n))
        fig.savefig(paths["fig2"], dpi=120)
        written.append(paths["fig2"])
    for p in written:
        err_console.print(f"wrote {p}")
    if not written:
        err_console.print("nothing to plot (no segmentation, more than 3 types)")
