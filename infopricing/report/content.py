"""What a report shows, independent of how it is drawn: sections of tables, figures and
certificates, built from the library's result objects.

Every number that appears in a report comes from a result object computed here, and every
result that has a ``verify()`` contributes a :class:`Certificate` saying whether it was
checked, how (floating point or exact rational arithmetic) and with what outcome. The HTML
layer (:mod:`infopricing.report.html`) only renders these records.

Figures are Plotly figure specifications (plain ``{"data": [...], "layout": {...}}``
dictionaries); nothing here imports Plotly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

#: certificate outcomes, from strongest to weakest
CERTIFICATE_STATES = ("verified exactly", "verified", "proven within a gap", "not checked", "failed")


@dataclass(frozen=True)
class Table:
    """A table: ``rows`` hold JSON scalars (numbers stay numbers so they can be sorted)."""

    key: str
    title: str
    columns: tuple
    rows: tuple
    note: str = ""
    #: the last row is a total or average that stays last when the table is sorted
    fixed_last: bool = False


@dataclass(frozen=True)
class Figure:
    """A Plotly figure specification with a caption."""

    key: str
    title: str
    spec: dict
    caption: str = ""


@dataclass(frozen=True)
class Certificate:
    """What was checked about one result and the outcome (one of
    :data:`CERTIFICATE_STATES`); ``detail`` names the failures or the gap."""

    what: str
    state: str
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.state != "failed"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    reference: str
    paragraphs: tuple = ()
    tables: tuple = ()
    figures: tuple = ()
    certificates: tuple = ()
    explorer: dict | None = field(default=None, repr=False)


# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------
def num(x):
    """A JSON-ready scalar: floats rounded to 12 significant digits (hides float noise
    such as ``8.881784197001252e-16`` without changing any displayed value), ints and
    strings as they are, ``None`` for missing."""
    if x is None or isinstance(x, (str, bool)):
        return x
    if isinstance(x, (int, np.integer)):
        return int(x)
    v = float(x)
    if not math.isfinite(v):
        return None
    if abs(v) < 5e-13:
        return 0.0
    return float(f"{v:.12g}")


def txt(x) -> str:
    """A number for prose: six significant digits, no float noise."""
    v = num(x)
    return "" if v is None else (f"{v:.6g}" if isinstance(v, float) else str(v))


def certify(what: str, result, *, exact: bool = False, **kw) -> Certificate:
    """Run ``result.verify(exact=...)`` and record the outcome. A result whose verify does
    not take ``exact`` is checked in floating point."""
    try:
        chk = result.verify(exact=exact, **kw) if exact else result.verify(**kw)
    except TypeError:
        chk = result.verify(**kw)
        exact = False
    ok = bool(getattr(chk, "ok", chk))
    if not ok and exact:
        # the exact re-check reads float inputs as the binary rationals they are: a tie
        # that is exact in decimals (0.3 = 0.2 + 0.1) is then broken by ~2^-55, and a
        # correct menu fails exactly. Say so, and fall back to the floating-point check.
        fl = result.verify(**kw)
        if bool(getattr(fl, "ok", fl)):
            return Certificate(what, "verified", "floating-point check passed; the exact "
                               "re-check (inputs read as binary rationals) failed: "
                               + "; ".join(getattr(chk, "failures", ()) or ())[:300])
    if not ok:
        return Certificate(what, "failed", "; ".join(getattr(chk, "failures", ()) or ()))
    return Certificate(what, "verified exactly" if exact else "verified")


def _lottery_text(alloc, alternatives) -> str:
    parts = [f"{a}: {p:.4g}" for a, p in zip(alternatives, alloc) if p > 1e-9]
    return ", ".join(parts) or "nothing (outside option)"


def _bar(x, y, name, hover=None, **kw) -> dict:
    d = {"type": "bar", "x": list(x), "y": [num(v) for v in y], "name": name}
    if hover is not None:
        d["hovertemplate"] = hover
    d.update(kw)
    return d


def _layout(xtitle: str, ytitle: str, **kw) -> dict:
    lay = {"xaxis": {"title": {"text": xtitle}, "automargin": True},
           "yaxis": {"title": {"text": ytitle}, "automargin": True},
           "margin": {"l": 60, "r": 20, "t": 30, "b": 50}, "height": 360,
           "legend": {"orientation": "h", "y": -0.25}}
    lay.update(kw)
    return lay


# ---------------------------------------------------------------------------------------
# HS: menus and Pareto-improving segmentation
# ---------------------------------------------------------------------------------------
def menu_table(mech, key: str = "menu", title: str = "Optimal menu") -> Table:
    env = mech.env
    f = mech.market.probabilities if mech.market is not None else np.ones(env.n_types) / env.n_types
    eff = mech.efficient_types()
    rows = []
    for t in range(env.n_types):
        rows.append((env.types[t], num(f[t]), _lottery_text(mech.allocation[t], env.alternatives),
                     *[num(p) for p in mech.allocation[t]], num(mech.payments[t]),
                     num(mech.utilities[t]), "yes" if eff[t] else "no"))
    cols = ("type", "mass", "lottery", *[f"P({a})" for a in env.alternatives], "payment",
            "consumer surplus", "efficient")
    return Table(key, title, cols, tuple(rows),
                 note=f"selection rule: {mech.selection}; revenue {txt(mech.revenue)}")


def binding_table(mech) -> Table:
    env = mech.env
    b = mech.binding
    rows = [(env.types[t], f"IC toward {env.types[s]}") for t, s in b.edges()]
    rows += [(env.types[t], "IR (participation)") for t in np.flatnonzero(b.ir)]
    return Table("binding", "Binding constraints", ("type", "binding constraint"), tuple(rows),
                 note="a type's IC constraint toward another binds when it is indifferent "
                      "between its own item and the other's")


def menu_figure(mech, key="menu_fig", title="Who buys what") -> Figure:
    env = mech.env
    data = [_bar(env.types, mech.allocation[:, a], str(alt),
                 hover=f"%{{x}}: P({alt}) = %{{y:.4g}}<extra></extra>")
            for a, alt in enumerate(env.alternatives)]
    data.append({"type": "scatter", "mode": "markers", "x": list(env.types),
                 "y": [num(p) for p in mech.payments], "name": "payment", "yaxis": "y2",
                 "marker": {"size": 11, "symbol": "diamond", "color": "black"},
                 "hovertemplate": "%{x}: pays %{y:.4g}<extra></extra>"})
    lay = _layout("type", "probability of each alternative", barmode="stack",
                  margin={"l": 60, "r": 60, "t": 30, "b": 50},
                  yaxis2={"title": {"text": "payment"}, "overlaying": "y", "side": "right",
                          "rangemode": "tozero"})
    return Figure(key, title, {"data": data, "layout": lay},
                  "Stacked bars: each type's lottery over alternatives; diamonds: its payment.")


def hs_sections(env, market, *, selection: str = "efficient", explorer_size: int | None = None,
                exact: bool = True, progress=None) -> list[Section]:
    """The HS sections for one environment and market: the optimal menu, efficiency,
    binding constraints; the Pareto-improving segmentation with each segment's menu and
    every type's surplus before and after; the (CS, PS) surplus set; the market map and,
    for two or three types, the market explorer."""
    from ..segmentation.pareto import pareto_analysis
    from ..segmentation import surplus_set

    pa = pareto_analysis(env, market, selection=selection)
    mech = pa.mechanism
    certs = [certify("optimal menu (IC, IR, LP duality)", mech, exact=exact)]
    eff_types = [env.types[t] for t in np.flatnonzero(~mech.efficient_types())]
    paras = [f"{env.n_types} types, {env.n_alternatives} alternatives. The optimal menu earns "
             f"revenue {txt(mech.revenue)} and total surplus {txt(mech.total_surplus)}; it is "
             + ("efficient." if mech.is_efficient else
                "inefficient: " + ", ".join(eff_types) + " not served an efficient alternative.")]
    menu = Section("hs_menu", "Revenue-optimal menu", "HS section 4 (lottery menus, finite types)",
                   tuple(paras), (menu_table(mech), binding_table(mech)), (menu_figure(mech),),
                   tuple(certs))

    imp = pa.improvement
    seg = imp.segmentation
    if pa.exact_improvement is not None and pa.exact_improvement.segmentation is not None:
        seg = pa.exact_improvement.segmentation
    tables, figs, certs = [], [], []
    paras = [f"Pareto improvable ({imp.method}): {_yes_no(imp.improvable)}. {imp.reason}"]
    ex = pa.exact_improvement
    if ex is not None:
        paras.append(f"Exact decision: Pareto improvable {_yes_no(ex.improvable)}. {ex.reason}"
                     + (" The segmentation below is the exact decision's." if seg is ex.segmentation
                        and seg is not None else ""))
    certs.append(certify("improvability analysis", pa, exact=False))
    if seg is not None:
        certs.append(certify("segments average to the market; each segment's menu optimal",
                             seg, exact=exact))
        paras.append(f"Seller's revenue {txt(mech.revenue)} before, "
                     f"{txt(mech.revenue + seg.revenue_change)} after (change "
                     f"{txt(seg.revenue_change)}, "
                     + ("a strict gain" if seg.revenue_change > 1e-9 else "no strict gain")
                     + f"); consumer surplus change {txt(seg.consumer_surplus_change)}.")
        tables.append(_segments_table(env, seg))
        tables.append(_surplus_table(env, mech, seg))
        for i, m in enumerate(seg.mechanisms):
            tables.append(menu_table(m, key=f"segment_menu_{i}",
                                     title=f"Menu of segment {i + 1} (weight {txt(seg.weights[i])})"))
        figs.append(_surplus_figure(env, mech, seg))
    for note in pa.notes:
        paras.append("Note: " + note)
    try:
        sset = surplus_set(env, market, selection=selection)
    except ValueError as exc:  # e.g. the cell decomposition refuses this environment
        sset = None
        paras.append(f"Surplus set not computed: {exc}")
    if sset is not None:
        certs.append(certify("surplus set (geometry)", sset))
        figs.append(_surplus_set_figure(sset))
        tables.append(Table("surplus_set", "Achievable (consumer, producer) surplus pairs: vertices",
                            ("vertex", "consumer surplus", "producer surplus"),
                            tuple((i + 1, num(v[0]), num(v[1])) for i, v in enumerate(sset.vertices)),
                            note=f"unsegmented market: CS {num(sset.original[0])}, "
                                 f"PS {num(sset.original[1])}; efficient surplus "
                                 f"{num(sset.efficient_surplus)}"))
    pareto = Section("hs_pareto", "Pareto-improving segmentation",
                     "HS Theorem 1, Propositions 1 and 3; surplus set: BBM15 / HS footnote 8",
                     tuple(paras), tuple(tables), tuple(figs), tuple(certs))
    out = [menu, pareto]
    if env.n_types in (2, 3):
        from .explorer import market_explorer

        ex = market_explorer(env, market, selection=selection, size=explorer_size,
                             progress=progress)
        out.append(ex)
    return out


def _yes_no(v) -> str:
    return {True: "yes", False: "no", None: "undecided"}[v]


def _segments_table(env, seg) -> Table:
    rows = []
    for i in range(seg.n_segments):
        rows.append((i + 1, num(seg.weights[i]), *[num(x) for x in seg.segment_probabilities[i]],
                     num(seg.segment_revenues[i])))
    total = np.asarray(seg.weights) @ np.asarray(seg.segment_probabilities)
    rows.append(("average", num(float(np.sum(seg.weights))), *[num(x) for x in total], ""))
    return Table("segments", "Segments: composition (type masses within each segment)",
                 ("segment", "weight", *env.types, "segment revenue"), tuple(rows),
                 note="the weighted average of the segments is the market (last row)",
                 fixed_last=True)


def _surplus_table(env, mech, seg) -> Table:
    after = np.asarray(seg.weights) @ (np.asarray(seg.segment_probabilities) * np.asarray(seg.surplus))
    f = mech.market.probabilities
    rows = []
    for t in range(env.n_types):
        a = after[t] / f[t] if f[t] > 0 else None
        rows.append((env.types[t], num(f[t]), num(mech.utilities[t]), num(a),
                     num(None if a is None else a - mech.utilities[t])))
    return Table("type_surplus", "Each type's consumer surplus before and after segmentation",
                 ("type", "mass", "before", "after (average over segments)", "change"), tuple(rows))


def _surplus_figure(env, mech, seg) -> Figure:
    after = np.asarray(seg.weights) @ (np.asarray(seg.segment_probabilities) * np.asarray(seg.surplus))
    f = mech.market.probabilities
    a = [after[t] / f[t] if f[t] > 0 else 0.0 for t in range(env.n_types)]
    data = [_bar(env.types, mech.utilities, "before", hover="%{x}: %{y:.4g}<extra>before</extra>"),
            _bar(env.types, a, "after", hover="%{x}: %{y:.4g}<extra>after</extra>")]
    return Figure("type_surplus_fig", "Consumer surplus per type, before and after",
                  {"data": data, "layout": _layout("type", "consumer surplus", barmode="group")})


def _surplus_set_figure(sset) -> Figure:
    V = np.asarray(sset.vertices)
    closed = np.vstack([V, V[:1]])
    E = sset.efficient_surplus
    data = [{"type": "scatter", "mode": "lines+markers", "fill": "toself", "name": "achievable",
             "x": [num(v) for v in closed[:, 0]], "y": [num(v) for v in closed[:, 1]],
             "hovertemplate": "CS %{x:.4g}, PS %{y:.4g}<extra>vertex</extra>"},
            {"type": "scatter", "mode": "lines", "name": "CS + PS = efficient surplus",
             "x": [0, num(E)], "y": [num(E), 0], "line": {"dash": "dot", "color": "grey"},
             "hoverinfo": "skip"},
            {"type": "scatter", "mode": "markers", "name": "your market, unsegmented",
             "x": [num(sset.original[0])], "y": [num(sset.original[1])],
             "marker": {"size": 13, "symbol": "star", "color": "crimson"},
             "hovertemplate": "unsegmented: CS %{x:.4g}, PS %{y:.4g}<extra></extra>"}]
    # axes fit the polygon (with a margin), not the whole efficient-surplus line
    lo, hi = V.min(axis=0), V.max(axis=0)
    pad = 0.15 * max(float(np.max(hi - lo)), 0.05 * max(abs(E), 1e-12))
    lay = _layout("consumer surplus", "producer surplus",
                  xaxis={"title": {"text": "consumer surplus"},
                         "range": [num(max(lo[0] - pad, -pad / 3)), num(hi[0] + pad)]},
                  yaxis={"title": {"text": "producer surplus"},
                         "range": [num(max(lo[1] - pad, -pad / 3)), num(hi[1] + pad)]})
    return Figure("surplus_set_fig", "Surplus set", {"data": data, "layout": lay},
                  "Every (CS, PS) pair some segmentation achieves; the star is the unsegmented market.")


# ---------------------------------------------------------------------------------------
# single product: BBM 2015 triangle
# ---------------------------------------------------------------------------------------
def triangle_section(values, prior, cost: float = 0.0, source: str = "") -> Section:
    from ..segmentation.bbm15 import greedy_segmentation, surplus_triangle

    tri = surplus_triangle(values, prior, cost)
    g = greedy_segmentation(values, prior, cost)
    V = tri.vertices
    pts = [V["consumer_optimal"], V["perfect_discrimination"], V["zero_consumer_surplus"],
           V["consumer_optimal"]]
    data = [{"type": "scatter", "mode": "lines", "fill": "toself", "name": "surplus triangle",
             "x": [num(p[0]) for p in pts], "y": [num(p[1]) for p in pts],
             "hovertemplate": "CS %{x:.4g}, PS %{y:.4g}<extra></extra>"},
            {"type": "scatter", "mode": "markers", "name": "uniform price (no segmentation)",
             "x": [num(tri.uniform_consumer_surplus)], "y": [num(tri.uniform_profit)],
             "marker": {"size": 13, "symbol": "star", "color": "crimson"},
             "hovertemplate": "uniform price: CS %{x:.4g}, PS %{y:.4g}<extra></extra>"},
            {"type": "scatter", "mode": "markers", "name": "greedy segmentation",
             "x": [num(g.expected_consumer_surplus)], "y": [num(g.producer_surplus)],
             "marker": {"size": 11, "symbol": "circle", "color": "seagreen"},
             "hovertemplate": "greedy: CS %{x:.4g}, PS %{y:.4g}<extra></extra>"}]
    fig = Figure("triangle_fig", "BBM 2015 surplus triangle",
                 {"data": data, "layout": _layout("consumer surplus", "producer surplus")})
    vals = np.asarray(g.values)
    if vals.size <= 12:
        cols = ("segment", "weight", "price", *[f"v={num(v)}" for v in vals])
        rows = tuple((j + 1, num(g.weights[j]), num(g.prices[j]), *[num(x) for x in g.markets[j]])
                     for j in range(g.n_segments))
    else:
        cols = ("segment", "weight", "price", "lowest value", "highest value", "mean value")
        rows = []
        for j in range(g.n_segments):
            supp = vals[np.asarray(g.markets[j]) > 0]
            rows.append((j + 1, num(g.weights[j]), num(g.prices[j]), num(supp.min()), num(supp.max()),
                         num(vals @ g.markets[j])))
        rows = tuple(rows)
    summary = Table("triangle", "Surplus triangle", ("quantity", "value"), (
        ("uniform price", num(tri.uniform_price)), ("uniform profit", num(tri.uniform_profit)),
        ("consumer surplus at the uniform price", num(tri.uniform_consumer_surplus)),
        ("efficient total surplus", num(tri.efficient_surplus)),
        ("greedy segmentation: consumer surplus", num(g.expected_consumer_surplus)),
        ("greedy segmentation: producer surplus", num(g.producer_surplus))))
    segs = Table("greedy", "Greedy extremal segmentation", cols, rows,
                 note="each segment is priced at its lowest value; segments average to the prior")
    paras = (f"Single product{(' (' + source + ')') if source else ''}, {vals.size} values, "
             f"marginal cost {txt(cost)}.",)
    return Section("bbm15", "Single product: the surplus triangle", "BBM 2015 Theorem 1, Figure 1",
                   paras, (summary, segs), (fig,), (certify("greedy segmentation (averaging, "
                                                            "optimal prices)", g),))


# ---------------------------------------------------------------------------------------
# BBM25: competition
# ---------------------------------------------------------------------------------------
def bbm25_section(game, *, size: int = 401, no_info_size: int = 41) -> Section:
    from ..competition import (alignment_construction, complete_information_outcome,
                               no_information_outcome)
    from ..errors import SolverError

    cons = alignment_construction(game)
    eq = cons.check_equilibrium(size=size)
    full = complete_information_outcome(game)
    paras = [f"{game.n_producers if hasattr(game, 'n_producers') else len(game.producers)} "
             f"producers; efficient total surplus {txt(game.efficient_surplus)}; the consumer-"
             f"optimal information structure leaves the producers exactly their bounds and gives "
             f"consumers {txt(game.efficient_surplus - cons.bounds.sum())}."]
    certs = [certify("Theorem 1 construction (averaging, efficiency)", cons),
             Certificate("Theorem 1 equilibrium (no profitable deviation over "
                         f"{eq.n_deviations} signal-price pairs)",
                         "verified" if eq.ok else "failed",
                         f"largest deviation gain {num(eq.max_gain)}")]
    try:
        none = no_information_outcome(game, size=no_info_size)
        eps = float(none.deviation_gain)
        certs.append(Certificate("no-information equilibrium (grid game)",
                                 "proven within a gap",
                                 f"largest gain from a continuous deviation {num(eps)} "
                                 f"(epsilon-equilibrium, {none.method})"))
    except SolverError as exc:
        none = None
        paras.append(f"No-information benchmark not computed: {exc}")
    bounds = Table("bounds", "Producer-surplus lower bounds", ("producer", "lower bound PS_i"),
                   tuple((p, num(b)) for p, b in zip(game.producers, cons.bounds)),
                   note="BBM25 eq. (1), Proposition 1: no information structure gives a producer less")
    outs = ([] if none is None else [none]) + [full, cons.outcome]
    welfare = Table("welfare", "Welfare under three information structures",
                    ("information", *[f"PS {p}" for p in game.producers], "consumer surplus",
                     "total surplus"),
                    tuple((o.label, *[num(x) for x in o.producer_surplus], num(o.expected_consumer_surplus),
                           num(o.total_surplus)) for o in outs))
    seg_rows = tuple(tuple(num(x) for x in row) for row in cons.summary() if row[4] > 0)
    segs = Table("construction", "Consumer-optimal construction: public segments",
                 ("segment", "kind", "efficient", "cost", "mass", "price", "residuals:prob"), seg_rows)
    data = []
    labels = [o.label for o in outs]
    for i, p in enumerate(game.producers):
        data.append(_bar(labels, [o.producer_surplus[i] for o in outs], f"PS {p}",
                         hover=f"%{{x}}: PS {p} %{{y:.4g}}<extra></extra>"))
    data.append(_bar(labels, [o.expected_consumer_surplus for o in outs], "consumer surplus",
                     hover="%{x}: CS %{y:.4g}<extra></extra>"))
    fig = Figure("welfare_fig", "Surplus by information structure",
                 {"data": data, "layout": _layout("information structure", "surplus",
                                                  barmode="stack")})
    return Section("bbm25", "Competition: consumer-optimal information", "BBM25 Theorem 1, "
                   "Proposition 1, Example 1", tuple(paras), (bounds, welfare, segs), (fig,),
                   tuple(certs))


# ---------------------------------------------------------------------------------------
# CLW: disclosure and pricing
# ---------------------------------------------------------------------------------------
def _global_certificate(what: str, r) -> Certificate:
    """A CLW global solve: its answer re-checked (``verify()``) and, when SCIP did not
    close the gap within its node limit, "proven within a gap" with the bound."""
    c = certify(what, r)
    if c.ok and getattr(r, "proven_optimal", True) is False:
        ub = getattr(r, "upper_bound", None)
        return Certificate(what, "proven within a gap",
                           f"revenue {txt(r.revenue)}, proven upper bound {txt(ub)}")
    return c


def clw_section(dist, *, opt_rev: bool | None = None, node_limit: int = 2000) -> Section:
    from ..disclosure.report import disclosure_report

    rep = disclosure_report(dist, opt_rev=opt_rev, node_limit=node_limit)
    wel = float(rep.welfare)
    rows = [("OPT-Wel (full surplus)", num(wel), 1.0, "welfare bound")]
    certs = []
    u, p = rep.uniform, rep.pricing
    rows.append(("uniform pricing with disclosure", num(u.revenue), num(u.revenue / wel), _status(u)))
    certs.append(_global_certificate("uniform pricing", u))
    rows.append(("item pricing with disclosure", num(p.revenue), num(p.revenue / wel), _status(p)))
    certs.append(_global_certificate("item pricing", p))
    if rep.design is not None:
        d = rep.design
        rows.append(("OPT-Rev (lotteries + disclosure)", num(d.revenue), num(d.revenue / wel), _status(d)))
        certs.append(_global_certificate("OPT-Rev design", d))
        for name, r in (("uniform", u.revenue), ("pricing", p.revenue)):
            rows.append((f"{name} / OPT-Rev", num(r / d.revenue) if d.revenue > 0 else None, "", "ratio"))
    hd = rep.horizontal
    disc = Table("disclosure", "Horizontal disclosure: signals and posterior means",
                 ("signal", *dist.products),
                 tuple((i + 1, *[num(x) for x in m]) for i, m in enumerate(np.asarray(hd.posterior_means))))
    revenue = Table("clw_revenue", "Revenue and the welfare benchmark", ("quantity", "revenue",
                                                                         "share of OPT-Wel", "status"),
                    tuple(rows))
    data = [_bar([r[0] for r in rows if r[3] != "ratio"], [r[1] for r in rows if r[3] != "ratio"],
                 "revenue", hover="%{x}: %{y:.4g}<extra></extra>")]
    fig = Figure("clw_fig", "Revenue against OPT-Wel",
                 {"data": data, "layout": _layout("", "revenue")})
    paras = (f"{dist.n_products} products, {dist.n_profiles} value profiles; OPT-Wel = {txt(wel)}. "
             f"Global solves (SCIP) stop at {node_limit} branch-and-bound nodes (a deterministic "
             "limit); an unclosed gap is shown with its proven bound.",)
    return Section("clw", "Multi-product seller: disclosure and pricing", "CLW sections 2-5",
                   paras, (revenue, disc), (fig,), tuple(certs))


def _status(r) -> str:
    s = getattr(r, "status", None)
    v = getattr(s, "value", s)
    if v is None:
        pv = getattr(r, "proven_optimal", None)
        v = "optimal" if pv else ("not proven" if pv is not None else "")
    return str(v)


# ---------------------------------------------------------------------------------------
# persuasion
# ---------------------------------------------------------------------------------------
def persuasion_section(model: dict) -> Section:
    from ..information import persuade

    r = persuade(model["prior"], model["receiver_utility"], model["sender_utility"])
    states = model.get("states") or [f"state {i + 1}" for i in range(len(model["prior"]))]
    actions = model.get("actions") or [f"action {j + 1}" for j in range(np.shape(model["receiver_utility"])[1])]
    sig = np.asarray(r.signal)
    rows = tuple((states[i], *[num(x) for x in sig[i]]) for i in range(sig.shape[0]))
    t = Table("signal", "Sender-optimal signal: P(recommended action | state)",
              ("state", *[f"recommend {a}" for a in actions]), rows,
              note=f"sender's value {txt(r.value)}")
    data = [_bar(states, sig[:, j], f"recommend {a}", hover=f"%{{x}}: %{{y:.4g}}<extra>{a}</extra>")
            for j, a in enumerate(actions)]
    fig = Figure("signal_fig", "Recommendations by state",
                 {"data": data, "layout": _layout("state", "probability", barmode="stack")})
    return Section("persuasion", "Bayesian persuasion", "Kamenica & Gentzkow (2011)",
                   (f"Sender's optimal value {txt(r.value)}.",), (t,), (fig,),
                   (certify("signal (Bayes plausibility, obedience)", r),))
