"""The verification report returned by this area's ``verify()`` methods.

Kept for compatibility: ``CheckReport`` *is* :class:`infopricing.verify.Verification`
(the library's one report type) and ``_Checker`` is :class:`infopricing.verify.Checker`.
New code should import them from :mod:`infopricing.verify`.
"""

from __future__ import annotations

from ..verify import Checker, Verification

#: Same class as :class:`infopricing.verify.Verification` (an alias, not a subclass).
CheckReport = Verification

#: Same class as :class:`infopricing.verify.Checker`.
_Checker = Checker

__all__ = ["CheckReport"]
