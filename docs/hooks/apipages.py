"""Generated pages: the API reference (one entry per public name) and the reproduction table."""

from __future__ import annotations

import inspect

AREAS = {
    "model": ("Models", "The primitives a user builds (validated, immutable)."),
    "verify": ("Results and verification", "The result protocol: statuses, checks, reports."),
    "screening": ("Screening (HS section 4)", "Revenue-optimal lottery menus."),
    "segmentation": ("Segmentation (HS, BBM 2015)",
                     "Pareto-improving segmentation, surplus sets, single-product segmentation."),
    "information": ("Information design", "Priors, Bayesian persuasion, convex order, Roesler-Szentes."),
    "competition": ("Competition (BBM25)",
                    "Bertrand producers, bounds, the Theorem 1 construction, benchmarks, Hotelling."),
    "disclosure": ("Disclosure (CLW)", "Joint design of information and menus for a multi-product seller."),
    "scale": ("Sweeps at scale", "Many markets of one environment; chunked runs on Dask."),
}


def public_names() -> list[str]:
    """``infopricing.__all__`` when the package defines it, else every name the subpackages
    export (plus ``Status``), in a stable order."""
    import infopricing as ip

    names = getattr(ip, "__all__", None)
    if names is None:
        names = ["Status"]
        for area in AREAS:
            for n in getattr(getattr(ip, area), "__all__", ()):
                if n not in names:
                    names.append(n)
    return [n for n in names if not inspect.ismodule(getattr(ip, n))]


def area_of(name: str) -> str:
    """The subpackage whose module defines the object ``infopricing.<name>``."""
    import infopricing as ip

    obj = getattr(ip, name)
    mod = getattr(obj, "__module__", "") or ""
    parts = mod.split(".")
    if len(parts) > 1 and parts[1] in AREAS:
        return parts[1]
    if name == "Status":
        return "verify"
    for area in AREAS:
        if name in getattr(getattr(ip, area), "__all__", ()):
            return area
    return "verify"


def _entry(name: str) -> str:
    """The mkdocstrings directive for ``infopricing.<name>``, by its defining module (the
    package's ``__all__`` lists are built at run time, which static analysis cannot follow)."""
    import infopricing as ip

    obj = getattr(ip, name)
    real = getattr(obj, "__name__", name)
    if real != name:   # a second name for an object documented under its own name
        return (f"### {name}\n\n`infopricing.{name}` is another name for "
                f"`infopricing.{real}` (the same object), documented under that name.\n")
    mod = getattr(obj, "__module__", None) or "infopricing"
    return f"::: {mod}.{name}\n"


def pages() -> dict[str, str]:
    groups: dict[str, list[str]] = {a: [] for a in AREAS}
    for n in public_names():
        groups[area_of(n)].append(n)
    out = {}
    for area, names in groups.items():
        title, blurb = AREAS[area]
        lines = [f"# {title}", "", blurb, "",
                 "Every name below is importable as `infopricing.<name>` "
                 "(`import infopricing as ip; ip.<name>`).", ""]
        classes = sorted(n for n in names if inspect.isclass(getattr(__import__("infopricing"), n)))
        funcs = sorted(n for n in names if n not in classes)
        if funcs:
            lines += ["## Functions", ""]
            lines += [_entry(n) for n in funcs]
        if classes:
            lines += ["## Classes", ""]
            lines += [_entry(n) for n in classes]
        out[f"reference/{area}.md"] = "\n".join(lines) + "\n"
    return out


def _cell(v) -> str:
    s = repr(v) if not isinstance(v, str) else v
    s = s.replace("|", "\\|").replace("\n", " ")
    return s if len(s) <= 120 else s[:117] + "..."


def reproduction_page(template: str) -> str:
    """The template with ``{{ table }}`` and ``{{ errata }}`` replaced from the registry."""
    from infopricing.claims import all_claims

    claims = all_claims()
    rows = ["| id | paper | location | statement | paper value | tolerance |",
            "|---|---|---|---|---|---|"]
    for c in claims:
        rows.append(f"| `{c.id}` | {c.paper} | {_cell(c.location)} | {_cell(c.statement)} | "
                    f"{_cell(c.paper_value)} | {c.tol:g} |")
    errata = []
    for c in claims:
        if c.discrepancy:
            errata += [f"### `{c.id}` ({c.paper}, {c.location})", "",
                       f"**The paper:** {c.statement} (printed value: `{_cell(c.paper_value)}`).", "",
                       f"**What is wrong:** {c.discrepancy}", "",
                       f"**Corrected value checked instead:** `{_cell(c.corrected_value)}`", ""]
    counts = {}
    for c in claims:
        counts[c.paper] = counts.get(c.paper, 0) + 1
    summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
    return (template.replace("{{ count }}", str(len(claims)))
            .replace("{{ by_paper }}", summary)
            .replace("{{ n_errata }}", str(sum(bool(c.discrepancy) for c in claims)))
            .replace("{{ table }}", "\n".join(rows))
            .replace("{{ errata }}", "\n".join(errata)))
