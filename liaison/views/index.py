"""Liaison pages: index (filled in by issue #9's work)."""

urlpatterns: list = []
