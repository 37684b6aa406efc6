"""Model files (``[distribution]`` table) and the one-call summary used by the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelFileError
from ..io import (check_keys, check_numbers, check_numeric_table, describe_value, file_reason, read_flag,
                  read_model_file)
from .catalog import CATALOG
from .conditions import FullExtraction, full_extraction
from .design import DesignEvaluation
from .distribution import ValueDistribution, optimal_welfare
from .lottery import NODE_LIMIT, JointDesign, exogenous_baseline, optimal_design
from .pricing import PricingResult, TwoProductMechanisms, UniformPricing, optimal_pricing, two_product_mechanisms, \
    uniform_pricing
from .signals import HorizontalDisclosure, horizontal_disclosure
from ..verify import Verification
from ..verify.protocol import Result, no_exact


DISTRIBUTION_KEYS = ("products", "values", "probabilities", "normalize")
CATALOG_DISTRIBUTION_KEYS = ("catalog",)
INDEPENDENT_DISTRIBUTION_KEYS = ("products", "independent")
INDEPENDENT_KEYS = ("values", "probabilities")


def distribution_from_dict(data: dict, path="<dict>") -> ValueDistribution:
    """Build a :class:`ValueDistribution` from a parsed model file's ``[distribution]``.

    Accepted forms::

        [distribution]                     [distribution]
        products = ["A", "B"]   # optional  catalog = "example1"   # a CLW instance
        values = [[10, 5], [6, 5]]
        probabilities = [0.5, 0.5]         [distribution.independent]
        normalize = false       # optional  values = [[1, 2], [0, 3]]   # per product
                                            probabilities = [[0.5, 0.5], [0.2, 0.8]]

    ``normalize`` must be a boolean; the independent form (``products`` optional) has no
    ``normalize`` (each product's probabilities must sum to one) and the catalog form
    takes only ``catalog``. Any other key, a quoted number or a boolean in a numeric field
    is rejected with a :class:`~infopricing.errors.ModelFileError` naming table and key.
    """
    if "distribution" not in data:
        raise ModelFileError(path, "distribution", "missing table [distribution]")
    d = data["distribution"]
    if not isinstance(d, dict):
        raise ModelFileError(path, "distribution", "must be a table")
    if "catalog" in d:
        check_keys(d, CATALOG_DISTRIBUTION_KEYS, path, "distribution", form="with 'catalog'")
        name = d["catalog"]
        if not isinstance(name, str) or name not in CATALOG:
            shown = repr(name) if isinstance(name, str) else describe_value(name)
            raise ModelFileError(path, "distribution.catalog",
                                 f"unknown instance {shown}; known: {', '.join(sorted(CATALOG))}")
        return CATALOG[name]()
    if "independent" in d:
        check_keys(d, INDEPENDENT_DISTRIBUTION_KEYS, path, "distribution",
                   form="with [distribution.independent]")
        ind = d["independent"]
        if not isinstance(ind, dict):
            raise ModelFileError(path, "distribution.independent",
                                 "must be a table with 'values' and 'probabilities' (one list per product)")
        check_numeric_table(ind, INDEPENDENT_KEYS, path, "distribution.independent",
                            "give one list per product")
        try:
            return ValueDistribution.independent(ind["values"], ind["probabilities"],
                                                 products=d.get("products"))
        except (ValueError, TypeError) as exc:
            raise ModelFileError(path, "distribution.independent", file_reason(exc)) from None
    check_keys(d, DISTRIBUTION_KEYS, path, "distribution")
    for key in ("values", "probabilities"):
        if key not in d:
            raise ModelFileError(path, f"distribution.{key}", "missing")
        check_numbers(d[key], path, f"distribution.{key}")
    normalize = read_flag(d, "normalize", path, "distribution")
    try:
        return ValueDistribution(d["values"], d["probabilities"], products=d.get("products"),
                                 normalize=normalize)
    except (ValueError, TypeError) as exc:
        raise ModelFileError(path, "distribution", file_reason(exc, "distribution")) from None


def load_distribution(path) -> ValueDistribution:
    """Read a TOML/JSON model file's ``[distribution]`` table (see
    :func:`distribution_from_dict`)."""
    return distribution_from_dict(read_model_file(path), Path(path))


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
        ``value`` (None when a part was not computed), ``tie_rule``, ``proven`` (the
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
                      node_limit: int | None = NODE_LIMIT, progress=None) -> DisclosureReport:
    """Compute OPT-Wel, horizontal disclosure, the section-5 conditions, uniform pricing,
    optimal pricing, Proposition 1's mechanisms (two products), and OPT-Rev plus the
    full-information baseline when ``opt_rev`` (default: at most ``opt_rev_max_profiles``
    profiles).

    ``node_limit`` (deterministic) and ``time_limit`` (seconds, default none) bound each
    global solve (recorded in each part's ``params``). ``progress(done, total)`` is called
    with the nodes of the global solve under way and ``node_limit`` (each solve starts
    again from 0).

    References
    ----------
    CLW, sections 2-5 and Appendix A.
    """
    want = opt_rev if opt_rev is not None else dist.n_profiles <= opt_rev_max_profiles
    lim = {"method": method, "time_limit": time_limit, "node_limit": node_limit, "progress": progress}
    pr = optimal_pricing(dist, **lim)
    uni = uniform_pricing(dist, **lim)
    design = optimal_design(dist, pricing=pr, **lim) if want else None
    return DisclosureReport(
        dist=dist, welfare=optimal_welfare(dist), horizontal=horizontal_disclosure(dist),
        conditions=full_extraction(dist), uniform=uni,
        pricing=pr, two_product=two_product_mechanisms(dist) if dist.n_products == 2 else None,
        design=design, exogenous=exogenous_baseline(dist) if want else None)
