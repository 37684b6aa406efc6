"""Solver-neutral statuses (a fixed set; each backend maps onto it)."""

from enum import Enum


class Status(str, Enum):
    """Outcome of an optimisation.

    ``OPTIMAL`` is only reported when the backend says optimal *and* the re-computed
    primal and dual infeasibilities are within tolerance; otherwise ``INACCURATE``.

    References
    ----------
    The result protocol of this library (DESIGN.md), with statuses as in cvxpy's
    ``STATUS_MAP``; no paper result.

    Examples
    --------
    >>> import infopricing as ip
    >>> ip.Status("optimal") is ip.Status.OPTIMAL, str(ip.Status.WITHIN_GAP)
    (True, 'proven within a gap')
    """

    OPTIMAL = "optimal"
    #: a feasible answer and a proven bound whose gap is reported beside it
    WITHIN_GAP = "proven within a gap"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    INFEASIBLE_OR_UNBOUNDED = "infeasible_or_unbounded"
    INACCURATE = "inaccurate"
    LIMIT = "limit"
    ERROR = "error"

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value
