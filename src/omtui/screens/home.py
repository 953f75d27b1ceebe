"""The first screen: the working-day calculator, until the caseload screen takes over."""

from __future__ import annotations

from omtui.screens.calculator import CalculatorScreen


class HomeScreen(CalculatorScreen):
    """Home: the calculator, with the app's keys (q quit, F1 help) in the footer."""

    SUB_TITLE = "working-day calculator"
    CAN_GO_BACK = False
