"""Monopoly screening: the IC-IR lottery-menu LP, selection rules, binding constraints,
uniqueness of the payment rule (HS sections 4-6)."""

from .mechanism import BindingGraph, Mechanism, Verification
from .lazy_menu import LazyMenuResult, solve_menu_lazy
from .interior_point import InteriorPointMenuResult, MenuBounds, menu_bounds, solve_menu_ipm
from .optimal import (PaymentUniqueness, best_posted_price, optimal_mechanism,
                      payment_rule_is_unique)

__all__ = ["Mechanism", "Verification", "BindingGraph", "optimal_mechanism",
           "payment_rule_is_unique", "PaymentUniqueness", "best_posted_price",
           "solve_menu_lazy", "LazyMenuResult", "solve_menu_ipm", "InteriorPointMenuResult",
           "menu_bounds", "MenuBounds"]
