"""Array backends for the sweep's certification products: numpy (CPU, always there),
torch or CuPy on a CUDA GPU when present. Only ``F @ G.T`` and a few reductions run here;
everything else stays in numpy."""

from __future__ import annotations

import numpy as np

BACKENDS = ("auto", "numpy", "torch", "cupy")


class NumpyBackend:
    name = "numpy"
    #: markets per product: small enough for the (batch x rows) product to stay in cache
    batch = 4096

    def asarray(self, F):
        return F

    def certify(self, F, rows, G, tol, batch):
        """For markets ``F[rows]`` and a cone matrix G: (certified, on_boundary) bool arrays.

        certified: every entry of ``G f`` is at most ``tol``; on_boundary (meaningful where
        certified): some entry is within ``tol`` of zero (the optimum may not be unique)."""
        cert = np.empty(rows.size, dtype=bool)
        onb = np.empty(rows.size, dtype=bool)
        if G.shape[0] == 0:
            cert[:] = True
            onb[:] = False
            return cert, onb
        Gt = np.ascontiguousarray(G.T)
        for a in range(0, rows.size, batch):
            r = rows[a:a + batch]
            S = F[r] @ Gt
            cert[a:a + batch] = S.max(axis=1) <= tol
            onb[a:a + batch] = (S >= -tol).any(axis=1)  # = |S| <= tol where certified
        return cert, onb


def stack_cones(Gs):
    """Stack cone matrices (r_i x n) into one (C, r_max, n) array, padding with rows of -1
    (on the simplex ``-1 . f = -1``: never violated and never near zero)."""
    n = Gs[0].shape[1]
    rmax = max(1, max(G.shape[0] for G in Gs))
    out = np.full((len(Gs), rmax, n), -1.0)
    for c, G in enumerate(Gs):
        out[c, : G.shape[0]] = G
    return out


class TorchBackend:
    name = "torch"
    batch = 1 << 21

    def __init__(self, device: str = "cuda"):
        import torch

        if device == "cuda" and not torch.cuda.is_available():
            raise RuntimeError("torch sees no CUDA device")
        self.torch = torch
        self.dev = torch.device(device)

    def asarray(self, F):
        return self.torch.as_tensor(F, dtype=self.torch.float64, device=self.dev)

    def certify(self, F, rows, G, tol, batch):
        torch = self.torch
        cert = np.empty(rows.size, dtype=bool)
        onb = np.empty(rows.size, dtype=bool)
        if G.shape[0] == 0:
            cert[:] = True
            onb[:] = False
            return cert, onb
        Gt = torch.as_tensor(np.ascontiguousarray(G.T), dtype=torch.float64, device=self.dev)
        rows_d = torch.as_tensor(rows, device=self.dev)
        cs, os_ = [], []
        for a in range(0, rows.size, batch):
            S = F.index_select(0, rows_d[a:a + batch]) @ Gt
            cs.append(S.amax(dim=1) <= tol)
            os_.append((S >= -tol).any(dim=1))
        cert[:] = torch.cat(cs).cpu().numpy()
        onb[:] = torch.cat(os_).cpu().numpy()
        return cert, onb

    def certify_all(self, F, rows, Gs, tol, batch):
        """All cones in one batched product: (first certifying cone or -1, on_boundary)."""
        torch = self.torch
        Gst = torch.as_tensor(stack_cones(Gs), dtype=torch.float64, device=self.dev)
        C, R, n = Gst.shape
        W = Gst.reshape(C * R, n).T.contiguous()
        rows_d = torch.as_tensor(rows, device=self.dev)
        step = max(1, min(batch, (1 << 27) // max(C * R, 1)))
        firsts, onbs = [], []
        ar = None
        for a in range(0, rows.size, step):
            S = (F.index_select(0, rows_d[a:a + step]) @ W).view(-1, C, R)
            cert = S.amax(dim=2) <= tol  # (b, C)
            any_ = cert.any(dim=1)
            first = torch.where(any_, cert.to(torch.int8).argmax(dim=1), torch.full_like(any_, -1, dtype=torch.int64))
            ar = torch.arange(S.shape[0], device=self.dev)
            Sc = S[ar, first.clamp(min=0)]  # (b, R)
            onbs.append((Sc >= -tol).any(dim=1) & any_)
            firsts.append(first)
        return torch.cat(firsts).cpu().numpy(), torch.cat(onbs).cpu().numpy()


class CupyBackend:
    name = "cupy"
    batch = 1 << 21

    def __init__(self):
        import cupy

        self.cp = cupy

    def asarray(self, F):
        return self.cp.asarray(F, dtype=self.cp.float64)

    def certify(self, F, rows, G, tol, batch):
        cp = self.cp
        cert = np.empty(rows.size, dtype=bool)
        onb = np.empty(rows.size, dtype=bool)
        if G.shape[0] == 0:
            cert[:] = True
            onb[:] = False
            return cert, onb
        Gt = cp.asarray(np.ascontiguousarray(G.T))
        rows_d = cp.asarray(rows)
        for a in range(0, rows.size, batch):
            S = F[rows_d[a:a + batch]] @ Gt
            cert[a:a + batch] = cp.asnumpy(S.max(axis=1) <= tol)
            onb[a:a + batch] = cp.asnumpy((S >= -tol).any(axis=1))
        return cert, onb

    def certify_all(self, F, rows, Gs, tol, batch):
        """All cones in one batched product: (first certifying cone or -1, on_boundary)."""
        cp = self.cp
        Gst = cp.asarray(stack_cones(Gs))
        C, R, n = Gst.shape
        W = cp.ascontiguousarray(Gst.reshape(C * R, n).T)
        rows_d = cp.asarray(rows)
        step = max(1, min(batch, (1 << 27) // max(C * R, 1)))
        firsts, onbs = [], []
        for a in range(0, rows.size, step):
            S = (F[rows_d[a:a + step]] @ W).reshape(-1, C, R)
            cert = S.max(axis=2) <= tol
            any_ = cert.any(axis=1)
            first = cp.where(any_, cert.argmax(axis=1), -1)
            Sc = S[cp.arange(S.shape[0]), cp.maximum(first, 0)]
            onbs.append((Sc >= -tol).any(axis=1) & any_)
            firsts.append(first)
        return cp.asnumpy(cp.concatenate(firsts)), cp.asnumpy(cp.concatenate(onbs))


def gpu_available() -> str | None:
    """Name of a usable GPU backend ("torch" or "cupy"), or None."""
    try:
        import torch

        if torch.cuda.is_available():
            return "torch"
    except Exception:
        pass
    try:
        import cupy

        if cupy.cuda.runtime.getDeviceCount() > 0:
            return "cupy"
    except Exception:
        pass
    return None


def get_backend(name: str = "auto"):
    """The backend object for ``name`` (``"auto"``: a GPU backend when present, else numpy).

    ``"torch:cpu"`` runs the torch (GPU) code path on CPU tensors: for tests and for
    measuring that path on a machine without a GPU.

    Raises ValueError for an unknown name or a GPU backend that cannot run here."""
    if name == "torch:cpu":
        try:
            return TorchBackend(device="cpu")
        except ImportError as exc:
            raise ValueError(f"backend 'torch:cpu' is not usable here ({exc}); use 'numpy'") from None
    if name not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {name!r}")
    if name == "auto":
        name = gpu_available() or "numpy"
    if name == "numpy":
        return NumpyBackend()
    try:
        return TorchBackend() if name == "torch" else CupyBackend()
    except Exception as exc:  # ImportError, no CUDA
        raise ValueError(f"backend {name!r} is not usable here ({exc}); use 'numpy' or 'auto'") from None
