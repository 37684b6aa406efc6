"""Validated, immutable model inputs. Nothing here solves anything."""

from .environment import Environment, Market

__all__ = ["Environment", "Market"]
