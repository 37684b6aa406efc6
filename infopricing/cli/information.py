"""CLI commands of the information area: ``segment`` and ``persuade``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import (check_number, check_plot_path, console, fail_if, fmt, model_errors,
                     output_errors, print_json, table)


def register(app) -> None:
    """Add this area's commands to the app."""
    app.command("segment")(segment)
    app.command("persuade")(persuade_cmd)


def _verification_line(rep) -> str:
    return "verification: " + ("passed" if rep.ok else "FAILED: " + "; ".join(rep.failures))


def segment(model: Path = typer.Argument(..., help="TOML/JSON model file with a \\[prior] table and optionally \\[segmentation]."),
            cost: Optional[float] = typer.Option(None, help="Marginal cost, >= 0 (overrides cost in \\[segmentation])."),
            plot: Optional[Path] = typer.Option(None, "--plot", help="Write the surplus-triangle figure here."),
            json_out: bool = typer.Option(False, "--json", help="Print JSON instead of tables.")):
    """Single-product segmentation (BBM 2015): surplus triangle and the greedy segmentation.

    Exit status: 0 when the segmentations verify, 1 when a verification failed (the output
    is still printed), 2 for bad input (model file, a negative --cost, a --plot path whose
    directory does not exist or whose format is not supported)."""
    from .common import load_model
    from ..segmentation.bbm15 import (greedy_segmentation, plot_surplus_triangle,
                                      segmentation_for_point, surplus_triangle)

    with model_errors():
        check_number(cost, "--cost", least=0.0)
        plot = check_plot_path(plot)
        prior, (c, point) = load_model(model, "prior", "segmentation")
        if cost is not None:
            c = cost
        elif c < 0:
            from ..errors import ModelFileError
            raise ModelFileError(model, "segmentation.cost", f"must be >= 0 (a marginal cost), got {c:g}")
        tri = surplus_triangle(prior.values, prior.probabilities, c)
        greedy = greedy_segmentation(prior.values, prior.probabilities, c)
        at_point = (segmentation_for_point(prior.values, prior.probabilities, point[0], point[1], c)
                    if point is not None else None)
    checks = {"greedy": greedy.verify()}
    if at_point is not None:
        checks["point"] = at_point.verify()
    if plot is not None:
        pts = {"greedy": greedy}
        if at_point is not None:
            pts["target"] = at_point
        fig = plot_surplus_triangle(tri, pts)
        with output_errors(plot):
            fig.savefig(plot, dpi=120, bbox_inches="tight")
    if json_out:
        out = {"triangle": tri.as_dict(), "greedy": greedy.as_dict(),
               "verification": {k: v.as_dict() for k, v in checks.items()}}
        if at_point is not None:
            out["point"] = at_point.as_dict()
        print_json(out)
    else:
        console.print(f"prior: {prior.source}, {prior.size} values; cost {fmt(c)}")
        console.print(table("Surplus triangle", ["quantity", "value"], [
            ["uniform price(s)", ", ".join(fmt(p) for p in tri.uniform_prices)],
            ["uniform profit", tri.uniform_profit],
            ["efficient total surplus", tri.efficient_surplus],
            ["consumer surplus at uniform price", tri.uniform_consumer_surplus],
        ] + [[f"vertex {k} (CS, PS)", f"({fmt(v[0])}, {fmt(v[1])})"] for k, v in tri.vertices.items()]))
        _print_segmentation("Greedy extremal segmentation", greedy)
        console.print(_verification_line(checks["greedy"]))
        if at_point is not None:
            _print_segmentation(f"Segmentation for (CS, PS) = ({fmt(point[0])}, {fmt(point[1])})", at_point)
            console.print(_verification_line(checks["point"]))
        if plot is not None:
            console.print(f"figure written to {plot}")
    fail_if(not all(r.ok for r in checks.values()))


_WIDE = 12  # above this many values, segments are summarised instead of listed in full


def _print_segmentation(title, seg) -> None:
    if seg.values.size <= _WIDE:
        cols = ["segment", "weight", "price"] + [fmt(v) for v in seg.values]
        rows = [[j + 1, seg.weights[j], seg.prices[j]] + list(seg.markets[j]) for j in range(seg.n_segments)]
        rows.append(["total", float(seg.weights.sum()), ""] + list(seg.weights @ seg.markets))
    else:
        cols = ["segment", "weight", "price", "lowest value", "highest value", "support size", "mean"]
        rows = []
        for j in range(seg.n_segments):
            supp = seg.values[seg.markets[j] > 0]
            rows.append([j + 1, seg.weights[j], seg.prices[j], supp.min(), supp.max(), supp.size,
                         float(seg.values @ seg.markets[j])])
        title += " (summary; --json for the full table)"
    console.print(table(title, cols, rows))
    console.print(f"producer surplus {fmt(seg.producer_surplus)}   consumer surplus "
                  f"{fmt(seg.expected_consumer_surplus)}   total {fmt(seg.total_surplus)}")


def persuade_cmd(model: Path = typer.Argument(..., help="TOML/JSON model file with a \\[persuasion] table."),
                 json_out: bool = typer.Option(False, "--json", help="Print JSON instead of tables.")):
    """Sender-optimal signal (Bayesian persuasion LP, sender-preferred tie-breaking).

    Exit status: 0 when the signal verifies, 1 when the verification failed (the output is
    still printed), 2 for bad input (one-line message)."""
    from ..information import persuade
    from .common import load_model

    with model_errors():
        kw = load_model(model, "persuasion")
        res = persuade(**kw)
    rep = res.verify()
    if json_out:
        d = res.as_dict()
        d["verification"] = rep.as_dict()
        print_json(d)
    else:
        console.print(table("Signal: P(recommend action | state)", ["state", "prior"] + list(res.actions),
                            [[s, res.prior[i]] + list(res.signal[i]) for i, s in enumerate(res.states)]))
        used = [a for a in range(len(res.actions)) if res.action_probabilities[a] > 0]
        console.print(table("Posteriors after each recommendation", ["recommendation", "probability"]
                            + list(res.states),
                            [[res.actions[a], res.action_probabilities[a]] + list(res.posteriors[a])
                             for a in used]))
        rows = [["sender value", res.value], ["no information", res.no_information_value],
                ["full information", res.full_information_value],
                ["sender picks action in every state (bound)", res.upper_bound]]
        if res.concavification_value is not None:
            rows.append(["concavification (two states)", res.concavification_value])
        console.print(table("Sender's expected utility", ["", "value"], rows))
        console.print(f"tie-breaking: {res.tie_breaking}   status: {res.status.value}")
        console.print(_verification_line(rep))
    fail_if(not rep.ok)
