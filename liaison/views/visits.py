"""Liaison pages: visits (filled in by issue #9's work)."""

urlpatterns: list = []
