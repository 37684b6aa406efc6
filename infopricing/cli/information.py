"""CLI commands of this area (filled in by its issue)."""


def register(app) -> None:
    """Add this area's commands to the app."""
