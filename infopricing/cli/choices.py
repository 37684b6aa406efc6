"""The choice options of the command line, declared once as ``Literal`` types (typer makes
each a :class:`click.Choice`), so that ``--help`` lists them, shell completion offers them and a bad value exits with status 2
before any computation (one line, from :func:`infopricing.cli.main`).

The values mirror the library's own constants (``screening.optimal.SELECTIONS`` and
``METHODS``, ``disclosure.experiments.FAMILIES``, ``scale.backend.BACKENDS``, the claims'
papers); ``tests/cli/test_cli_choices.py`` checks that they agree, so that the CLI does not need
to import the solvers to build its help.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["SELECTIONS", "MENU_METHODS", "DESIGN_METHODS", "DESIGN_FORMULATIONS", "FAMILIES", "BACKENDS", "PAPERS",
           "Selection", "MenuMethod", "DesignMethod", "DesignFormulation", "Family", "Backend", "Paper"]

#: selection rules among optimal menus (HS section 4)
SELECTIONS = ("efficient", "consumer", "adverse")
#: menu LP strategies (``optimal_mechanism(method=...)``)
MENU_METHODS = ("auto", "full", "lazy", "ipm")
#: CLW design methods (``disclosure_report`` / ``run_experiment``)
DESIGN_METHODS = ("auto", "global", "heuristic")
#: CLW OPT-Rev programs (``optimal_design(formulation=...)``; the same tuple as
#: ``disclosure.lottery.FORMULATIONS``, a test checks it: importing it here would load the area)
DESIGN_FORMULATIONS = ("auto", "scaled", "posterior", "cells", "cutoff")
#: CLW random families (``run_experiment``)
FAMILIES = ("independent", "negatively-affiliated", "exchangeable", "positively-correlated",
            "hart-nisan", "general")
#: array backends of the certification products (``sweep``)
BACKENDS = ("auto", "numpy", "torch", "cupy")
#: papers of the reproduction catalogue (``reproduce --paper``; any letter case)
PAPERS = ("HS", "BBM15", "BBM25", "CLW")


Selection = Literal[SELECTIONS]
MenuMethod = Literal[MENU_METHODS]
DesignMethod = Literal[DESIGN_METHODS]
DesignFormulation = Literal[DESIGN_FORMULATIONS]
Family = Literal[FAMILIES]
Backend = Literal[BACKENDS]
Paper = Literal[PAPERS]
