"""Developer laptop: debug on, SQLite and the filesystem Celery transport unless told otherwise."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
