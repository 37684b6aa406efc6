"""Cai, Li & Wu (CLW), "Multi-Dimensional Screening with Endogenous Information
Disclosure": the instances of :mod:`infopricing.disclosure.catalog`, re-exported."""

from __future__ import annotations

from ..disclosure.catalog import (CATALOG as DISCLOSURE_CATALOG, clw_b1, clw_b2, clw_example1,
                                  clw_example2, clw_example3, clw_example4, clw_lemma2,
                                  equal_revenue, negatively_affiliated_three_products)
from ._cite import cite

__all__ = ["DISCLOSURE_CATALOG", "clw_b1", "clw_b2", "clw_example1", "clw_example2",
           "clw_example3", "clw_example4", "clw_lemma2", "equal_revenue",
           "negatively_affiliated_three_products", "clw_example4_default", "clw_lemma2_default"]


@cite("CLW, Example 4 (eps = 0.1)")
def clw_example4_default():
    """CLW Example 4 at eps = 0.1."""
    return clw_example4(0.1)


@cite("CLW, Lemma 2 (eps = 0.1)")
def clw_lemma2_default():
    """The Lemma 2 distribution at eps = 0.1."""
    return clw_lemma2(0.1)
