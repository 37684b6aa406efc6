"""CLI commands of BBM25: ``compete`` and ``hotelling``. Parse, call, render."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import (check_int, check_plot_path, console, fail_if, fmt, model_errors, output_errors,
                     print_json, progress_bar, table)


def register(app) -> None:
    """Add this area's commands to the app."""
    app.command("compete")(compete)
    app.command("hotelling")(hotelling)


def compete(model: Path = typer.Argument(..., help="TOML/JSON model file with a \\[game] table."),
            grid: int = typer.Option(401, help="Grid prices per signal in the equilibrium check."),
            no_info_grid: int = typer.Option(81, "--no-info-grid",
                                             help="Even-grid prices (>= 2) of the no-information benchmark's "
                                                  "finite game: the finest level. With two producers the exact "
                                                  "path climbs a coarse-to-fine ladder of even grids up to this "
                                                  "size and may stop at a coarser level when Lemke's pivot "
                                                  "budget runs out; the text output shows the price counts "
                                                  "per (producer, cost) of the grid it reports."),
            refine: int = typer.Option(1, help="Refinement rounds (>= 0) per grid level of the no-information benchmark."),
            plot: Optional[Path] = typer.Option(None, "--plot", help="Write the figure of consumer surplus along the mixtures of no information with the consumer-optimal structure and with complete information, the three benchmarks marked."),
            json_out: bool = typer.Option(False, "--json", help="Print JSON instead of tables.")):
    """Bertrand competition (BBM25): bounds, the Theorem 1 construction, its equilibrium
    check, and the welfare of no segmentation, complete information and consumer-optimal
    information (the no-information benchmark: exact grid equilibria for one or two
    producers, fictitious play for three or more, each with its epsilon reported).

    Exit status: 0 when the Theorem 1 construction verifies (prior, averaging, bounds,
    efficiency and the equilibrium check), 1 when it does not (the tables are still
    printed), 2 for bad input (one-line message).
    A no-information benchmark that could not be computed is reported, not a failure; a
    given segmentation ([information]) whose equilibria could not be computed is reported
    and exits 1."""
    from ..competition import (alignment_construction, complete_information_outcome,
                               no_information_outcome)
    from ..competition.public_segments import evaluate_public_segmentation, load_public_segmentation
    from ..errors import SolverError

    with model_errors():
        check_int(grid, "--grid", 3)
        check_int(no_info_grid, "--no-info-grid", 2)
        check_int(refine, "--refine", 0)
        plot = check_plot_path(plot)
        game, seg_weights, seg_rows = load_public_segmentation(model)
        cons = alignment_construction(game)
        check = cons.verify(size=grid)
        eq = check.details["equilibrium"]
        full = complete_information_outcome(game)
        try:
            with progress_bar(json_out) as prog:
                task = prog.add_task("no-information benchmark", total=None)
                none = no_information_outcome(
                    game, size=no_info_grid, refine=refine,
                    progress=lambda i, n: prog.update(task, completed=i, total=n))
            none_reason = ""
        except SolverError as exc:
            none, none_reason = None, str(exc)
        given = given_check = None
        given_reason = ""
        if seg_weights is not None:  # the user's own information structure ([information])
            try:
                with progress_bar(json_out) as prog:
                    task = prog.add_task("the given segmentation's equilibria", total=len(seg_weights))
                    given = evaluate_public_segmentation(
                        game, seg_weights, seg_rows, size=no_info_grid, refine=refine, check_size=grid,
                        progress=lambda i, n: prog.update(task, completed=i, total=n))
                given_check = given.verify()
            except SolverError as exc:  # reported; the asked-for answer is missing: status 1
                given_reason = str(exc)
    failed = not check.ok or (given_check is not None and not given_check.ok) or bool(given_reason)
    outs = ([] if given is None else [given]) + ([] if none is None else [none]) + [full, cons.outcome]
    if plot is not None:
        from ..plots.bbm25 import plot_benchmark_paths
        with output_errors(plot):
            plot_benchmark_paths(full, cons.outcome, none, given=given).savefig(plot, dpi=120)
    rows = [[o.label, *o.producer_surplus.tolist(), o.expected_consumer_surplus, o.total_surplus,
             fmt(o.deviation_gain) if o is none or o is given else "0 (exact)" if o is full
             else fmt(eq.max_gain)]
            for o in outs]
    if json_out:
        print_json({"efficient_surplus": game.efficient_surplus, "bounds": cons.bounds,
                    "max_consumer_surplus": game.efficient_surplus - cons.bounds.sum(),
                    "outcomes": [o.as_dict() for o in outs],
                    # why the no-information benchmark is missing from outcomes (None when computed)
                    "no_information_not_computed": none_reason or None,
                    "equilibrium_check": {**eq.as_dict(), "deviations_evaluated": eq.n_deviations},
                    "verification": check.as_dict(),
                    # one object per public segment, with numbers (the text table's rows
                    # carry "-" placeholders and a formatted support string)
                    "segments": [{"segment": k, "kind": sg.kind,
                                  "producer": None if sg.producer is None else game.producers[sg.producer],
                                  "cost": sg.cost, "mass": sg.mass, "price": sg.price,
                                  "residual_values": sg.values, "residual_probabilities": sg.probabilities}
                                 for k, sg in enumerate(cons.segments)],
                    "given": None if given is None else given.as_dict(),
                    "given_not_computed": given_reason or None,
                    "given_verification": None if given_check is None else given_check.as_dict()})
        fail_if(failed)
        return
    console.print(f"{game!r}")
    console.print(table("Producer-surplus lower bounds (eq. (1), Proposition 1)",
                        ["producer", "PS_i"], [[p, b] for p, b in zip(game.producers, cons.bounds)]))
    console.print(f"efficient total surplus TS-bar = {fmt(game.efficient_surplus)}; maximal consumer "
                  f"surplus TS-bar - sum PS_i = {fmt(game.efficient_surplus - cons.bounds.sum())}")
    console.print(table("Theorem 1 construction: public segments (segments of zero mass omitted)",
                        ["segment", "kind", "efficient", "cost", "mass", "price", "residuals:prob"],
                        [row for row in cons.summary() if row[4] > 0]))
    console.print(f"equilibrium check: {'passed' if eq.ok else 'FAILED'}; largest deviation gain "
                  f"{fmt(eq.max_gain)} over {eq.n_deviations} (signal, price) pairs")
    if none is None:
        console.print(f"not computed: {none_reason}")
    else:
        grid_part = (f"; largest gain on its grid {fmt(none.grid_gain)}" if none.grid_gain > 0 else "")
        console.print(f"no information: {none.method} equilibrium of the grid game{grid_part}; largest "
                      f"gain from a continuous deviation (epsilon) {fmt(none.deviation_gain)}"
                      f"{_grid_sizes_part(none, no_info_grid)}")
    if given is not None:
        _render_given(given, given_check, game)
    elif given_reason:
        console.print(f"the given segmentation ([information]): not computed: {given_reason}")
    console.print(table("Welfare", ["information", *[f"PS {p}" for p in game.producers], "CS", "TS",
                                     "deviation gain"], rows))
    console.print("verification of the construction: " + (
        "passed" if check.ok else "FAILED: " + "; ".join(check.failures)))
    if given_check is not None:
        console.print("verification of the given segmentation: " + (
            "passed" if given_check.ok else "FAILED: " + "; ".join(given_check.failures)))
    fail_if(failed)


def _render_given(given, given_check, game) -> None:
    """The user's public segmentation: each segment's composition, equilibrium and welfare,
    and the independent equilibrium check of the whole structure."""
    rows = []
    for d in given.as_dict()["segments"]:
        rows.append([d["segment"], d["weight"], ", ".join(fmt(x) for x in d["composition"]),
                     d.get("method", "-"), d.get("expected_consumer_surplus", "-"),
                     "-" if "deviation_gain" not in d else fmt(d["deviation_gain"])])
    console.print(table("Given public segmentation (\\[information]): each segment's equilibrium",
                        ["segment", "weight", "profile masses", "equilibrium", "CS", "epsilon"], rows))
    c = given.check
    console.print(f"equilibrium check of the given segmentation: largest deviation gain "
                  f"{fmt(c.max_gain)} over {c.n_deviations} (signal, price) pairs, reported "
                  f"epsilon {fmt(given.deviation_gain)}: "
                  f"{'no profitable deviation beyond it' if given_check.ok else 'FAILED'}")


def _grid_sizes_part(none, requested: int) -> str:
    """Which grid the no-information benchmark solved: its price count per (producer, cost)
    agent (the even-grid points from the agent's cost up, plus the critical prices and any
    refinement points), from the outcome's ``grid_sizes``."""
    sizes = [int(x) for x in (getattr(none, "grid_sizes", ()) or ())]
    if not sizes or none.method == "monopoly":
        return ""
    game = none.game
    labels = [f"{game.producers[i]}@cost {fmt(float(c))}"
              for i, strat in enumerate(none.strategies or ()) for c in strat]
    if len(labels) == len(sizes):
        shown = ", ".join(f"{lab}: {n}" for lab, n in zip(labels, sizes))
    else:
        shown = ", ".join(str(n) for n in sizes)
    level = getattr(none, "grid_level", None)
    asked = (f"--no-info-grid {requested}" if level in (None, requested)
             else f"--no-info-grid {requested}, solved on the {level}-point level")
    out = (f"; solved grid ({asked}): prices per (producer, cost) agent {shown} "
           "(even-grid points from the agent's cost up, plus critical and refinement prices)")
    note = getattr(none, "ladder_note", "")
    return out + (f". Note: {note}" if note else "")


def hotelling(prior: str = typer.Option(..., "--prior",
                                        help="Residual prior: 'v1:p1, v2:p2, ...' or a scipy.stats distribution with "
                                             "scipy's (loc, scale) arguments, e.g. 'uniform(-1, 2)' "
                                             "(uniform on [-1, 1])."),
              vbar: Optional[float] = typer.Option(None, help="v_1 + v_2 (default max |r|)."),
              lp: bool = typer.Option(False, "--lp", help="Also solve the LP over all symmetric contractions."),
              az: bool = typer.Option(False, "--az", help="Also compute the Armstrong-Zhou benchmark."),
              plot: Optional[Path] = typer.Option(None, "--plot", help="Write the density figure (Figure 2) here."),
              json_out: bool = typer.Option(False, "--json", help="Print JSON instead of tables.")):
    """Hotelling duopoly (BBM25 Theorem 3): optimal G_b^B, welfare, density plot.

    Exit status: 0 when every result computed verifies (the optimum, the LP with --lp,
    the Armstrong-Zhou epsilon with --az), 1 when a verification failed (the output is
    still printed), 2 for bad input (prior, a --plot path whose directory does not exist
    or whose format is not supported)."""
    from ..competition import armstrong_zhou, hotelling_lp, hotelling_optimum
    from ..competition.files import parse_prior_spec

    with model_errors():
        plot = check_plot_path(plot)
        spec = parse_prior_spec(prior)
        opt = hotelling_optimum(spec, vbar)
        lp_res = hotelling_lp(spec, vbar) if lp else None
        az_res = armstrong_zhou(spec, vbar) if az else None
    from .. import tolerances as tol
    from ..verify import combine

    # the Armstrong-Zhou benchmark is an epsilon-equilibrium: its check is that the reported
    # epsilon (deviation_gain) bounds every deviation (ArmstrongZhou.verify's documented use)
    check = combine({"optimum": opt.verify(),
                     "lp": None if lp_res is None else lp_res.verify(),
                     "armstrong_zhou": None if az_res is None else az_res.verify(
                         atol=az_res.deviation_gain + tol.FEAS)})
    if plot is not None:
        from ..competition.plots import plot_interim_density
        fig = plot_interim_density(opt, az_res)
        with output_errors(plot):
            fig.savefig(plot, dpi=120, bbox_inches="tight")
    if json_out:
        out = {"optimum": opt.as_dict(), "verification": check.as_dict()}
        if lp_res is not None:
            out["lp"] = lp_res.as_dict()
        if az_res is not None:
            out["armstrong_zhou"] = az_res.as_dict()
        print_json(out)
        fail_if(not check.ok)
        return
    rows = [["BBM25 optimum G_b^B", opt.b, opt.B, opt.producer_surplus, opt.expected_consumer_surplus,
             opt.total_surplus]]
    if lp_res is not None:
        rows.append(["LP over symmetric contractions", "-", "-", lp_res.producer_surplus,
                     lp_res.expected_consumer_surplus, lp_res.total_surplus])
    if az_res is not None:
        rows.append(["Armstrong-Zhou (uninformed producers)", az_res.price, "-",
                     az_res.producer_surplus, az_res.expected_consumer_surplus, az_res.total_surplus])
    console.print(f"prior: {opt.prior.describe()}; vbar = {fmt(opt.vbar)}; efficient surplus "
                  f"{fmt(opt.efficient_surplus)}")
    console.print(table("Hotelling: consumer-optimal information", ["", "b (price)", "B", "PS", "CS", "TS"], rows))
    console.print("verification: " + ("passed" if check.ok else "FAILED: " + "; ".join(check.failures)))
    if az_res is not None:
        console.print(f"Armstrong-Zhou: largest deviation gain (epsilon) {fmt(az_res.deviation_gain)} "
                      f"after {az_res.refinements} constraint-generation rounds")
    if plot is not None:
        console.print(f"figure written to {plot}")
    fail_if(not check.ok)
