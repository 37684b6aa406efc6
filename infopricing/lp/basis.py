"""Basis status codes: the solver-neutral small integers an :class:`LPResult` stores for
each row and column of its final basis (the one definition; the HiGHS layer maps onto it)."""

BASIC, AT_LOWER, AT_UPPER, ZERO, NONBASIC = 0, 1, 2, 3, 4

__all__ = ["BASIC", "AT_LOWER", "AT_UPPER", "ZERO", "NONBASIC"]
