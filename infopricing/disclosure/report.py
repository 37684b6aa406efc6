"""Model files (``[distribution]`` table) and the one-call summary used by the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from ..io.tables import (CATALOG_DISTRIBUTION_KEYS, DISTRIBUTION_KEYS, INDEPENDENT_DISTRIBUTION_KEYS,  # noqa: F401
                         INDEPENDENT_KEYS, distribution_from_dict, load_distribution)
from .._progress import check_progress
from .conditions import FullExtraction, full_extraction
from .design import DesignEvaluation
from .distribution import ValueDistribution, _check_dist, optimal_welfare
from .lottery import NODE_LIMIT, JointDesign, check_formulation, exogenous_baseline, optimal_design
from .pricing import PricingResult, TwoProductMechanisms, UniformPricing, optimal_pricing, two_product_mechanisms, \
    uniform_pricing
from .signals import HorizontalDisclosure, horizontal_disclosure
from ..verify import Verification
from ..verify.protocol import Result, no_exact


@dataclass(frozen=True, repr=False)
class DisclosureReport(Result):
    """Everything ``infopricing disclose`` shows for one distribution.

    Attributes
    ----------
    dist : ValueDistribution
    welfare : float                        OPT-Wel
    horizontal : HorizontalDisclosure
    conditions : FullExtraction            Lemma 1 / Prop. 5 and Definitions 3-5
    uniform : UniformPricing               Theorem 1
    pricing : PricingResult                Theorem 2
    two_product : TwoProductMechanisms or None   Proposition 1 (m = 2)
    design : JointDesign or None           OPT-Rev (small instances)
    exogenous : DesignEvaluation or None   full-information best lottery menu
    """

    dist: ValueDistribution
    welfare: float
    horizontal: HorizontalDisclosure
    conditions: FullExtraction
    uniform: UniformPricing
    pricing: PricingResult
    two_product: TwoProductMechanisms | None
    design: JointDesign | None
    exogenous: DesignEvaluation | None

    def verify(self, *, exact: bool = False) -> Verification:
        """All parts verify (each result's own ``verify``), combined into one report."""
        no_exact(self, exact)
        parts = [self.conditions, self.uniform, self.pricing]
        parts += [p for p in (self.two_product, self.design) if p is not None]
        checks = [p.verify() for p in parts]
        if self.exogenous is not None:
            checks.append(self.exogenous.verify())
        return Verification(ok=all(c.ok for c in checks),
                            failures=tuple(f for c in checks for f in c.failures),
                            max_violation=max((c.max_violation for c in checks), default=0.0),
                            checks=tuple(type(p).__name__ for p in parts)
                            + (("exogenous",) if self.exogenous is not None else ()))

    def ratios(self) -> list[dict]:
        """Every ratio a CLW reader asks about, each with the tie rule its numbers use.

        Over OPT-Wel (``E max_i v_i``, CLW section 2): uniform pricing (best uniform price
        with its optimal information), Theorem 1's ``p*`` (at least 1/2), optimal pricing
        (Theorem 2), OPT-Rev, exogenous full information and, for two products,
        Proposition 1's best mechanism (at least 2/3); over OPT-Rev: uniform pricing and
        optimal pricing. Each entry: ``ratio`` (name), ``numerator``, ``denominator``,
        ``value`` (None when a part was not computed or the denominator is 0), ``tie_rule``, ``proven`` (the
        numerator and the denominator are proven optimal) and, over an OPT-Rev whose gap
        is not closed, ``lower_bound`` (the numerator over OPT-Rev's upper bound; the
        ratio then lies in ``[lower_bound, value]``)."""
        buyer = BUYER_TIES
        W = self.welfare
        u, p, jd = self.uniform, self.pricing, self.design
        rows = [("uniform / OPT-Wel", u.revenue, W, buyer, u.proven_optimal, None),
                ("p* / OPT-Wel", u.p_star, W, P_STAR_TIES, True, None),
                ("pricing / OPT-Wel", p.revenue, W, buyer, p.proven_optimal, None)]
        if jd is not None:
            rows.append(("OPT-Rev / OPT-Wel", jd.revenue, W, buyer, jd.proven_optimal, None))
        if self.exogenous is not None:
            rows.append(("full information / OPT-Wel", self.exogenous.revenue, W, buyer, True, None))
        if self.two_product is not None:
            tp = self.two_product
            rows.append(("Proposition 1 best / OPT-Wel", tp.best.revenue, W, buyer, True, None))
        for name, part in (("uniform / OPT-Rev", u), ("pricing / OPT-Rev", p)):
            if jd is None:
                rows.append((name, None, None, buyer, False, None))
            else:
                rows.append((name, part.revenue, jd.revenue, buyer,
                             bool(part.proven_optimal and jd.proven_optimal), jd.upper_bound))
        out = []
        for name, num, den, ties, proven, den_bound in rows:
            num_name, den_name = (x.strip() for x in name.split("/"))
            d = {"ratio": name, "numerator": num_name, "denominator": den_name,
                 "numerator_value": None if num is None else float(num),
                 "denominator_value": None if den is None else float(den),
                 "value": None if num is None or not den else float(num) / float(den),
                 "tie_rule": ties, "proven": bool(proven)}
            if den_bound is not None and num is not None and not proven and den_bound > 0:
                d["lower_bound"] = float(num) / float(den_bound)
            out.append(d)
        return out

    def as_dict(self) -> dict:
        """The protocol's dict of every part, with :meth:`ratios` under ``ratios``."""
        return {**super().as_dict(), "ratios": self.ratios()}


#: tie rule of every revenue computed by evaluating a design (infopricing.disclosure.design)
BUYER_TIES = ("buyer's ties go to the seller: highest price, then highest welfare, then lowest "
              "item; buying beats the outside option")
#: tie rule of Theorem 1's p*
P_STAR_TIES = ("coarse horizontal disclosure at p*: a buyer indifferent between buying at p* and "
               "not buying buys (the sale is for sure)")


def disclosure_report(dist: ValueDistribution, method: str = "auto", time_limit: float | None = None,
                      opt_rev: bool | None = None, opt_rev_max_profiles: int = 4,
                      node_limit: int | None = NODE_LIMIT, progress=None,
                      formulation: str = "auto") -> DisclosureReport:
    """Compute OPT-Wel, horizontal disclosure, the section-5 conditions, uniform pricing,
    optimal pricing, Proposition 1's mechanisms (two products), and OPT-Rev plus the
    full-information baseline when ``opt_rev`` (default: at most ``opt_rev_max_profiles``
    profiles).

    ``node_limit`` (deterministic) and ``time_limit`` (seconds, default none) bound each
    global solve (recorded in each part's ``params``). ``progress(done, total)`` is called
    with the nodes of the global solve under way and ``node_limit`` (each solve starts
    again from 0). ``formulation`` is passed to :func:`optimal_design` (OPT-Rev only;
    ``"cells"`` proves three-profile instances such as CLW Example 1, in minutes).

    References
    ----------
    CLW, sections 2-5 and Appendix A.
    """
    check_progress(progress)
    _check_dist(dist)
    check_formulation(formulation, dist)  # before any solve: nothing is computed for bad input
    want = opt_rev if opt_rev is not None else dist.n_profiles <= opt_rev_max_profiles
    lim = {"method": method, "time_limit": time_limit, "node_limit": node_limit, "progress": progress}
    pr = optimal_pricing(dist, **lim)
    uni = uniform_pricing(dist, **lim)
    design = optimal_design(dist, pricing=pr, formulation=formulation, **lim) if want else None
    return DisclosureReport(
        dist=dist, welfare=optimal_welfare(dist), horizontal=horizontal_disclosure(dist),
        conditions=full_extraction(dist), uniform=uni,
        pricing=pr, two_product=two_product_mechanisms(dist) if dist.n_products == 2 else None,
        design=design, exogenous=exogenous_baseline(dist) if want else None)
