"""omtui: a keyboard-first terminal app for probation offender managers."""
__version__ = "0.1.0"
