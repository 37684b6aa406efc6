"""CLW commands: ``disclose`` (one distribution) and ``experiment`` (random families)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np
import typer

from .choices import DesignFormulation, DesignMethod, Family
from .common import (check_dask_options, check_int, check_number, check_output_dir,
                     check_output_file, check_plot_path, console, err_console, fail_if, fmt,
                     model_errors, output_errors, print_json, progress_bar, table)
from ..limits import CONNECT_TIMEOUT, NODE_LIMIT


def register(app) -> None:
    """Add this area's commands to the app."""
    app.command("disclose")(disclose)
    app.command("experiment")(experiment)


def _prices(p):
    return ["not offered" if not np.isfinite(x) else fmt(float(x)) for x in p]


def _signal_rows(ev):
    rows = []
    r = ev.signal.probabilities
    for s in range(ev.signal.n_signals):
        if r[s] <= 0:
            continue
        lab = ev.signal.labels[s]
        lab = "{" + ",".join(str(i + 1) for i in sorted(lab)) + "}" if isinstance(lab, frozenset) else str(lab)
        c = ev.choice[s]
        rows.append([lab, float(r[s]), "(" + ", ".join(fmt(float(x)) for x in ev.signal.posterior_means[s]) + ")",
                     "nothing" if c < 0 else ev.menu.labels[c], 0.0 if c < 0 else float(ev.menu.prices[c])])
    return rows


def disclose(model: Path = typer.Argument(..., help="TOML/JSON model file with a \\[distribution] table."),
             method: DesignMethod = typer.Option("auto",
                                        help="auto, global (SCIP) or heuristic."),
             time_limit: Optional[float] = typer.Option(
                 None, help="Seconds per global solve (default: none). A time limit makes the "
                            "answer depend on the machine's speed; prefer --node-limit."),
             node_limit: int = typer.Option(NODE_LIMIT, help="Branch-and-bound nodes per global solve "
                                                             "(deterministic; recorded in the output)."),
             opt_rev: Optional[bool] = typer.Option(None, "--opt-rev/--no-opt-rev",
                                                    help="Compute OPT-Rev (default: at most 4 profiles)."),
             formulation: DesignFormulation = typer.Option(
                 "auto", help="OPT-Rev program: auto, scaled, posterior, cells (three profiles: "
                              "SCIP on cells of the signal masses, which proves CLW Example 1 in "
                              "minutes; --node-limit is then the total over all cells, about "
                              "115000 for that proof), or cutoff (one SCIP solve under the row "
                              "revenue >= best (1 + gap/10): CLW Example 1 in about 33000 nodes)."),
             json_out: bool = typer.Option(False, "--json", help="Print JSON instead of tables.")):
    """Joint design of information and prices/menus for a multi-product seller (CLW).

    Exit status: 0 when every design verifies, 1 when a verification failed (the output is
    still printed), 2 for bad input (one-line message)."""
    from ..disclosure.report import disclosure_report
    from .common import load_model

    with model_errors():
        if time_limit is not None:
            check_number(time_limit, "--time-limit", positive=True)
        check_int(node_limit, "--node-limit", 1)
        dist = load_model(model, "distribution")
        with progress_bar(json_out) as prog:
            task = prog.add_task("global solves (SCIP nodes)", total=node_limit)
            rep = disclosure_report(dist, method=method, time_limit=time_limit, opt_rev=opt_rev,
                                    node_limit=node_limit, formulation=formulation,
                                    progress=lambda done, total: prog.update(task, completed=done))
    check = rep.verify()
    ok, failures = check.ok, list(check.failures)
    hd = rep.horizontal
    if json_out:
        # the report's own as_dict (every part, with its status and params), plus the
        # verification that decides the exit status
        out = {**rep.as_dict(), "products": list(dist.products), "verified": ok,
               "failures": failures, "verification": check.as_dict()}
        print_json(out)
        fail_if(not ok)
        return
    console.print(f"{dist.n_profiles} profiles, {dist.n_products} products; OPT-Wel = E(max_i v_i) = {fmt(rep.welfare)}")
    rows = [[dist.products[i], float(hd.probabilities[i])] + [fmt(float(x)) for x in hd.posterior_means[i]]
            for i in range(dist.n_products) if hd.probabilities[i] > 0]
    console.print(table("Horizontal disclosure: signal 'i is best' -> posterior means nu(i)",
                        ["signal", "probability"] + [f"nu_{p}" for p in dist.products], rows))
    c = rep.conditions
    console.print(f"Lemma 1 condition: {c.condition}  (generic: {c.generic}, negatively affiliated: "
                  f"{c.negatively_affiliated}, exchangeable: {c.exchangeable}); prices E(v_i | i*=i) = "
                  f"{_prices(c.prices)} earn {fmt(c.evaluation.revenue)} (ties in i* broken: {c.ties})")
    u = rep.uniform
    console.print(f"Uniform pricing: p* = {fmt(u.p_star)} (coarse horizontal disclosure, sells for sure; "
                  f">= OPT-Wel/2: {u.half_welfare_guarantee}); best uniform price {fmt(u.price)} earns "
                  f"{fmt(u.revenue)} (bound {fmt(u.upper_bound)}, proven: {u.proven_optimal})")
    p = rep.pricing
    console.print(f"Optimal pricing ({p.method}): prices {_prices(p.prices)} earn {fmt(p.revenue)} = "
                  f"{fmt(p.revenue / rep.welfare if rep.welfare else 1.0)} OPT-Wel (bound {fmt(p.upper_bound)}, "
                  f"proven: {p.proven_optimal}; {p.solver_message})")
    console.print(table("Optimal pricing: signals", ["signal", "probability", "posterior means", "buys", "pays"],
                        _signal_rows(p.evaluation)))
    if rep.two_product is not None:
        tp = rep.two_product
        console.print(f"Proposition 1: Rev(M1) = {fmt(tp.m1.revenue)}, Rev(M2) = {fmt(tp.m2.revenue)}, "
                      f"Rev(M3) = {fmt(tp.m3.revenue)}; best / OPT-Wel = {fmt(tp.ratio)} (>= 2/3)")
    if rep.design is not None:
        jd = rep.design
        nodes = (f", {jd.params['solver_nodes']} of {jd.params['node_limit']} nodes"
                 if "solver_nodes" in jd.params else "")
        console.print(f"OPT-Rev (lotteries, {jd.method}): {fmt(jd.revenue)} (bound {fmt(jd.upper_bound)}, proven: "
                      f"{jd.proven_optimal}; {jd.solver_message}{nodes}); exogenous full information: "
                      f"{fmt(rep.exogenous.revenue)}")
        console.print(table("OPT-Rev: signals", ["signal", "probability", "posterior means", "buys", "pays"],
                            _signal_rows(jd.evaluation)))
        mrows = [[jd.menu.labels[k]] + [fmt(float(x)) for x in jd.menu.allocations[k]] + [fmt(float(jd.menu.prices[k]))]
                 for k in range(jd.menu.n_items)]
        console.print(table("OPT-Rev menu", ["item"] + list(dist.products) + ["price"], mrows))
    _render_ratios(rep.ratios())
    console.print(f"verification: {'passed' if ok else 'FAILED: ' + '; '.join(failures)}")
    fail_if(not ok)


def _render_ratios(ratios) -> None:
    """The report's ratios, each with its numbers and tie rule (footnoted: one rule is
    shared by most)."""
    rules = list(dict.fromkeys(r["tie_rule"] for r in ratios))
    rows = []
    for r in ratios:
        if r["value"] is None and r["denominator_value"] == 0:
            val = f"undefined ({r['denominator']} = 0)"
        elif r["value"] is None:
            val = "not computed (--opt-rev)"
        else:
            val = fmt(r["value"])
            if "lower_bound" in r:
                val = f"{fmt(r['lower_bound'])} to {val} (OPT-Rev gap open)"
        rows.append([r["ratio"], val,
                     "-" if r["numerator_value"] is None else fmt(r["numerator_value"]),
                     "-" if r["denominator_value"] is None else fmt(r["denominator_value"]),
                     r["proven"], f"[{rules.index(r['tie_rule']) + 1}]"])
    console.print(table("Ratios", ["ratio", "value", "numerator", "denominator", "proven", "ties"], rows))
    for k, rule in enumerate(rules, 1):
        console.print(f"  ties [{k}]: {rule}")


def experiment(family: Family = typer.Argument(..., help="The random family of "
                                                     "value distributions (CLW section 5)."),
               products: int = typer.Option(2, "--products", "-m", help="Number of products."),
               support: int = typer.Option(3, "--support", "-n", help="Profiles per instance (independent and negatively-affiliated: "
                                        "a grid of g^m profiles, g = round(support^(1/m)) >= 2; exchangeable: "
                                        "symmetrised, a multiple of m!)."),
               instances: int = typer.Option(10, "--instances", "-k", help="Number of random instances."),
               seed: int = typer.Option(0, help="Random seed."),
               method: DesignMethod = typer.Option("auto",
                                        help="auto, global (SCIP) or heuristic."),
               time_limit: Optional[float] = typer.Option(
                   None, help="Seconds per global solve (default none; node limits keep the answer "
                              "deterministic)."),
               lottery_max_support: int = typer.Option(3, help="OPT-Rev only up to this many profiles."),
               csv_out: Optional[Path] = typer.Option(None, "--csv", help="Write one row per instance."),
               plot: Optional[Path] = typer.Option(None, "--plot", help="Write a scatter plot (PNG/PDF/SVG)."),
               json_out: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
               out: Optional[Path] = typer.Option(None, "--out", help="Run on Dask, one Parquet file per "
                                                  "chunk in this directory (resumable: rerun to finish)."),
               scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Address of an existing "
                                                       "Dask scheduler (default: embedded local cluster); "
                                                       "needs --out."),
               workers: Optional[int] = typer.Option(None, "--workers", help="Local cluster worker processes (>= 1; default min(4, CPUs))."),
               chunk_size: int = typer.Option(10, "--chunk-size", help="Instances per chunk (with --out)."),
               connect_timeout: float = typer.Option(
                   CONNECT_TIMEOUT, "--connect-timeout",
                   help="Seconds to wait for --scheduler to answer before giving up (nothing is written then).")):
    """Ratios uniform/OPT-Wel, pricing/OPT-Wel, pricing/OPT-Rev on random instances (CLW).

    Exit status: 0 when every instance's results verify (and, with --out, every chunk is
    present and belongs to this run), 1 when a verification failed (the summary, CSV and
    plot are still written), 2 for bad input (options, output paths, unreachable
    --scheduler; one-line message)."""
    from ..disclosure.experiments import (experiment_result_from_frame, experiment_to_parquet,
                                          plot_experiment, run_experiment)

    with model_errors():
        check_dask_options(out, scheduler, workers, chunk_size, connect_timeout)
        check_int(products, "--products", 1)
        check_int(support, "--support", 1)
        check_int(instances, "--instances", 1)
        check_int(lottery_max_support, "--lottery-max-support", 0)
        if time_limit is not None:
            check_number(time_limit, "--time-limit", positive=True)
        check_output_file(csv_out, "--csv")
        plot = check_plot_path(plot)
        check_output_dir(out, "--out")
        with progress_bar(json_out) as prog:
            if out is None:
                task = prog.add_task(f"{family} instances", total=instances)
                res = run_experiment(family, products=products, support=support, instances=instances, seed=seed,
                                     lottery_max_support=lottery_max_support, method=method,
                                     time_limit=time_limit, progress=lambda i, n: prog.update(task, completed=i))
            else:
                task = prog.add_task(f"{family} chunks", total=-(-instances // max(chunk_size, 1)))
                run = experiment_to_parquet(family, out, products=products, support=support,
                                            instances=instances, seed=seed,
                                            lottery_max_support=lottery_max_support, method=method,
                                            time_limit=time_limit, chunk_size=chunk_size, scheduler=scheduler,
                                            n_workers=workers, connect_timeout=connect_timeout,
                                            progress=lambda i, n: prog.update(task, completed=i))
                run_check = run.verify()
                res = experiment_result_from_frame(run.read(), family, products, support, seed, method)
        if out is not None and not json_out:
            err_console.print(f"{len(run.computed)} chunk(s) computed, {len(run.skipped)} already on disk "
                              f"in {out} (scheduler {run.scheduler})")
    if csv_out is not None:
        with output_errors(csv_out):
            res.write_csv(csv_out)
    if plot is not None:
        fig = plot_experiment(res)
        with output_errors(plot):
            fig.savefig(plot, dpi=150)
    summ = res.summary()
    check = res.verify()
    failures = list(check.failures)
    if out is not None and not run_check.ok:
        failures += list(run_check.failures)
    w = res.rows[res.worst]
    wd = res.instances[res.worst]
    if json_out:
        # the result's own as_dict (summary, worst instance, every row, settings), plus the
        # verification that decides the exit status
        print_json({**res.as_dict(),
                    "verification": {**check.as_dict(), "ok": not failures, "failures": failures}})
        fail_if(bool(failures))
        return
    console.print(table(f"{family}: {instances} instances, m={products}, support {support}, seed {seed}",
                        ["statistic", "value"], [[k, v] for k, v in summ.items()]))
    console.print(f"worst pricing/OPT-Wel: instance {w['instance']} ratio {fmt(w['pricing_ratio'])} "
                  f"(uniform {fmt(w['uniform_ratio'])}, proven: {w['pricing_proven']})")
    console.print(table("worst instance", ["profile"] + list(wd.products) + ["probability"],
                        [[t + 1] + [fmt(float(x)) for x in wd.values[t]] + [float(wd.probabilities[t])]
                         for t in range(wd.n_profiles)]))
    if csv_out is not None:
        console.print(f"rows written to {csv_out}")
    if plot is not None:
        console.print(f"plot written to {plot}")
    console.print(f"verification: {'passed' if not failures else 'FAILED: ' + '; '.join(failures)}")
    fail_if(bool(failures))
