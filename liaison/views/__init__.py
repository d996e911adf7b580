"""Liaison pages by subject; each module keeps its own ``urlpatterns`` (see ``liaison.urls``)."""
