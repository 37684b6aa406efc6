"""The papers' instances, each citing its source (DESIGN.md, "catalog/").

Every entry is a function building a fresh model object (an
:class:`~infopricing.Environment`, a :class:`~infopricing.Market`, a
:class:`~infopricing.PricingGame`, a Hotelling prior, a
:class:`~infopricing.ValueDistribution`); :data:`CATALOG` lists them by name with the
paper and the section or example they come from, and :func:`instance` builds one by name.

>>> from infopricing import catalog
>>> catalog.hs_section3().values.tolist()
[[0.75, 1.0], [1.0, 2.0]]
>>> catalog.CATALOG["hs-section3"].source
'HS, Section 3 (Figure 1(a))'

The CLW instances are those of :mod:`infopricing.disclosure.catalog`, re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import bbm25, clw, hs
from .bbm25 import (bbm25_example1, bbm25_example1_residual, bbm25_example2, bbm25_example3,
                    bbm25_example4_hotelling)
from .clw import (clw_b1, clw_b2, clw_example1, clw_example2, clw_example3, clw_example4,
                  clw_lemma2, equal_revenue, negatively_affiliated_three_products)
from .hs import (hs_appendix_c, hs_corollary4_piecewise_linear, hs_section3, hs_section3_market,
                 hs_section3_single_product, hs_section3_single_product_market, hs_section611,
                 hs_section611_market)

__all__ = ["Entry", "CATALOG", "instance", "hs", "bbm25", "clw",
           "hs_section3", "hs_section3_market", "hs_section3_single_product",
           "hs_section3_single_product_market", "hs_section611", "hs_section611_market",
           "hs_appendix_c", "hs_corollary4_piecewise_linear",
           "bbm25_example1", "bbm25_example1_residual", "bbm25_example2", "bbm25_example3",
           "bbm25_example4_hotelling",
           "clw_example1", "clw_example2", "clw_example3", "clw_example4", "clw_lemma2",
           "clw_b1", "clw_b2", "equal_revenue", "negatively_affiliated_three_products"]


@dataclass(frozen=True)
class Entry:
    """One catalogue instance: how to build it and where it comes from.

    Attributes
    ----------
    name : str
        Catalogue name (``hs-section3``, ``bbm25-example1``, ``clw-example1``, ...).
    build : callable
        Called with no arguments, returns a fresh model object.
    source : str
        Paper and location (``"HS, Section 3 (Figure 1(a))"``).
    description : str
        One line saying what the instance is.
    """

    name: str
    build: Callable[[], object]
    source: str
    description: str


def _entry(name: str, build: Callable[[], object], source: str | None = None) -> Entry:
    doc = (build.__doc__ or "").strip().splitlines()
    source = source or getattr(build, "source", "")
    if not source:
        raise ValueError(f"catalogue entry {name!r} has no source")
    return Entry(name, build, source, doc[0] if doc else "")


CATALOG: dict[str, Entry] = {e.name: e for e in (
    _entry("hs-section3", hs_section3),
    _entry("hs-section3-market", hs_section3_market),
    _entry("hs-section3-single-product", hs_section3_single_product),
    _entry("hs-section3-single-product-market", hs_section3_single_product_market),
    _entry("hs-section611", hs_section611),
    _entry("hs-section611-market", hs_section611_market),
    _entry("hs-appendix-c", hs_appendix_c),
    _entry("hs-corollary4", hs_corollary4_piecewise_linear),
    _entry("bbm25-example1", bbm25_example1),
    _entry("bbm25-example1-residual", bbm25_example1_residual),
    _entry("bbm25-example2", bbm25_example2),
    _entry("bbm25-example3", bbm25_example3),
    _entry("bbm25-example4", bbm25_example4_hotelling),
    _entry("clw-example1", clw_example1, "CLW, Example 1"),
    _entry("clw-example2", clw_example2, "CLW, Example 2 (Appendix A.6)"),
    _entry("clw-example4", clw.clw_example4_default),
    _entry("clw-lemma2", clw.clw_lemma2_default),
    _entry("clw-b2", clw_b2, "CLW, Appendix B.2"),
    _entry("clw-negatively-affiliated-3", negatively_affiliated_three_products,
           "beyond the papers: a counter-example to CLW Lemma 1 under negative affiliation (CLW Definition 3)"),
)}


def instance(name: str):
    """Build the catalogue instance ``name`` (a key of :data:`CATALOG`)."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    if name not in CATALOG:
        raise ValueError(f"name {name!r} is not in the catalogue; valid names: "
                         + ", ".join(sorted(CATALOG)))
    return CATALOG[name].build()
