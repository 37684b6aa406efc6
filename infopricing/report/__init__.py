"""A market report: every analysis that applies to a model, with its certificates, in one
self-contained HTML file that opens in any browser without a server or a network.

``report(source, path)`` takes a model file (TOML or JSON, any of the tables the CLI reads)
or model objects (a :class:`~infopricing.model.Market`, a ``PricingGame``, a
``ValueDistribution``, a ``Prior``, or a list of them) and returns a :class:`MarketReport`;
with ``path`` it also writes the page. ``infopricing report MODEL -o report.html`` is the
same from the command line.

What a report holds, by model table:

- ``[environment]`` + ``[market]`` (HS): the optimal menu (items, prices, who buys what,
  binding constraints), efficiency, the Pareto-improving segmentation with every segment's
  composition and menu and each type's surplus before and after, the (CS, PS) surplus set;
  for two or three types the market map (HS Figure 1 / the simplex) and the explorer, whose
  control moves the market over a grid computed ahead with :func:`~infopricing.scale.sweep`;
  with one alternative also the BBM 2015 triangle;
- ``[prior]`` (single product): the BBM 2015 surplus triangle and the greedy segmentation;
- ``[persuasion]``: the sender-optimal signal;
- ``[game]`` (BBM25): the producer-surplus bounds, the consumer-optimal construction with
  its equilibrium check, and the three benchmarks;
- ``[distribution]`` (CLW): uniform and item pricing with disclosure, OPT-Rev, OPT-Wel and
  the disclosure used.

Every result's certificate status is shown beside it (verified exactly, verified, proven
within a gap, failed), with the library version, the model file's SHA-256 and the parameters
used, so the report can be reproduced.
"""

from __future__ import annotations

import hashlib
import html as _html
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..verify.protocol import ResultStatus, Result, renamed_keywords
from .content import CERTIFICATE_STATES, Certificate, Figure, Section, Table
from .._progress import check_progress

__all__ = ["MarketReport", "report", "Section", "Table", "Figure", "Certificate"]


@dataclass(frozen=True, eq=False, repr=False)
class MarketReport(Result):
    """The analyses of one model, ready to render.

    Attributes
    ----------
    title : str
    source : str            the model file's path, or a description of the objects given
    sha256 : str or None    of the model file's bytes (None for objects)
    sections : tuple of Section
    params : dict           what was used: selection rule, explorer grid, grids of the
                            competition benchmarks, OPT-Rev switch, library version

    References
    ----------
    Renders the results of HS (sections 4-6), BBM 2015 (Theorem 1), BBM25 (Theorem 1,
    Proposition 1) and CLW (sections 2-5); see :func:`report`.

    Examples
    --------
    >>> import infopricing as ip
    >>> r = ip.report(ip.catalog.bbm25_example3())          # BBM25 Example 3
    >>> [c.state for c in r.certificates][:2], r.verified
    (['verified', 'verified'], True)
    """

    title: str
    source: str
    sha256: str | None
    sections: tuple
    params: dict = field(default_factory=dict)
    created: str = ""

    @property
    def certificates(self) -> tuple:
        return tuple(c for s in self.sections for c in s.certificates)

    @property
    def verified(self) -> bool:
        """Whether no certificate in the report failed."""
        return all(c.ok for c in self.certificates)

    def _status(self) -> ResultStatus:
        """``inaccurate`` when a certificate failed, ``gap`` when some number is only
        proven within a gap (an epsilon-equilibrium), ``optimal`` otherwise."""
        if not self.verified:
            return ResultStatus.INACCURATE
        if any(c.state == "proven within a gap" for c in self.certificates):
            return ResultStatus.GAP
        return ResultStatus.OPTIMAL

    def verify(self, *, exact: bool = False):
        """Combine the certificates recorded when the report was built (the checks ran
        then; ``exact`` records whether exact ones are required: with ``exact=True`` a
        menu or segmentation verified only in floating point counts as a failure)."""
        from ..verify import Verification

        fails = [f"{c.what}: {c.detail or 'failed'}" for c in self.certificates if not c.ok]
        if exact:
            fails += [f"{c.what}: verified only in floating point" for c in self.certificates
                      if c.state == "verified" and ("menu" in c.what or "segment" in c.what)
                      and c.what != "improvability analysis"]
        return Verification(ok=not fails, failures=tuple(fails), exact=exact,
                            checks=tuple(c.what for c in self.certificates))

    def html(self, *, compress: bool = True) -> str:
        """The self-contained page (``compress=False`` inlines Plotly uncompressed: larger,
        but readable by browsers without ``DecompressionStream``)."""
        from .html import render

        header = {"model": self.source, "model SHA-256": self.sha256 or "(objects, no file)",
                  "infopricing": self.params.get("version", ""), "created (UTC)": self.created,
                  "parameters": json.dumps({k: v for k, v in self.params.items() if k != "version"},
                                           sort_keys=True),
                  "certificates": ", ".join(f"{sum(c.state == s for c in self.certificates)} {s}"
                                            for s in CERTIFICATE_STATES
                                            if any(c.state == s for c in self.certificates))}
        return render(self.title, header, self.sections, compress=compress)

    def write(self, path, *, compress: bool = True) -> Path:
        """Write the page to ``path`` (via a temporary file in the same directory, so a
        failed write leaves no half-written report). Returns the path."""
        import os
        import tempfile

        path = Path(path)
        text = self.html(compress=compress)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent or ".")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(tmp, 0o666 & ~mask)   # mkstemp's 0600 would hide the report from others
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    def as_dict(self) -> dict:
        return {"title": self.title, "source": self.source, "sha256": self.sha256,
                "created": self.created, "params": self.params, "verified": self.verified,
                "sections": [{"key": s.key, "title": s.title, "reference": s.reference,
                              "paragraphs": list(s.paragraphs),
                              "certificates": [{"what": c.what, "state": c.state, "detail": c.detail}
                                               for c in s.certificates],
                              "tables": [{"key": t.key, "title": t.title, "columns": list(t.columns),
                                          "rows": [list(r) for r in t.rows]} for t in s.tables],
                              "figures": [f.key for f in s.figures]}
                             for s in self.sections]}

    def _summary(self) -> dict:
        return {"source": repr(self.source), "sections": str(len(self.sections)),
                "certificates": str(len(self.certificates)), "verified": str(self.verified)}

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{_html.escape(s.title)}</td><td>{_html.escape(s.reference)}</td>"
                       f"<td>{', '.join(_html.escape(c.state) for c in s.certificates)}</td></tr>"
                       for s in self.sections)
        return (f"<p><b>Market report</b> of {_html.escape(self.source)} "
                f"({'verified' if self.verified else 'a certificate FAILED'}); "
                "<code>.write(path)</code> saves the interactive page.</p>"
                f"<table><tr><th>section</th><th>reference</th><th>certificates</th></tr>{rows}</table>")


@renamed_keywords(competition_grid="competition_size", no_info_grid="no_info_size")
def report(source, path=None, *, selection: str = "efficient", explorer_size: int | None = None,
           opt_rev: bool | None = None, competition_size: int = 401, no_info_size: int = 41,
           exact: bool = True, title: str | None = None, progress=None,
           clw_node_limit: int = 2000) -> MarketReport:
    """Build the report of a model file or model objects, and write it when ``path`` is given.

    Parameters
    ----------
    source : str, Path, or model object(s)
        A model file, or a ``Market`` (HS), ``PricingGame`` (BBM25), ``ValueDistribution``
        (CLW), ``Prior`` (single product), a result carrying one of these (a ``Mechanism``'s
        market, ...), or a list of them.
    path : str or Path, optional
        Where to write the HTML page.
    selection : {"efficient", "consumer", "adverse"}
        Selection rule among optimal menus (HS).
    explorer_size : int, optional
        Grid steps of the two/three-type explorer (default 40 / 12).
    opt_rev : bool, optional
        Compute CLW's OPT-Rev (default: for at most four profiles, as ``disclose``).
    clw_node_limit : int
        Branch-and-bound nodes for CLW's global solves (deterministic; an unclosed gap is
        reported as "proven within a gap"; ``disclose`` uses 20000).
    competition_size, no_info_size : int
        Even-grid prices per signal in the BBM25 equilibrium check; even-grid prices of the
        no-information benchmark (counts; ``competition_grid`` and ``no_info_grid`` are
        their deprecated names, still accepted with a warning).
    exact : bool
        Re-check menus and segmentations in exact rational arithmetic (default True).
    progress : callable, optional
        Called as ``progress(done, total)`` while the explorer's grid markets are analysed
        (the longest step of a two- or three-type report).

    Returns
    -------
    MarketReport

    References
    ----------
    HS sections 4-6 (menus, Pareto-improving segmentation, Figure 1), BBM 2015 Theorem 1
    (surplus triangle), BBM25 Theorem 1 and Proposition 1, CLW sections 2-5.

    Examples
    --------
    BBM25 Example 3 (a monopolist with cost 1, value 0 or 4): one competition section,
    each of its certificates re-checked (``r.write("report.html")`` writes the page):

    >>> import infopricing as ip
    >>> r = ip.report(ip.catalog.bbm25_example3())
    >>> r.verified, [s.title for s in r.sections]
    (True, ['Competition: consumer-optimal information'])

    An HS market gets the menu, the Pareto-improving segmentation and the market explorer
    (several seconds, most of it the explorer's grid of markets):

    >>> env = ip.Environment([[0.75, 1.0], [1.0, 2.0]], types=["t1", "t2"])
    >>> r = ip.report(ip.Market(env, [0.5, 0.5]))     # doctest: +SKIP
    >>> r.verified                                    # doctest: +SKIP
    True
    """
    check_progress(progress)
    from .. import __version__
    from ..screening.optimal import SELECTIONS

    if selection not in SELECTIONS:
        raise ValueError(f"selection must be one of {SELECTIONS}, got {selection!r}")
    for name, v, least in (("competition_size", competition_size, 3), ("no_info_size", no_info_size, 2),
                           ("clw_node_limit", clw_node_limit, 1)):
        if isinstance(v, bool) or not isinstance(v, int) or v < least:
            raise ValueError(f"{name} must be an integer >= {least}, got {v!r}")
    if not isinstance(exact, bool):
        raise TypeError(f"exact must be True or False, got {exact!r}")
    if opt_rev is not None and not isinstance(opt_rev, bool):
        raise TypeError(f"opt_rev must be True, False or None, got {opt_rev!r}")
    models, src, digest = _models(source)
    sections = []
    for kind, obj in models:
        if kind == "hs":
            from .content import hs_sections, triangle_section

            sections += hs_sections(obj.env, obj, selection=selection, explorer_size=explorer_size,
                                    exact=exact, progress=progress)
            if obj.env.n_alternatives == 1:
                sections.append(triangle_section(obj.env.values[:, 0], obj.probabilities, 0.0,
                                                 source="the environment's single alternative"))
        elif kind == "prior":
            from .content import triangle_section

            prior, cost = obj
            sections.append(triangle_section(prior.values, prior.probabilities, cost,
                                             source=getattr(prior, "source", "")))
        elif kind == "persuasion":
            from .content import persuasion_section

            sections.append(persuasion_section(obj))
        elif kind == "game":
            from .content import bbm25_section

            sections.append(bbm25_section(obj, size=competition_size, no_info_size=no_info_size))
        elif kind == "distribution":
            from .content import clw_section

            sections.append(clw_section(obj, opt_rev=opt_rev, node_limit=clw_node_limit))
    params = {"version": __version__, "selection": selection, "exact": exact}
    if any(k == "hs" for k, _ in models):
        ex = next((s.explorer for s in sections if s.explorer is not None), None)
        params["explorer_steps"] = None if ex is None else ex["steps"]
    if any(k == "game" for k, _ in models):
        params.update(competition_size=competition_size, no_info_size=no_info_size)
    if any(k == "distribution" for k, _ in models):
        params.update(opt_rev=opt_rev, clw_node_limit=clw_node_limit)
    rep = MarketReport(title=title or f"infopricing report: {Path(src).name if digest else src}",
                       source=src, sha256=digest, sections=tuple(sections), params=params,
                       created=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S"))
    if path is not None:
        rep.write(path)
    return rep


def _models(source):
    """``([(kind, object), ...], source description, sha256 or None)``."""
    if isinstance(source, (str, Path)):
        return _models_from_file(Path(source))
    items = list(source) if isinstance(source, (list, tuple)) else [source]
    out = []
    for obj in items:
        out.append(_model_kind(obj))
    if not out:
        raise ValueError("source: nothing to report (an empty list)")
    return out, ", ".join(type(o).__name__ for o in items), None


def _model_kind(obj):
    from ..competition.game import PricingGame
    from ..disclosure.distribution import ValueDistribution
    from ..information.prior import Prior
    from ..model import Market

    if isinstance(obj, Market):
        return ("hs", obj)
    if isinstance(obj, PricingGame):
        return ("game", obj)
    if isinstance(obj, ValueDistribution):
        return ("distribution", obj)
    if isinstance(obj, Prior):
        return ("prior", (obj, 0.0))
    for attr, kind in (("market", "hs"), ("game", "game"), ("dist", "distribution")):
        inner = getattr(obj, attr, None)
        if inner is not None:
            return _model_kind(inner)
    raise TypeError("source must be a model file path, a Market, PricingGame, ValueDistribution "
                    f"or Prior (or a result carrying one), got {type(obj).__name__}")


def _models_from_file(path: Path):
    from ..errors import ModelFileError
    from ..io import load_dict, parse_model_bytes, read_model_bytes
    from ..io.read import is_stdin
    from ..io.schema import TOP_LEVEL

    if not is_stdin(path) and not path.is_file():
        raise ModelFileError(path, "", "no such file" if not path.exists() else "not a file")
    raw, path, is_json = read_model_bytes(path)          # '-': standard input, read once
    digest = hashlib.sha256(raw).hexdigest()
    data = parse_model_bytes(raw, path, is_json)
    m = load_dict(data, path, tables=[t for t in TOP_LEVEL if t in data or t == "segmentation" and "prior" in data])
    out = []
    if m.environment is not None:
        if m.market is None:
            raise ModelFileError(path, "market", "missing table [market] (the report analyses a market)")
        out.append(("hs", m.market))
    if m.prior is not None:
        out.append(("prior", (m.prior, m.segmentation.cost)))
    for kind in ("persuasion", "game", "distribution"):
        if getattr(m, kind) is not None:
            out.append((kind, getattr(m, kind)))
    if not out:
        raise ModelFileError(path, "", "no table the report analyses: give [environment] and "
                             "[market], [prior], [persuasion], [game] or [distribution]")
    return out, str(path), digest
