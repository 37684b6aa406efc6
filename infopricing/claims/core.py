"""Core claims: HS section 3, Figure 1(a) — the two-type, two-alternative example.

Type 1 values (L, H) = (0.75, 1), type 2 values (1, 2); q is the share of type 2. HS
section 3: for q < 1/4 the optimal mechanism is efficient (both types buy H at price 1);
for 1/4 < q < 3/4 the seller screens (L at 0.75, H at 1.75; type 2's surplus 0.25); for
q > 3/4 type 1 is excluded (H at 2). Every value below is recomputed by solving the menu
LP; the thresholds are located by bisection on the solved menus.
"""

from __future__ import annotations

import numpy as np

from .registry import Claim, register

_LOC = "Section 3, Figure 1(a)"


def _env():
    from ..catalog import hs_section3

    return hs_section3()


def _menu(q):
    from ..screening import optimal_mechanism

    env = _env()
    m = optimal_mechanism(env, [1 - q, q])
    if not m.verify().ok:
        raise RuntimeError(f"menu at q={q} does not verify")
    return m


def _regime(q) -> str:
    m = _menu(q)
    x = np.round(m.allocation, 9)
    if np.allclose(x, [[0, 1], [0, 1]]):
        return "efficient"
    if np.allclose(x, [[1, 0], [0, 1]]):
        return "screening"
    if np.allclose(x, [[0, 0], [0, 1]]):
        return "exclusion"
    return "other"


def _threshold(lo, hi, iters=40) -> float:
    """Bisection for the q where the regime changes between lo and hi."""
    r_lo = _regime(lo)
    for _ in range(iters):
        mid = (lo + hi) / 2
        if _regime(mid) == r_lo:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _menu_summary(q):
    m = _menu(q)
    # (alternative bought by type 1 or 'none', its price, alternative of type 2, price, CS of type 2)
    def item(t):
        a = int(np.argmax(m.allocation[t]))
        if m.allocation[t, a] < 0.5:
            return "none", 0.0
        return _env().alternatives[a], round(float(m.prices[t]), 12)

    a1, p1 = item(0)
    a2, p2 = item(1)
    return [a1, p1, a2, p2, round(float(m.utilities[1]), 12)]


for _q, _val, _name in ((0.1, ["H", 1.0, "H", 1.0, 1.0], "efficient"),
                        (0.5, ["L", 0.75, "H", 1.75, 0.25], "screening"),
                        (0.9, ["none", 0.0, "H", 2.0, 0.0], "exclusion")):
    register(Claim(
        id=f"HS-3-fig1a-{_name}",
        paper="HS", location=_LOC,
        statement=f"q = {_q}: optimal menu is {_name} "
                  "(type-1 item, price, type-2 item, price, type-2 surplus)",
        paper_value=_val, compute=(lambda q=_q: _menu_summary(q)), tol=1e-7))

register(Claim(
    id="HS-3-fig1a-threshold-low", paper="HS", location=_LOC,
    statement="the optimal menu switches from efficient to screening at q = 1/4",
    paper_value=0.25, compute=lambda: _threshold(0.1, 0.5), tol=1e-6))
register(Claim(
    id="HS-3-fig1a-threshold-high", paper="HS", location=_LOC,
    statement="the optimal menu switches from screening to excluding type 1 at q = 3/4",
    paper_value=0.75, compute=lambda: _threshold(0.5, 0.9), tol=1e-6))
