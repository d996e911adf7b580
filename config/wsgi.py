"""The WSGI entry point gunicorn serves (``config.wsgi:application``).

Once the application is built, the objects every request reuses (modules, models, admin
classes, URL patterns) are handed to ``gc.freeze``: Python's collector then leaves them out
of its full collections. Without it, a full collection walks some 150,000 such objects every
few hundred requests and holds that request, and the three or four queued behind it, for
100-200 ms (measured in one process at district scale: the slowest admin list request 196 ms
against 12 ms frozen); under load that pause is what a page's 95th percentile shows. Objects
made later (compiled templates, kept statements) are collected as before. Requests leave no
reference cycle behind them (``core.wsgi_handler``), so they give the collector little to do.
"""

import gc
import os

import django
from django.urls import get_resolver

from core.wsgi_handler import ReleasingWSGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
django.setup(set_prefix=False)

application = ReleasingWSGIHandler()
get_resolver().url_patterns  # noqa: B018 - imports every view and admin module now
gc.collect()
gc.freeze()
