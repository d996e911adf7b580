"""Model instances of a list's page made directly, where Django's ``from_db`` would make the
same instance the long way.

``Model.from_db`` pads the row with a placeholder for every column ``only()`` left out, calls
``Model.__init__``, which sends ``pre_init``, walks every field, sets each value through
``setattr`` and sends ``post_init``: ~8 µs an instance, where the instance is a ``ModelState``
and a dict of the row's values (~1 µs). An admin list's page makes ~60 (20 rows and their
related rows). ``DirectModelIterable`` is Django's ``ModelIterable`` (the same compiler, rows,
converters, related rows, annotations and known related objects) making each instance
directly when that is what ``from_db`` would make:

* the model keeps Django's own ``__init__`` and ``from_db``;
* nothing listens to its ``pre_init`` or ``post_init``;
* each column read is set through no descriptor of its own: a plain field's
  (``DeferredAttribute``, nothing on set), a foreign key's id (whose ``__set__`` only forgets a
  related row a new instance has not got), a file's (stored as it is);
* the columns come in the model's field order (``from_db`` pairs them so).

Any other model, or a row Django would pad differently, goes through ``from_db``.
"""

import functools
import operator

from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.fields.files import FileDescriptor, ImageFileDescriptor
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import ModelIterable, RelatedPopulator, get_related_populators
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

# Descriptors whose ``__set__`` on a new instance stores the value in its ``__dict__`` (or that
# have none): exactly these types, not subclasses.
PLAIN_DESCRIPTORS = frozenset(
    (DeferredAttribute, ForeignKeyDeferredAttribute, FileDescriptor, ImageFileDescriptor)
)
_FROM_DB = Model.from_db.__func__


def _static(cls, name: str):
    for klass in cls.__mro__:
        if name in vars(klass):
            return vars(klass)[name]
    return None


@functools.lru_cache(maxsize=512)
def _plain_columns(cls, names: tuple[str, ...]) -> bool:
    """Whether ``cls.from_db(db, names, values)`` sets exactly ``zip(names, values)``, as far
    as its fields tell (its methods and signals are asked on every read)."""
    concrete = [field.attname for field in cls._meta.concrete_fields]
    if len(set(names)) != len(names) or not set(names) <= set(concrete):
        return False
    positions = [concrete.index(name) for name in names]
    if positions != sorted(positions):
        return False
    return all(type(_static(cls, name)) in PLAIN_DESCRIPTORS for name in names)


def maker(cls, names: list[str]):
    """``make(db, values)``: an instance of ``cls`` as ``cls.from_db(db, names, values)``
    makes it, made directly where that is the same (see the module)."""
    key = tuple(names)
    if (
        cls.__init__ is Model.__init__
        and getattr(cls.from_db, "__func__", None) is _FROM_DB
        and _plain_columns(cls, key)
        and not pre_init.has_listeners(cls)
        and not post_init.has_listeners(cls)
    ):
        new = cls.__new__

        def make(db, values):
            obj = new(cls)
            state = obj._state = ModelState()
            state.adding = False
            state.db = db
            obj.__dict__.update(zip(key, values, strict=True))
            return obj

        return make
    return lambda db, values: cls.from_db(db, names, values)


class DirectRelatedPopulator(RelatedPopulator):
    """Django's ``RelatedPopulator`` making the related row with ``maker``."""

    make = None

    def populate(self, row, from_obj):
        if self.reorder_for_init:
            obj_data = self.reorder_for_init(row)
        else:
            obj_data = row[self.cols_start : self.cols_end]
        if obj_data[self.pk_idx] is None:
            obj = None
        else:
            obj = self.make(self.db, obj_data)
            for rel_iter in self.related_populators:
                rel_iter.populate(row, obj)
        self.local_setter(from_obj, obj)
        if obj is not None:
            self.remote_setter(obj, from_obj)


def _direct(populators: list) -> list:
    for populator in populators:
        if type(populator) is RelatedPopulator:
            populator.__class__ = DirectRelatedPopulator
            populator.make = maker(populator.model_cls, populator.init_list)
        _direct(populator.related_populators)
    return populators


class DirectModelIterable(ModelIterable):
    """Django's ``ModelIterable`` (Django 5.2's, line for line) with the instances made by
    ``maker``."""

    def __iter__(self):
        queryset = self.queryset
        db = queryset.db
        compiler = queryset.query.get_compiler(using=db)
        results = compiler.execute_sql(chunked_fetch=self.chunked_fetch, chunk_size=self.chunk_size)
        select, klass_info, annotation_col_map = (
            compiler.select,
            compiler.klass_info,
            compiler.annotation_col_map,
        )
        model_cls = klass_info["model"]
        select_fields = klass_info["select_fields"]
        model_fields_start, model_fields_end = select_fields[0], select_fields[-1] + 1
        init_list = [f[0].target.attname for f in select[model_fields_start:model_fields_end]]
        make = maker(model_cls, init_list)
        related_populators = _direct(get_related_populators(klass_info, select, db))
        known_related_objects = [
            (
                field,
                related_objs,
                operator.attrgetter(
                    *[
                        (
                            field.attname
                            if from_field == "self"
                            else queryset.model._meta.get_field(from_field).attname
                        )
                        for from_field in field.from_fields
                    ]
                ),
            )
            for field, related_objs in queryset._known_related_objects.items()
        ]
        for row in compiler.results_iter(results):
            obj = make(db, row[model_fields_start:model_fields_end])
            for rel_populator in related_populators:
                rel_populator.populate(row, obj)
            if annotation_col_map:
                for attr_name, col_pos in annotation_col_map.items():
                    setattr(obj, attr_name, row[col_pos])
            for field, rel_objs, rel_getter in known_related_objects:
                if field.is_cached(obj):
                    continue
                rel_obj_id = rel_getter(obj)
                try:
                    rel_obj = rel_objs[rel_obj_id]
                except KeyError:
                    pass
                else:
                    setattr(obj, field.name, rel_obj)
            yield obj
