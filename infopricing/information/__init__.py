"""Information primitives: priors, monopoly pricing, Bayesian persuasion, convex order.

Public: :class:`Prior`, :func:`monopoly_outcome`, :func:`persuade`,
:func:`mpc_optimize`, :func:`buyer_optimal_learning` and their result types.
"""

from ._check import CheckReport  # the same class as infopricing.verify.Verification
from .prior import Prior, as_prior
from .monopoly import MonopolyOutcome, monopoly_outcome
from .mpc import (MPCResult, integrated_cdf, is_mean_preserving_contraction, mpc_optimize,
                  price_optimality_constraints)
from .learning import (LearningResult, TruncatedPareto, buyer_optimal_learning,
                       learning_convergence, truncated_pareto_solution)
from .persuasion import PersuasionResult, concavified_value, persuade

__all__ = ["CheckReport", "Prior", "as_prior", "MonopolyOutcome", "monopoly_outcome",
           "PersuasionResult", "persuade", "concavified_value",
           "MPCResult", "mpc_optimize", "is_mean_preserving_contraction",
           "price_optimality_constraints", "integrated_cdf",
           "LearningResult", "buyer_optimal_learning", "TruncatedPareto",
           "truncated_pareto_solution", "learning_convergence"]
