"""The result protocol: one status set, one verification type, one shape for results.

Every public computation of the library returns a frozen dataclass that derives from
:class:`Result` and so answers the same questions the same way:

``status``
    one of the six :class:`ResultStatus` values (optimal, proven within a gap,
    undecided, limit reached, inaccurate, infeasible). The five older ways of saying
    "did it work / is it proven" map onto it: an LP :class:`infopricing.lp.Status`
    (:func:`status_from_solver`), ``proven_optimal`` with an upper bound
    (:func:`status_from_proof`), a yes/no/undecided answer such as ``improvable=None``
    (:func:`status_from_decision`), and a check's ``ok`` such as an
    :class:`~infopricing.competition.EquilibriumCheck` (:func:`status_from_check`).
``params``
    the method, selection rule, grid, tolerances and limits the result records, as a
    dict (the fields named in :data:`PARAM_FIELDS` that the result has, plus what
    its ``_extra_params`` adds).
``verify(*, exact=False, ...)``
    keyword-only, returning a :class:`~infopricing.verify.Verification`. A result that
    has no rational re-check raises ``NotImplementedError`` for ``exact=True``
    (:func:`no_exact`).
``as_dict()``
    JSON-ready (numpy arrays to lists, non-finite floats to ``None``, fractions to
    ``"p/q"`` strings, enumerations to their values, sub-results to their own
    ``as_dict()``); the CLI's ``--json`` prints it. The old key of a renamed attribute
    (:class:`deprecated_alias`; ``consumer_surplus`` of a result whose surplus is a
    scalar, now ``expected_consumer_surplus``) is kept beside the new key so that existing
    JSON readers keep working; the old key is deprecated.
``__repr__`` / ``_repr_html_``
    a one-line summary (scalars and array shapes, under 300 characters) and an HTML
    table of the same for notebooks.

Tabular results also derive from :class:`Tabular` and give ``to_frame()`` (pandas).

A result class opts in with ``class X(Result)`` and ``@dataclass(frozen=True,
repr=False)`` (``repr=False`` keeps the summary ``__repr__`` instead of the dataclass's
field dump). A class that records ``status`` or ``params`` as a field keeps its field:
the protocol's derived values are non-data descriptors, which an instance's own value
overrides.

References
----------
DESIGN.md, "The result protocol" (the status set follows cvxpy's ``STATUS_MAP``;
recording method and parameters follows pygambit's ``NashComputationResult``).
"""

from __future__ import annotations

import dataclasses
import html
import math
from enum import Enum
from fractions import Fraction

import numpy as np

from ..lp.status import Status as SolverStatus
from .report import Verification

__all__ = ["ResultStatus", "STATUSES", "Result", "Tabular", "status_from_solver",
           "status_from_proof", "status_from_decision", "status_from_check", "coerce_status",
           "no_exact", "jsonable", "combine", "record_params", "records_params", "PARAM_FIELDS", "REPR_LIMIT"]

#: Longest ``repr`` a result gives (the summary is cut to fit).
REPR_LIMIT = 299

#: Field names recorded in ``params`` when a result has them.
PARAM_FIELDS = ("method", "selection", "formulation", "kind", "grid", "size", "grid_sizes", "rounds",
                "tie_atol", "cost", "costs", "epsilon", "refinements", "relabelled",
                "scheduler", "n_chunks")


def record_params(result, **params):
    """Note in ``result.params`` what the computation that made it used: the method it
    ran (``method_used``), tolerances and solver limits it was given, grid sizes. For
    results whose fields do not carry these; returns ``result``. (A frozen result: the
    note is kept beside its fields, survives pickling, and is not copied by
    :func:`dataclasses.replace`, so record after the last replace.)"""
    note = dict(result.__dict__.get("_run_params", {}))
    note.update(params)
    object.__setattr__(result, "_run_params", note)
    return result


def records_params(*names):
    """Decorator: the result of the decorated function records in ``params`` the
    arguments ``names`` it was called with (defaults filled in), so that what was *asked*
    (``method="auto"``, a tolerance, a node limit) is on the result beside what the result's
    fields say was *used*; an argument whose name a field already reports under a
    different value is recorded as ``<name>_requested``."""
    import functools
    import inspect

    def wrap(fn):
        sig = inspect.signature(fn)

        @functools.wraps(fn)
        def run(*args, **kwargs):
            result = fn(*args, **kwargs)
            if not isinstance(result, Result):
                return result
            bound = sig.bind(*args, **kwargs)
            bound.apply_defaults()
            have = {f: getattr(result, f) for f in _field_names(result)}
            got = {}
            for name in names:
                value = bound.arguments[name]
                if name in have and not _same(have[name], value):
                    got[name] = have[name]                 # what was used (a field) ...
                    got[f"{name}_requested"] = value       # ... and what was asked
                else:
                    got[name] = value
            return record_params(result, **got)

        return run

    return wrap


def renamed_keywords(**old_to_new):
    """Decorator: keyword arguments renamed, the old names still accepted with a
    ``DeprecationWarning`` (``@renamed_keywords(grid="size")``). The old name is mapped
    to the new one before the function (and :func:`records_params`, placed below this
    decorator) sees the call, so what is recorded is under the new name; passing both
    is a ``TypeError``."""
    import functools
    import warnings

    def wrap(fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            for old, new in old_to_new.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(f"{fn.__qualname__}() got both {old}= (deprecated) and {new}=")
                    warnings.warn(f"{fn.__qualname__}({old}=...) is deprecated; pass {new}=",
                                  DeprecationWarning, stacklevel=2)
                    kwargs[new] = kwargs.pop(old)
            return fn(*args, **kwargs)

        run._renamed_keywords = dict(old_to_new)
        return run

    return wrap


def _same(a, b) -> bool:
    try:
        return bool(a == b)
    except Exception:  # arrays and the like: not the same scalar
        return False


class ResultStatus(str, Enum):
    """The fixed set of outcomes of a computation.

    ``OPTIMAL``     the answer is what the computation claims (an optimum proven by the
                    solver within its tolerances, or an exact construction).
    ``GAP``         a feasible answer with a proven bound that it does not meet within
                    :data:`infopricing.tolerances.GLOBAL_GAP` (proven within a gap).
    ``UNDECIDED``   the computation could not decide its question (no proof either way).
    ``LIMIT``       a time, iteration or size limit stopped it.
    ``INACCURATE``  the solver claimed an answer that failed its own re-check, or an
                    error (or an unbounded program, which no model here should produce).
    ``INFEASIBLE``  the problem has no solution.

    A str enumeration: ``ResultStatus.OPTIMAL == "optimal"``, and it compares equal to
    the LP layer's :class:`infopricing.lp.Status` of the same value.

    References
    ----------
    No paper result: the status set of the library's result protocol (after cvxpy's
    ``STATUS_MAP``).

    Examples
    --------
    >>> import infopricing as ip
    >>> [str(s) for s in ip.ResultStatus]
    ['optimal', 'gap', 'undecided', 'limit', 'inaccurate', 'infeasible']
    >>> ip.ResultStatus.OPTIMAL == "optimal" == ip.Status.OPTIMAL
    True
    """

    OPTIMAL = "optimal"
    GAP = "gap"
    UNDECIDED = "undecided"
    LIMIT = "limit"
    INACCURATE = "inaccurate"
    INFEASIBLE = "infeasible"

    def __str__(self) -> str:
        return self.value


#: The status values, as strings.
STATUSES = frozenset(s.value for s in ResultStatus)

# keyed by the LP status's value, so that a status added to the LP layer without an entry
# here fails loudly (KeyError) rather than being guessed
_SOLVER_MAP = {
    "optimal": ResultStatus.OPTIMAL,
    "proven within a gap": ResultStatus.GAP,
    "infeasible": ResultStatus.INFEASIBLE,
    "infeasible_or_unbounded": ResultStatus.INFEASIBLE,
    "unbounded": ResultStatus.INACCURATE,
    "inaccurate": ResultStatus.INACCURATE,
    "limit": ResultStatus.LIMIT,
    "error": ResultStatus.INACCURATE,
}

# worst first: a composite reports the worst status of its parts
_ORDER = (ResultStatus.INFEASIBLE, ResultStatus.INACCURATE, ResultStatus.LIMIT,
          ResultStatus.UNDECIDED, ResultStatus.GAP, ResultStatus.OPTIMAL)


def status_from_solver(status) -> ResultStatus:
    """Map an LP layer status (:class:`infopricing.lp.Status` or its string) onto the set.

    An unbounded program and a solver error map to ``INACCURATE`` (no model of the library
    is unbounded, so the answer cannot be trusted)."""
    if isinstance(status, ResultStatus):
        return status
    return _SOLVER_MAP[SolverStatus(str(getattr(status, "value", status))).value]


def status_from_proof(proven_optimal: bool, upper_bound=None) -> ResultStatus:
    """``proven_optimal`` (a global solver's proof) with the bound it found: ``OPTIMAL``
    when proven, ``GAP`` when a finite bound exists, ``UNDECIDED`` otherwise."""
    if proven_optimal:
        return ResultStatus.OPTIMAL
    if upper_bound is not None and math.isfinite(float(upper_bound)):
        return ResultStatus.GAP
    return ResultStatus.UNDECIDED


def status_from_decision(answer) -> ResultStatus:
    """A yes/no question (e.g. ``improvable``): decided either way is ``OPTIMAL``,
    ``None`` is ``UNDECIDED``."""
    return ResultStatus.UNDECIDED if answer is None else ResultStatus.OPTIMAL


def status_from_check(check) -> ResultStatus:
    """A check (a :class:`Verification`, an ``EquilibriumCheck``, or a bool): passed is
    ``OPTIMAL``, failed is ``INACCURATE``, ``None`` (not run) is ``UNDECIDED``."""
    if check is None:
        return ResultStatus.UNDECIDED
    return ResultStatus.OPTIMAL if bool(getattr(check, "ok", check)) else ResultStatus.INACCURATE


def coerce_status(value) -> ResultStatus:
    """Any of the library's status dialects as a :class:`ResultStatus`.

    Accepts a :class:`ResultStatus`, an LP :class:`~infopricing.lp.Status` or a string of
    either, ``None`` (undecided) or a bool (a check's outcome)."""
    if isinstance(value, ResultStatus):
        return value
    if value is None or isinstance(value, (bool, np.bool_)):
        return status_from_check(value)
    text = str(getattr(value, "value", value))
    if text in STATUSES:
        return ResultStatus(text)
    return status_from_solver(text)


def worst_status(statuses) -> ResultStatus:
    """The worst of several statuses (``OPTIMAL`` when there are none)."""
    got = [coerce_status(s) for s in statuses]
    for s in _ORDER:
        if s in got:
            return s
    return ResultStatus.OPTIMAL


def no_exact(result, exact: bool) -> None:
    """Raise ``NotImplementedError`` when ``exact`` is asked of a result without a rational
    re-check (used at the top of such results' ``verify``)."""
    if exact:
        raise NotImplementedError(f"{type(result).__name__}.verify has no exact (rational) "
                                  "re-check; call it with exact=False")


def combine(parts: dict) -> Verification:
    """One :class:`Verification` of a composite from its parts' (``{name: Verification}``;
    ``None`` values are parts not computed and are skipped).

    ``ok`` when every part is; failures are prefixed with the part's name; ``max_violation``
    is the largest; ``exact`` when every part was exact; ``checks`` are ``name: check``;
    ``details`` maps each name to its part's verification."""
    got = {k: v for k, v in parts.items() if v is not None}
    return Verification(
        ok=all(bool(v.ok) for v in got.values()),
        failures=tuple(f"{k}: {f}" for k, v in got.items() for f in v.failures),
        max_violation=max((float(v.max_violation) for v in got.values()), default=0.0),
        exact=bool(got) and all(v.exact for v in got.values()),
        checks=tuple(f"{k}: {c}" for k, v in got.items() for c in (v.checks or ("verify",))),
        details=dict(got))


def jsonable(obj, _depth: int = 0):
    """``obj`` as JSON-ready data (see the module docstring); used by :meth:`Result.as_dict`.

    Non-finite floats become ``None`` (strict JSON has no NaN or infinity); objects that are
    neither data nor results (an environment, a callable) become their ``repr``."""
    if _depth > 12:
        return repr(obj)
    d = _depth + 1
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, Enum):
        return jsonable(obj.value, d)
    if isinstance(obj, (np.bool_,)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        x = float(obj)
        return x if math.isfinite(x) else None
    if isinstance(obj, Fraction):
        return str(obj)
    if isinstance(obj, np.ndarray):
        if obj.dtype == object:
            return [jsonable(v, d) for v in obj.tolist()]
        return jsonable(obj.tolist(), d)
    if isinstance(obj, dict):
        return {_key(k): jsonable(v, d) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [jsonable(v, d) for v in obj]
    as_dict = getattr(obj, "as_dict", None)
    if callable(as_dict) and not isinstance(obj, type):
        return jsonable(as_dict(), d)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return _old_keys(type(obj), {f.name: jsonable(getattr(obj, f.name), d) for f in dataclasses.fields(obj)})
    data = {a: getattr(obj, a) for a in _MODEL_ATTRS if _has_data(obj, a)}
    if data:  # a model object (environment, game, distribution, signal, menu): its data
        return {"type": type(obj).__name__, **{k: jsonable(v, d) for k, v in data.items()}}
    return repr(obj)


#: Attributes that carry a model object's data (labels, values, probabilities, ...), used by
#: :func:`jsonable` for model objects that are not dataclasses and have no ``as_dict``.
_MODEL_ATTRS = ("types", "alternatives", "producers", "products", "labels", "values", "costs",
                "probabilities", "matrix", "allocations", "prices", "vbar", "source")


def _has_data(obj, name: str) -> bool:
    try:
        v = getattr(obj, name)
    except Exception:  # a property that cannot be computed for this object
        return False
    return v is not None and not callable(v)


def _key(k) -> str:
    if isinstance(k, tuple):
        return ",".join(str(jsonable(v)) for v in k)
    return str(jsonable(k))


class _derived:
    """A read-only computed attribute that an instance's own value (a dataclass field of
    the same name) overrides: a non-data descriptor. On the class it raises
    ``AttributeError``, so :func:`dataclasses.dataclass` never mistakes it for a field
    default."""

    def __init__(self, fget):
        self.fget = fget
        self.__doc__ = fget.__doc__

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            raise AttributeError(self.name)
        return self.fget(obj)


class deprecated_alias:
    """The old name of an attribute, kept as a deprecated alias: reading it warns
    (``DeprecationWarning``) and returns the attribute ``new``. One class body line,
    ``consumer_surplus = deprecated_alias("expected_consumer_surplus")``, renames a
    field or property and keeps the old name working; :meth:`Result.as_dict` also keeps
    the old key beside the new one, so JSON readers of the old key keep working (the old
    key is deprecated too). Not a dataclass field (it has no annotation)."""

    def __init__(self, new: str, why: str = ""):
        self.new = new
        self.why = why

    def __set_name__(self, owner, name):
        self.old = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        import warnings

        warnings.warn(f"{type(obj).__name__}.{self.old} is deprecated; use .{self.new}"
                      + (f" ({self.why})" if self.why else ""), DeprecationWarning, stacklevel=2)
        return getattr(obj, self.new)


#: Why a scalar consumer surplus is no longer ``consumer_surplus``.
PER_TYPE = "consumer_surplus is per type; the scalar is expected_consumer_surplus"


def _old_keys(cls, out: dict) -> dict:
    """``out`` with the deprecated alias keys of ``cls`` added beside their new keys."""
    for klass in cls.__mro__:
        for name, v in vars(klass).items():
            if isinstance(v, deprecated_alias) and v.new in out and name not in out:
                out[name] = out[v.new]
    return out


def _summary_value(v):
    """A short form of a field value for ``repr``, or ``None`` to leave it out."""
    if isinstance(v, Enum):
        return repr(v.value)
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.6g}"
    if isinstance(v, Fraction):
        return str(v)
    if isinstance(v, str):
        return repr(v if len(v) <= 40 else v[:37] + "...")
    if isinstance(v, np.ndarray):
        return f"<array {'x'.join(map(str, v.shape))}>"
    return None


class Result:
    """Base of every public result: ``status``, ``params``, ``as_dict``, a summary repr.

    Subclasses are frozen dataclasses declared with ``repr=False`` and give their own
    keyword-only ``verify(*, exact=False, ...)``. Hooks a subclass may define:

    ``_status()``        its status when the default derivation does not fit;
    ``_extra_params()``  a dict added to ``params``;
    ``_not_params``      field names of :data:`PARAM_FIELDS` that are data here, not parameters;
    ``_summary()``       a dict of the scalars shown by ``repr`` (default: its scalar
                         fields and array shapes).

    References
    ----------
    No paper result: the library's result protocol (DESIGN.md).

    Examples
    --------
    Every public computation answers the same questions (HS Section 3's environment at
    q = 1/2; by hand: t1 buys L at 0.75, t2 buys H at 1.75, revenue 1.25):

    >>> import infopricing as ip
    >>> m = ip.optimal_mechanism(ip.catalog.hs_section3(), [0.5, 0.5])
    >>> isinstance(m, ip.Result), str(m.status), m.params["selection"], m.params["method_used"]
    (True, 'optimal', 'efficient', 'full')
    >>> round(m.as_dict()["revenue"], 4), bool(m.verify())
    (1.25, True)
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("as_dict")
        if own is not None and not getattr(own, "_protocol", False):
            cls.as_dict = _protocol_as_dict(own)

    # -- status ------------------------------------------------------------------------
    @_derived
    def status(self) -> ResultStatus:
        """Outcome of the computation, one of :class:`ResultStatus` (derived from what the
        result records: a proof flag, an undecided answer, a check, or its parts)."""
        own = getattr(type(self), "_status", None)
        if own is not None:
            return coerce_status(own(self))
        names = _field_names(self)
        if "proven_optimal" in names:
            return status_from_proof(self.proven_optimal, getattr(self, "upper_bound", None))
        for name in ("improvable", "exists"):
            if name in names:
                return status_from_decision(getattr(self, name))
        if "check" in names and getattr(self, "check") is not None:
            return status_from_check(self.check)
        parts = [getattr(v, "status") for v in self._parts()]
        return worst_status(parts)

    def _parts(self):
        """Sub-results (fields that are :class:`Result` instances, or tuples of them)."""
        out = []
        for name in _field_names(self):
            v = getattr(self, name, None)
            if isinstance(v, Result):
                out.append(v)
            elif isinstance(v, (tuple, list)) and v and all(isinstance(x, Result) for x in v):
                out.extend(v)
        return out

    # -- params ------------------------------------------------------------------------
    @_derived
    def params(self) -> dict:
        """What the computation used (method, selection rule, grid, tolerances, limits),
        as far as the result records it."""
        names = _field_names(self)
        skip = getattr(type(self), "_not_params", ())     # a field that shares a name but is data
        out = {n: getattr(self, n) for n in PARAM_FIELDS if n in names and n not in skip}
        out.update(self.__dict__.get("_run_params", {}))   # what record_params noted
        extra = getattr(type(self), "_extra_params", None)
        if extra is not None:
            out.update(extra(self))
        return out

    # -- serialisation -----------------------------------------------------------------
    def as_dict(self) -> dict:
        """JSON-ready dict: ``type``, ``status``, ``params`` and every field (see
        :func:`jsonable`)."""
        out = {"type": type(self).__name__, "status": coerce_status(self.status).value,
               "params": jsonable(self.params)}
        for name in _field_names(self):
            if name in out:
                continue
            out[name] = jsonable(getattr(self, name))
        return _old_keys(type(self), out)

    def _summary(self) -> dict:
        out = {}
        for name in _field_names(self):
            if name in ("status", "params"):
                continue
            s = _summary_value(getattr(self, name, None))
            if s is not None:
                out[name] = s
        return out

    def _summary_items(self) -> list[tuple[str, str]]:
        try:
            st = coerce_status(self.status).value
        except Exception:  # a status that cannot be derived must not break repr
            st = "?"
        items = [("status", repr(st))]
        for k, v in self._summary().items():
            items.append((k, v if isinstance(v, str) else (_summary_value(v) or repr(v))))
        return items

    def __repr__(self) -> str:
        head = type(self).__name__ + "("
        parts = []
        size = len(head) + 1
        for k, v in self._summary_items():
            piece = f"{k}={v}"
            if size + len(piece) + 2 > REPR_LIMIT - 5:
                parts.append("...")
                break
            parts.append(piece)
            size += len(piece) + 2
        return head + ", ".join(parts) + ")"

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
                       f"<td>{html.escape(v)}</td></tr>" for k, v in self._summary_items())
        params = self.params
        if params:
            prm = ", ".join(f"{k}={_summary_value(v) or html.escape(repr(v))[:60]}"
                            for k, v in params.items())
            rows += f"<tr><th style='text-align:left'>params</th><td>{html.escape(prm)}</td></tr>"
        return (f"<table><caption><b>{html.escape(type(self).__name__)}</b></caption>"
                f"{rows}</table>")


class Tabular:
    """Mixin for results with a natural table: ``to_frame()`` builds a
    :class:`pandas.DataFrame` from the subclass's ``_table()`` (a dict of equal-length
    columns, optionally with an ``index`` list under the key ``"index"``)."""

    def to_frame(self):
        """The result as a :class:`pandas.DataFrame` (needs pandas)."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - pandas is in the test extra
            raise ImportError("to_frame needs pandas (pip install pandas)") from exc
        cols = dict(self._table())
        index = cols.pop("index", None)
        return pd.DataFrame(cols, index=index)


def _protocol_as_dict(fn):
    """Wrap a result's own ``as_dict`` so that it is JSON-ready (:func:`jsonable`) and
    carries the protocol's ``type``, ``status`` and ``params`` keys (added when absent)."""
    import functools

    @functools.wraps(fn)
    def as_dict(self) -> dict:
        out = jsonable(fn(self))
        if isinstance(out, dict):
            out.setdefault("type", type(self).__name__)
            out.setdefault("status", coerce_status(self.status).value)
            out.setdefault("params", jsonable(self.params))
            _old_keys(type(self), out)
        return out

    as_dict._protocol = True
    return as_dict


def _field_names(obj) -> tuple[str, ...]:
    if dataclasses.is_dataclass(obj):
        return tuple(f.name for f in dataclasses.fields(obj))
    return ()
