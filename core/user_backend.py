"""Django's ``ModelBackend``, reading the signed-in user of each request by a kept statement.

Every signed-in request starts by reading its user (``ModelBackend.get_user``:
``User.objects.get(pk=…)``). Building and compiling that queryset cost more than running it:
about 0.6 ms of CPU of the trivial page's 2.2 (issue #8). Here the statement is compiled once
per process and database and run with the id (on PostgreSQL as a prepared statement,
``core.compiled.run_kept``), with the user's one-to-one profile (a deputy's record, which every
deputy's page reads next: one query fewer); the row is read afresh on every request, so a
deactivated user or a changed password (the session hash) takes effect on the next request as
before. Signing in, permissions and everything else are ``ModelBackend``'s.

Sessions name the backend that signed them in; sessions signed in through Django's
``ModelBackend`` before this one replaced it in ``AUTHENTICATION_BACKENDS`` ask to sign in
again once.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections

from . import compiled

_MARK = -2_147_482_647  # an id no row has, to find the id's place among the parameters
_KEPT = compiled.Kept(limit=8)  # database alias -> (compiler, sql, params, id's place) or None


def profiles(model) -> list[str]:
    """The user's one-to-one profiles (a deputy's record): read with the user, so a page that
    asks ``request.user.deputy`` (every deputy's page, ``deputy_required``) makes no query of
    its own for it, and a user without one costs a join that finds nothing."""
    return [rel.get_accessor_name() for rel in model._meta.related_objects if rel.one_to_one]


def _compile(using: str):
    model = get_user_model()
    users = model._default_manager.db_manager(using).select_related(*profiles(model))
    compiler = users.filter(pk=_MARK).query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    places = [i for i, value in enumerate(params) if value == _MARK]
    if len(places) != 1:
        return None
    return compiler, sql, tuple(params), places[0]


def read_user(user_id, *, using: str | None = None):
    """The user with the primary key ``user_id`` (the session's text or an int), or None."""
    model = get_user_model()
    try:
        pk = model._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    using = using or model._default_manager.db
    low, high = connections[using].ops.integer_field_range(model._meta.pk.get_internal_type())
    if pk is None or not (low is None or low <= pk) or not (high is None or pk <= high):
        return None  # matches no row (as the ORM's lookup says for an id out of range)
    kept = _KEPT.get_or_make(using, lambda: _compile(using))
    if kept is None:
        users = model._default_manager.db_manager(using).select_related(*profiles(model))
        return users.filter(pk=pk).first()
    compiler, sql, params, place = kept
    params = (*params[:place], pk, *params[place + 1 :])
    raw = compiled.run_kept(using, sql, params, (place,))
    if not raw:
        return None
    # The row's columns converted as Django's own read converts them (dates on SQLite), the
    # user and their profile made as Django makes them (select_related).
    (user,) = compiled.instances(compiler, list(compiler.results_iter(results=[raw])))
    return user


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        user = read_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
