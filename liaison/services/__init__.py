"""Writes of the liaison app, by subject (``stations``, ``duties``, ``visits``, ``opinions``,
``index``). Callers import the submodule: ``from liaison.services import visits``."""
