"""The papers' checkable items and which claim rows cover them.

One reading of the three papers (numbered examples, figures, propositions with a computable
consequence, printed numbers), item by item, with the claim rows that check each and
whether they check it fully, partly, or not at all (with the reason). The reproduction
report's headline counts these items, not the rows: several rows can check one item and
one row can serve several. Issue 17's independent reading counted 96 items; this list is
the library's own and is kept beside the rows so that the two stay in step (a test
checks that every row named here exists and every row is named by some item).
"""

from __future__ import annotations

from dataclasses import dataclass

COVERAGE = ("full", "partly", "not")


@dataclass(frozen=True)
class PaperItem:
    key: str
    paper: str
    label: str
    claims: tuple
    coverage: str
    note: str = ""


def _i(key, paper, label, claims, coverage, note=""):
    if coverage not in COVERAGE:
        raise ValueError(f"coverage must be one of {COVERAGE}, got {coverage!r}")
    return PaperItem(key, paper, label, tuple(claims), coverage, note)


ITEMS = (
    # ---------------------------------------------------------------- HS
    _i("HS-s3-fig1a-regimes", "HS", "Section 3, Figure 1(a): efficient / screening / exclusion menus",
       ["HS-3-fig1a-efficient", "HS-3-fig1a-screening", "HS-3-fig1a-exclusion"], "full"),
    _i("HS-s3-thresholds", "HS", "Section 3: thresholds q = 1/4 and 3/4",
       ["HS-3-fig1a-threshold-low", "HS-3-fig1a-threshold-high"], "full"),
    _i("HS-s3-single-product", "HS", "Section 3 and footnote 3: single product, improvable iff inefficient",
       ["HS-3-single-product-improvable"], "full"),
    _i("HS-s3-single-product-seg", "HS", "Section 3: the single-product Pareto-improving segmentation",
       ["HS-3-single-product-segmentation"], "full"),
    _i("HS-s3-only-075", "HS", "Section 3 / Figure 1(a): q = 3/4 the only non-improvable inefficient market",
       ["HS-3-two-alt-only-075-not-improvable"], "full"),
    _i("HS-s3-others-improvable", "HS", "Section 3: every other inefficient market improvable",
       ["HS-3-two-alt-other-inefficient-improvable"], "partly", "checked at six shares, not on all of (1/4, 1)"),
    _i("HS-fn4-average-cs", "HS", "Footnote 4: at q = 3/4 average consumer surplus falls",
       ["HS-3-two-alt-075-average-cs-falls"], "full"),
    _i("HS-obs1", "HS", "Observation 1: improvable markets are inefficient",
       ["HS-3-single-product-improvable"], "partly", "used by the rows, not checked on its own"),
    _i("HS-prop1", "HS", "Proposition 1: single alternative, inefficient => improvable (any number of types)",
       ["HS-4-prop1-many-types", "HS-3-single-product-improvable"], "full"),
    _i("HS-fn7", "HS", "Footnote 7: Proposition 1 needs the efficient selection",
       ["HS-4-footnote7-adverse-selection", "HS-4-footnote7-some-rule"], "partly",
       "a claim over all selection rules; the adverse rule is checked, no counterexample is computed"),
    _i("HS-prop2", "HS", "Proposition 2: at most k non-improvable inefficient markets (two types)",
       ["HS-5-prop2-k-alternatives", "HS-3-two-alt-only-075-not-improvable"], "full"),
    _i("HS-lemma1", "HS", "Lemma 1: t_L's surplus 0, t_H's constant on <= k+1 intervals, falling",
       ["HS-5-prop2-k-alternatives"], "full"),
    _i("HS-fig1b", "HS", "Figure 1(b): the step function of t_H's surplus", ["HS-5-prop2-k-alternatives"], "full"),
    _i("HS-fn10", "HS", "Footnote 10: a strictly random allocation for t_L", ["HS-5-footnote10-random-allocation"],
       "full"),
    _i("HS-fn11", "HS", "Footnote 11: q = 1/4 with an inefficient selection",
       ["HS-5-footnote11-q025-inefficient-selection"], "full"),
    _i("HS-thm1", "HS", "Theorem 1: not improvable by two segments => multiple optimal payment rules",
       ["HS-3-two-alt-other-inefficient-improvable"], "partly", "checked on the Section 3 example only"),
    _i("HS-cor1", "HS", "Corollary 1: two types, finitely many non-improvable markets",
       ["HS-5-prop2-k-alternatives"], "full"),
    _i("HS-fig2", "HS", "Section 6.2, Figure 2: the hyperplane 3 f(t1) - f(t2) = 0", ["HS-6.2-fig2-hyperplane"], "full"),
    _i("HS-prop3", "HS", "Proposition 3: every market is Pareto dominated by an efficient one",
       ["HS-6.1.1-three-types-needed", "HS-B.1.1-lemma6-two-type-dominating"], "partly",
       "checked on the Section 6.1.1 and Lemma 6 environments, not in general"),
    _i("HS-611-fig3", "HS", "Section 6.1.1, Figure 3: three types needed (values reconstructed: Figure 3 missing)",
       ["HS-6.1.1-three-types-needed"], "full"),
    _i("HS-prop4", "HS", "Proposition 4: markets outside F_P are non-generic", [], "not",
       "a measure-zero statement; no finite computation decides it"),
    _i("HS-lemma2", "HS", "Lemma 2: the payment set P is a polytope", [], "not", "structural, used by the LP"),
    _i("HS-lemma3", "HS", "Lemma 3: unique optimal payment rule => f in F_P", [], "not", "not yet checked"),
    _i("HS-lemma4", "HS", "Lemma 4: multiple optimal payment rules are non-generic", [], "not",
       "a measure-zero statement"),
    _i("HS-fig4", "HS", "Figure 4: the information-rent path (binding constraints, path t2 -> t1, t3 appended)",
       ["HS-6.1.2-figure4-path"], "full", "the figure is missing; the steps named in its caption and the text"),
    _i("HS-fig5", "HS", "Figure 5: payment polytope and a market orthogonal to a face", ["HS-6.2-fig2-hyperplane"],
       "partly", "the hyperplane of the Section 3 example only"),
    _i("HS-lemma5", "HS", "Lemma 5: the binding-IC chain of an efficient mechanism",
       ["HS-A.2-lemma5-unique-optimum"], "full", "the Section 6.1.1 chain and 12 random chains"),
    _i("HS-lemma6", "HS", "Lemma 6 (Appendix B.1.1): simple environments (environment constructed)",
       ["HS-B.1.1-lemma6-two-type-dominating"], "full"),
    _i("HS-appC-example", "HS", "Appendix C example: non-improvable interval (0, 0.5)",
       ["HS-C-example-nonimprovable-interval"], "full"),
    _i("HS-fig6", "HS", "Figure 6: t2's surplus falls for q < 0.5", ["HS-C-figure6-surplus"], "full"),
    _i("HS-fig7", "HS", "Figure 7: the payment set with infinitely many vertices", ["HS-C-figure7-payment-set"],
       "full"),
    _i("HS-prop5", "HS", "Proposition 5: improvable iff small (t, delta)-perturbations keep the mechanism",
       ["HS-C-proposition5-finite-qualities", "HS-C-corollary4-piecewise-linear", "HS-C-corollary3",
        "HS-C-corollary2-three-types"], "partly",
       "both directions on random two-type environments; with three types on the Corollary 2-4 rows' markets"),
    _i("HS-prop6", "HS", "Proposition 6: virtual-value optimality (linear valuations)", ["HS-C-corollary3"], "partly",
       "through Corollary 3 only"),
    _i("HS-lemma7", "HS", "Lemma 7: a (t, delta)-permutation dominates", ["HS-C-lemma7-perturbation-dominates"],
       "full", "on the Appendix C example, at markets that are not Pareto improvable"),
    _i("HS-cor2", "HS", "Corollary 2: improvable iff phi(t) > min Phi(phi(t))",
       ["HS-C-corollary3", "HS-C-proposition5-finite-qualities", "HS-C-corollary4-piecewise-linear",
        "HS-C-corollary2-three-types"], "full",
       "strictly convex (Corollary 3), finite qualities with random costs, piecewise-linear cost"),
    _i("HS-cor3", "HS", "Corollary 3: strictly convex cost, improvable iff some type excluded", ["HS-C-corollary3"],
       "full"),
    _i("HS-cor4", "HS", "Corollary 4: piecewise-linear cost, non-improvable markets non-generic",
       ["HS-C-corollary4-piecewise-linear"], "full"),
    # ---------------------------------------------------------------- BBM25 / BBM15
    _i("BBM25-ex1-residuals", "BBM25", "Example 1: residual table", ["BBM25-ex1-residual-table"], "full"),
    _i("BBM25-ex1-conditionals", "BBM25", "Example 1: conditional residual tables",
       ["BBM25-ex1-conditional-c1", "BBM25-ex1-conditional-c0"], "full"),
    _i("BBM25-ex1-prices", "BBM25", "Example 1: optimal prices 3 and efficiency given c_i = 1",
       ["BBM25-ex1-optimal-prices", "BBM25-ex1-c1-efficient"], "full"),
    _i("BBM25-ex1-segments", "BBM25", "Example 1: the segment table",
       ["BBM25-ex1-segments", "BBM25-info-ex1-segmentation-verifies"], "full"),
    _i("BBM25-ex1-thm1", "BBM25", "Example 1: Theorem 1's construction", ["BBM25-ex1-theorem1"], "full"),
    _i("BBM25-bench-noinfo", "BBM25", "Benchmark: no information (mixed, above cost, inefficient)",
       ["BBM25-ex1-no-information"], "partly", "an eps-equilibrium on a grid (eps reported), not an exact one"),
    _i("BBM25-bench-complete", "BBM25", "Benchmark: complete information (efficient, marginal contributions)",
       ["BBM25-ex1-complete-information"], "full"),
    _i("BBM25-prop1", "BBM25", "Proposition 1: PS_i >= PS-bar_i under any information",
       ["BBM25-ex1-no-information", "BBM25-ex1-complete-information", "BBM25-ex1-theorem1"], "full"),
    _i("BBM25-thm1", "BBM25", "Theorem 1: alignment", ["BBM25-ex1-theorem1"], "partly", "on Example 1 only"),
    _i("BBM25-fn9", "BBM25", "Footnote 9: CS-maximising => TS maximised, PS minimised; not conversely",
       ["BBM25-fn9-ts-max-not-cs-max", "BBM25-fn9-cs-max-forces-ts-max-ps-min"], "partly",
       "over all information structures with one producer (LP); with two producers on Example 1's outcomes"),
    _i("BBM25-A1-common-profit", "BBM25", "Appendix A1: common profit of a segment", ["BBM25-info-A1-common-profit"],
       "full"),
    _i("BBM25-A1-mixing", "BBM25", "Appendix A1: the mixing law (numerator, top threshold)",
       ["BBM25-A1-mixing-law"], "full", "re-derived; the printed law is wrong (text-discrepancy)"),
    _i("BBM15-greedy", "BBM15", "BBM (2015) Theorem 1: greedy extremal segmentation", ["BBM15-info-greedy-ex1"], "full"),
    _i("BBM25-prop2", "BBM25", "Proposition 2: interim alignment", ["BBM25-ex4-uninformed"], "partly",
       "interim bounds on Example 4 only"),
    _i("BBM25-thm2", "BBM25", "Theorem 2: alignment with unknown homogeneous values", ["BBM25-ex2-alignment"], "full"),
    _i("BBM25-ex2", "BBM25", "Example 2: hypotheses, c_2 = 0, c_2 > 0",
       ["BBM25-ex2-hypotheses", "BBM25-ex2-c2-zero", "BBM25-ex2-alignment"], "full"),
    _i("BBM25-ex3", "BBM25", "Example 3: full / no / eps information",
       ["BBM25-ex3-full-information", "BBM25-ex3-no-information", "BBM25-info-ex3-eps-information"], "full"),
    _i("BBM25-ex3-RS", "BBM25", "Example 3 / RS appendix: optimum inefficient",
       ["BBM25-info-ex3-optimum-inefficient"], "partly", "grid LP"),
    _i("BBM25-RS", "BBM25", "Roesler-Szentes truncated Pareto (priors constructed)",
       ["BBM25-info-RS-uniform", "BBM25-info-RS-three-point"], "full"),
    _i("BBM25-ex4-bench", "BBM25", "Example 4: informed / uninformed benchmarks",
       ["BBM25-ex4-informed", "BBM25-ex4-uninformed", "BBM25-ex4-informed-no-segmentation",
        "BBM25-ex4-uninformed-no-segmentation"], "full"),
    _i("BBM25-ex4-optimum", "BBM25", "Example 4: B* = 1, b* = e^-2, CS and TS",
       ["BBM25-ex4-B", "BBM25-ex4-b", "BBM25-ex4-cs", "BBM25-ex4-ts"], "full"),
    _i("BBM25-thm3", "BBM25", "Theorem 3: G_b^B optimal, price b",
       ["BBM25-thm3-lp-cannot-beat-family", "BBM25-thm3-lp-close-to-family", "BBM25-thm3-price-b"], "full"),
    _i("BBM25-not-opposed", "BBM25", "After Theorem 3: CS and PS not opposed in Hotelling",
       ["BBM25-thm3-cs-ps-not-opposed"], "full"),
    _i("BBM25-AZ", "BBM25", "Example 4, Armstrong-Zhou: price ~0.05, CS ~0.52, TS ~0.57",
       ["BBM25-ex4-az-price", "BBM25-ex4-az-cs", "BBM25-ex4-az-ts", "BBM25-ex4-az-ts-at-optimum",
        "BBM25-ex4-az-equilibrium", "BBM25-ex4-az-closed-form", "BBM25-ex4-az-grid-converges"], "full"),
    _i("BBM25-AZ-below", "BBM25", "Example 4: TS, PS, CS lower with uninformed producers",
       ["BBM25-ex4-az-below-bbm"], "full"),
    _i("BBM25-fig2", "BBM25", "Figure 2: the two optimal densities", ["BBM25-fig2-densities"], "partly",
       "the figure is missing from the text; its described features are checked"),
    _i("BBM25-fig1", "BBM25", "Figure 1: the information structures", [], "not", "figure missing from the text"),
    _i("BBM25-thm4", "BBM25", "Theorem 4 (unknown costs)", [], "not", "not yet implemented"),
    _i("BBM25-thm5", "BBM25", "Theorem 5 (unknown costs, near-zero producer surplus)", [], "not",
       "not yet implemented"),
    # ---------------------------------------------------------------- CLW
    _i("CLW-ex1", "CLW", "Example 1: efficient 4.4, no information 4.4, pooling 5",
       ["CLW-ex1-efficient", "CLW-ex1-no-information", "CLW-ex1-pooling"], "full"),
    _i("CLW-ex1-best", "CLW", "Example 1: nothing beats 5 among pricing", ["CLW-ex1-best-pricing"], "full"),
    _i("CLW-ex2", "CLW", "Example 2: lottery 12.25, pricing <= 12 (< 12 in the text)",
       ["CLW-ex2-lottery", "CLW-ex2-pricing-at-most-12", "CLW-ex2-pricing-less-than-12", "CLW-ex2-opt-rev"], "full"),
    _i("CLW-ex3", "CLW", "Example 3: Hart-Nisan-style instance, full extraction",
       ["CLW-ex3-n1-eps0.1", "CLW-ex3-n2-eps0.1", "CLW-ex3-n2-eps0.01", "CLW-ex3-n2-eps0.5", "CLW-ex3-n3-eps0.1",
        "CLW-ex3-n4-eps0.1", "CLW-ex3-n3-eps0.5", "CLW-ex3-n3-posteriors", "CLW-ex3-exact-ties"], "full"),
    _i("CLW-fig1", "CLW", "Figure 1: weighted value profiles before and after pooling (Example 3)",
       ["CLW-fig1-weighted-arc", "CLW-fig1-pooling-posteriors"], "full",
       "the figure is missing; its numbers recomputed (claims.clw.figure1_data)"),
    _i("CLW-def2", "CLW", "Definition 2: (coarse) horizontal disclosure and its tie rule",
       ["CLW-prop3-definition2-ties"], "full"),
    _i("CLW-pstar", "CLW", "Section 4.2: p* and coarse horizontal disclosure", ["CLW-4.2-pstar-coarse-suffices"],
       "full"),
    _i("CLW-warmup", "CLW", "Section 4.2 warm-up: 1 vs 1 + ln H", ["CLW-4.2-warmup"], "full"),
    _i("CLW-thm1", "CLW", "Theorem 1: uniform pricing >= OPT-Rev / 2", ["CLW-thm1-examples"], "partly",
       "on the catalogue only"),
    _i("CLW-ex4", "CLW", "Example 4: tightness of Theorem 1", ["CLW-ex4-eps0.1", "CLW-ex4-eps0.01"], "full"),
    _i("CLW-thm2", "CLW", "Theorem 2: pricing >= 50.17% of OPT-Rev",
       ["CLW-thm2-constants", "CLW-thm2-instances"], "full"),
    _i("CLW-thm2-proof", "CLW", "Theorem 2's proof: constants and displays",
       ["CLW-thm2-constants", "CLW-thm2-final-display"], "full"),
    _i("CLW-prop1", "CLW", "Proposition 1: two products, 2/3", ["CLW-prop1-examples"], "partly",
       "the proof's inequality on four instances"),
    _i("CLW-lemma2", "CLW", "Lemma 2: OPT-Rev <= 2 + 2 eps", ["CLW-lemma2-eps0.1"], "full"),
    _i("CLW-lemma1", "CLW", "Lemma 1 / Proposition 5: the full-extraction condition",
       ["CLW-ex3-n3-eps0.1", "CLW-prop3-exchangeable-generic"], "partly", "through its applications"),
    _i("CLW-prop2", "CLW", "Proposition 2 / Lemma 3: negative affiliation", ["CLW-prop2-three-products"], "full"),
    _i("CLW-cor1", "CLW", "Corollary 1: two products", ["CLW-corollary1-two-products"], "full"),
    _i("CLW-prop3", "CLW", "Proposition 3 / Lemma 4: exchangeable values",
       ["CLW-prop3-exchangeable-generic", "CLW-prop3-exchangeable-ties-uniform", "CLW-prop3-definition2-ties"],
       "full"),
    _i("CLW-prop4", "CLW", "Proposition 4 (Hart-Nisan A.12)", [], "not", "quoted result; not yet checked"),
    _i("CLW-A6", "CLW", "Appendix A.6: pricing suboptimal with three products", ["CLW-ex2-pricing-at-most-12"],
       "full"),
    _i("CLW-A6-conjecture", "CLW", "Appendix A.6 / conclusion: two products, pricing conjectured optimal",
       ["CLW-conj-two-products-pricing-optimal"], "partly",
       "a conjecture: consistent where pricing reaches OPT-Wel; the other instances need OPT-Rev's global solve"),
    _i("CLW-conj-two-thirds", "CLW", "Conclusion: the 2/3 welfare guarantee conjectured for any number of products",
       ["CLW-conj-two-thirds-any-products"], "partly", "a conjecture: consistent on the instances checked"),
    _i("CLW-B1", "CLW", "Appendix B.1: horizontal disclosure can be poor", ["CLW-B1-n2", "CLW-B1-n3", "CLW-B1-n5"],
       "full"),
    _i("CLW-B2", "CLW", "Appendix B.2: values, pricing optimal, no full extraction",
       ["CLW-B2-values", "CLW-B2-pricing-optimal", "CLW-B2-no-full-extraction"], "full"),
    _i("CLW-B3", "CLW", "Appendix B.3: realised-max utility", ["CLW-B3-bundle"], "full"),
    _i("CLW-B4", "CLW", "Appendix B.4: additive values", ["CLW-B4-additive"], "full"),
)


def coverage_counts(items=ITEMS) -> dict:
    """``{"full": n, "partly": n, "not": n, "items": n}``."""
    out = {c: sum(it.coverage == c for it in items) for c in COVERAGE}
    out["items"] = len(items)
    return out
