"""The catalogue of the papers' numbered claims and how each is recomputed.

Each area registers its claims in its own module (``core``/``hs``, ``information``,
``bbm25``, ``clw``); :func:`all_claims` imports them all. A :class:`Claim` pairs the
paper's printed value with a function that recomputes it from the library; nothing in
this package stores a computed answer.
"""

from .registry import Claim, ClaimRecord, all_claims, register, run_claims, markdown_report

__all__ = ["Claim", "ClaimRecord", "all_claims", "register", "run_claims", "markdown_report"]
