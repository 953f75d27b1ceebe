"""omtui: a keyboard-first terminal app for probation offender managers."""
import os as _os

__version__ = "0.1.0"

if "OMTUI_PURE_PYTHON" in _os.environ:        # run the rules engine's .py files: omtui.compiled
    from omtui.compiled import pure_python_asked, use_pure_python

    if pure_python_asked():
        use_pure_python()
