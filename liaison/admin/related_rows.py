"""The related rows a list's page shows (a visit's station, an opinion's category), read as
columns of the page's own rows instead of by ``select_related``.

``select_related`` makes a model per related row and row of the page (a visit's station,
category, community and suggestion: ~80 models a page of twenty, ~8 µs each). Here the rows'
query reads the related rows' shown columns as annotations (``related_values``: the same
joins), and ``attach_related`` gives each row its related rows, one model per distinct related
row of the page, made with those columns only (the rest deferred, as ``only`` leaves them):
``row.station`` is then read from the row's cache as ``select_related`` leaves it.
"""

from django.db.models import F, Model, signals
from django.db.models.base import ModelState

# The annotation holding ``row.<relation>.<column>``: ``related_station_name``.
PREFIX = "related"


def _alias(relation: str, column: str) -> str:
    return f"{PREFIX}_{relation}_{column}"


def related_values(related: dict[str, tuple[str, ...]]) -> dict[str, F]:
    """``annotate(**related_values({"station": ("name",)}))``: each relation's columns, as
    values of the rows."""
    return {
        _alias(relation, column): F(f"{relation}__{column}")
        for relation, columns in related.items()
        for column in columns
    }


def attach_related(rows: list[Model], related: dict[str, tuple[str, ...]]) -> None:
    """Cache on each of ``rows`` its related rows named in ``related`` (as ``related_values``
    read them), one model per distinct related row; a relation whose columns the rows did not
    read (``select_related`` did) is left as it is."""
    if not rows:
        return
    first = rows[0]
    meta, db = first._meta, first._state.db
    for relation, columns in related.items():
        aliases = [_alias(relation, column) for column in columns]
        if not all(hasattr(first, alias) for alias in aliases):
            continue
        field = meta.get_field(relation)
        target = field.related_model
        key_name = field.target_field.attname
        names = [target._meta.get_field(column).attname for column in columns]
        make = _maker(target, db)
        made: dict = {}
        attname, cache = field.attname, field.cache_name
        for row in rows:
            key = getattr(row, attname)
            if key is None:
                value = None
            else:
                value = made.get(key)
                if value is None:
                    values = {key_name: key}
                    for name, alias in zip(names, aliases, strict=True):
                        values[name] = getattr(row, alias)
                    value = made[key] = make(values)
            row._state.fields_cache[cache] = value  # as ``set_cached_value``


def _maker(model: type[Model], db: str):
    """A function of ``{attname: value}`` making a ``model`` read from ``db`` with those
    columns (the others deferred): ``from_db``'s model, without its per-field ``__init__``
    where no ``pre_init``/``post_init`` receiver listens to ``model``."""
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        concrete = [f.attname for f in model._meta.concrete_fields]

        def through_init(values: dict) -> Model:
            names = [name for name in concrete if name in values]
            return model.from_db(db, names, [values[name] for name in names])

        return through_init

    def plain(values: dict) -> Model:
        obj = model.__new__(model)
        state = obj._state = ModelState()
        state.adding = False
        state.db = db
        obj.__dict__.update(values)
        return obj

    return plain
