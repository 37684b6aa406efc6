"""A small array-namespace shim: the same dense linear algebra on numpy (CPU), torch or CuPy.

The structured interior point (:mod:`.menu_interior_point`) is written against the few
operations below, so one code path runs on numpy arrays, on torch tensors (CPU or CUDA) and
on CuPy arrays. Only what differs between the libraries lives here: creation, copies,
diagonals, batched and dense Cholesky factorisations, triangular solves and the symmetric
rank-k update that dominates the cost. Plain arithmetic, ``@``, ``.T`` (2-D), ``reshape``,
``sum(axis)`` given positionally and ``einsum`` are the same in all three.

Neither torch nor CuPy is a dependency: :func:`array_backend` imports them only when asked
(or, with ``"auto"``, when a CUDA device is visible) and falls back to numpy otherwise.
Everything is float64.
"""

from __future__ import annotations

import numpy as np

BACKENDS = ("auto", "numpy", "torch", "cupy")

#: elements per row block of the numpy backend's fused elementwise kernels (256 KiB of
#: float64: a few such blocks stay in a core's L2 cache)
_BLOCK = 1 << 15


class NumpyBackend:
    """numpy + scipy (BLAS ``dsyrk`` for the rank-k update, LAPACK Cholesky)."""

    name = "numpy"
    device = "cpu"

    def __init__(self):
        import scipy.linalg as sl
        from scipy.linalg.blas import dsyrk

        self._sl = sl
        self._dsyrk = dsyrk
        self.einsum = np.einsum

    # creation and transfer
    def asarray(self, a):
        return np.ascontiguousarray(np.asarray(a, dtype=np.float64))

    def to_numpy(self, a) -> np.ndarray:
        return np.asarray(a)

    def zeros(self, shape):
        return np.zeros(shape)

    def full(self, shape, value):
        return np.full(shape, float(value))

    def copy(self, a):
        return a.copy()

    def scalar(self, a) -> float:
        return float(a)

    # elementwise helpers whose names differ
    def where(self, cond, a, b):
        return np.where(cond, a, b)

    def maximum(self, a, b):
        return np.maximum(a, b)

    def sqrt(self, a):
        return np.sqrt(a)

    def any(self, a) -> bool:
        return bool(np.any(a))

    def fill_diagonal(self, a, value) -> None:
        np.fill_diagonal(a, value)

    def add_to_diagonal(self, a, values) -> None:
        i = np.arange(a.shape[-1])
        a[..., i, i] += values

    # elementwise kernels of the interior point over (n, n) arrays. On numpy each one
    # walks the arrays in row blocks that fit the cache, so a chain of operations reads
    # its inputs from memory once (the n x n passes dominate an iteration's non-BLAS time)
    def subtract(self, a, b, out):
        return np.subtract(a, b, out=out)

    def multiply(self, a, b, out):
        return np.multiply(a, b, out=out)

    def reciprocal_(self, a):
        return np.divide(1.0, a, out=a)

    def _blocks(self, a):
        step = max(1, _BLOCK // max(1, a.shape[-1]))
        return [slice(i, i + step) for i in range(0, a.shape[0], step)]

    def min_product(self, a, b) -> float:
        """``min(a * b)`` without the product array."""
        if a.ndim != 2:
            return float((a * b).min())
        best = np.inf
        for sl in self._blocks(a):
            best = min(best, float(np.multiply(a[sl], b[sl]).min()))
        return best

    def sum_shifted_product(self, a, da, s, b, db, t) -> float:
        """``sum((a + s da) * (b + t db))`` without the full-size temporaries."""
        if a.ndim != 2:
            return float(((a + s * da) * (b + t * db)).sum())
        return sum(float(self._shifted_product(a, da, s, b, db, t, sl).sum()) for sl in self._blocks(a))

    @staticmethod
    def _shifted_product(a, da, s, b, db, t, sl):
        """``(a + s da) * (b + t db)`` on the row block ``sl`` (block-sized temporaries)."""
        p = da[sl] * s
        p += a[sl]
        q = db[sl] * t
        q += b[sl]
        p *= q
        return p

    def centrality_push(self, a, da, s, b, db, t, lo, hi):
        """Gondzio's correction: ``max(clip(p, lo, hi) - p, -hi)`` for the products
        ``p = (a + s da) * (b + t db)`` (zero where p is already in [lo, hi])."""
        if a.ndim != 2:
            p = (a + s * da) * (b + t * db)
            return np.maximum(np.clip(p, lo, hi) - p, -hi)
        out = np.empty_like(a)
        for sl in self._blocks(a):
            p = self._shifted_product(a, da, s, b, db, t, sl)
            o = out[sl]
            np.clip(p, lo, hi, out=o)
            o -= p
            np.maximum(o, -hi, out=o)
        return out

    # factorisations
    def batched_cholesky(self, B):
        """Lower Cholesky factors of a stack of SPD blocks and a mask of the blocks that
        failed (their factor is garbage)."""
        try:
            return np.linalg.cholesky(B), np.zeros(B.shape[0], dtype=bool)
        except np.linalg.LinAlgError:
            pass
        L = np.zeros_like(B)
        bad = np.zeros(B.shape[0], dtype=bool)
        for i in range(B.shape[0]):  # only after a failure: find which blocks failed
            try:
                L[i] = np.linalg.cholesky(B[i])
            except np.linalg.LinAlgError:
                bad[i] = True
        return L, bad

    def batched_inverse(self, L):
        return np.linalg.inv(L)

    def syrk_sub(self, S, A):
        """``S - A.T @ A`` on the lower triangle (``S`` is overwritten where possible)."""
        return self._dsyrk(-1.0, A.T, beta=1.0, c=S, trans=0, lower=1, overwrite_c=1)

    def cholesky(self, S):
        """Lower Cholesky factor of the SPD matrix whose lower triangle is ``S``; None when
        it is not numerically positive definite."""
        try:
            return self._sl.cholesky(S, lower=True, overwrite_a=False, check_finite=False)
        except np.linalg.LinAlgError:
            return None

    def cho_solve(self, L, b):
        """``(L L^T)^{-1} b``: two triangular solves (for one right-hand side at n = 2000
        they took 7.5 ms against 14.1 ms for LAPACK's ``potrs`` through ``cho_solve``)."""
        y = self._sl.solve_triangular(L, b, lower=True, check_finite=False)
        return self._sl.solve_triangular(L, y, lower=True, trans=1, overwrite_b=True,
                                         check_finite=False)


class TorchBackend:
    """torch tensors (float64) on ``device``; the CPU device is what the tests use."""

    name = "torch"

    def __init__(self, device=None):
        import torch

        self._t = torch
        if device is None:
            device = "cuda" if torch.cuda.is_available() else "cpu"
        self.device = str(device)
        self.einsum = torch.einsum

    def asarray(self, a):
        t = self._t
        if isinstance(a, t.Tensor):
            return a.to(device=self.device, dtype=t.float64).contiguous()
        return t.as_tensor(np.ascontiguousarray(np.asarray(a, dtype=np.float64)),
                           device=self.device)

    def to_numpy(self, a) -> np.ndarray:
        return a.detach().cpu().numpy()

    def zeros(self, shape):
        return self._t.zeros(shape, dtype=self._t.float64, device=self.device)

    def full(self, shape, value):
        return self._t.full(shape, float(value), dtype=self._t.float64, device=self.device)

    def copy(self, a):
        return a.clone()

    def scalar(self, a) -> float:
        return float(a.item()) if hasattr(a, "item") else float(a)

    def where(self, cond, a, b):
        t = self._t
        a = a if isinstance(a, t.Tensor) else t.tensor(float(a), dtype=t.float64, device=self.device)
        b = b if isinstance(b, t.Tensor) else t.tensor(float(b), dtype=t.float64, device=self.device)
        return t.where(cond, a, b)

    def maximum(self, a, b):
        t = self._t
        b = b if isinstance(b, t.Tensor) else t.tensor(float(b), dtype=t.float64, device=self.device)
        return t.maximum(a, b)

    def sqrt(self, a):
        return self._t.sqrt(a)

    def any(self, a) -> bool:
        return bool(a.any().item())

    def fill_diagonal(self, a, value) -> None:
        a.diagonal(dim1=-2, dim2=-1).fill_(float(value))

    def add_to_diagonal(self, a, values) -> None:
        a.diagonal(dim1=-2, dim2=-1).add_(values)

    def subtract(self, a, b, out):
        return self._t.sub(a, b, out=out)

    def multiply(self, a, b, out):
        return self._t.mul(a, b, out=out)

    def reciprocal_(self, a):
        return a.reciprocal_()

    def min_product(self, a, b) -> float:
        return float((a * b).min().item())

    def sum_shifted_product(self, a, da, s, b, db, t) -> float:
        return float(((a + s * da) * (b + t * db)).sum().item())

    def centrality_push(self, a, da, s, b, db, t, lo, hi):
        p = (a + s * da) * (b + t * db)
        return (self._t.clamp(p, lo, hi) - p).clamp_(min=-hi)

    def batched_cholesky(self, B):
        L, info = self._t.linalg.cholesky_ex(B)
        return L, self.to_numpy(info) != 0

    def batched_inverse(self, L):
        return self._t.linalg.inv(L)

    def syrk_sub(self, S, A):
        return S.addmm_(A.T, A, alpha=-1.0)

    def cholesky(self, S):
        L, info = self._t.linalg.cholesky_ex(S)
        return None if int(info.item()) != 0 else L

    def cho_solve(self, L, b):
        return self._t.cholesky_solve(b.reshape(-1, 1), L).reshape(b.shape)


class CupyBackend(NumpyBackend):
    """CuPy arrays on the current CUDA device (rank-k update by a GEMM)."""

    name = "cupy"
    device = "cuda"

    def __init__(self):
        import cupy as cp

        self._cp = cp
        self.einsum = cp.einsum

    def asarray(self, a):
        return self._cp.ascontiguousarray(self._cp.asarray(a, dtype=self._cp.float64))

    def to_numpy(self, a) -> np.ndarray:
        return self._cp.asnumpy(a)

    def zeros(self, shape):
        return self._cp.zeros(shape)

    def full(self, shape, value):
        return self._cp.full(shape, float(value))

    def where(self, cond, a, b):
        return self._cp.where(cond, a, b)

    def maximum(self, a, b):
        return self._cp.maximum(a, b)

    def sqrt(self, a):
        return self._cp.sqrt(a)

    def any(self, a) -> bool:
        return bool(self._cp.any(a))

    def fill_diagonal(self, a, value) -> None:
        self._cp.fill_diagonal(a, value)

    def subtract(self, a, b, out):
        return self._cp.subtract(a, b, out=out)

    def multiply(self, a, b, out):
        return self._cp.multiply(a, b, out=out)

    def reciprocal_(self, a):
        return self._cp.divide(1.0, a, out=a)

    def min_product(self, a, b) -> float:
        return float((a * b).min())

    def sum_shifted_product(self, a, da, s, b, db, t) -> float:
        return float(((a + s * da) * (b + t * db)).sum())

    def centrality_push(self, a, da, s, b, db, t, lo, hi):
        cp = self._cp
        p = (a + s * da) * (b + t * db)
        return cp.maximum(cp.clip(p, lo, hi) - p, -hi)

    def add_to_diagonal(self, a, values) -> None:
        i = self._cp.arange(a.shape[-1])
        a[..., i, i] += values

    def batched_cholesky(self, B):
        L = self._cp.linalg.cholesky(B)
        bad = self._cp.asnumpy(~self._cp.isfinite(L).all(axis=(1, 2)))
        return L, bad

    def batched_inverse(self, L):
        return self._cp.linalg.inv(L)

    def syrk_sub(self, S, A):
        S -= A.T @ A
        return S

    def cholesky(self, S):
        cp = self._cp
        L = cp.linalg.cholesky(cp.tril(S) + cp.tril(S, -1).T)
        return L if bool(cp.isfinite(L).all()) else None

    def cho_solve(self, L, b):
        import cupyx.scipy.linalg as csl

        y = csl.solve_triangular(L, b, lower=True)
        return csl.solve_triangular(L.T, y, lower=False)


def _nvidia_driver() -> bool:
    """Whether an NVIDIA driver is visible, without importing torch or CuPy (importing
    torch alone takes seconds)."""
    import os

    return os.path.exists("/proc/driver/nvidia") or os.path.exists("/dev/nvidiactl")


def _cuda_torch() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


def _cuda_cupy() -> bool:
    try:
        import cupy
        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # no CuPy, or a CuPy without a working driver
        return False


def array_backend(name: str = "auto", device=None):
    """The array backend called ``name``.

    ``"auto"``: torch on CUDA if torch sees a GPU, else CuPy if it sees one, else numpy
    (without importing either when no NVIDIA driver is visible).
    ``"torch"`` takes ``device`` (default: CUDA when available, else CPU — so the torch
    path runs, and is tested, on CPU tensors). Raises ``ValueError`` for an unknown name
    and ``ImportError`` when the library asked for is not installed.
    """
    if name not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {name!r}")
    if name == "auto":
        if not _nvidia_driver():
            return NumpyBackend()
        if _cuda_torch():
            return TorchBackend("cuda")
        if _cuda_cupy():
            return CupyBackend()
        return NumpyBackend()
    if name == "numpy":
        return NumpyBackend()
    if name == "torch":
        return TorchBackend(device)
    return CupyBackend()
