"""Liaison pages: public (filled in by issue #9's work)."""

urlpatterns: list = []
