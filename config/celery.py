"""The Celery app, configured from Django settings (``CELERY_*``, beat in ``config.beat``)."""

import os
from pathlib import Path

from celery import Celery

from core import broker_files

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

# Before any connection: filesystem:// (the laptop default) writes each message whole.
broker_files.register()
app = Celery("lvzhi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _create_filesystem_queue(sender, **kwargs) -> None:
    """The filesystem transport (laptop default) needs its folders to exist before it polls."""
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
