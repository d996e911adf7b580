"""The laptop broker: Kombu's filesystem transport, with each message written whole before a
worker can see it.

Kombu writes a message by creating its file and then writing into it; a worker polling the
folder in between moves the empty file away and fails on it (``JSONDecodeError``), and the job
is lost. The lock Kombu takes does not help: the worker moves files without asking for it.
Here the message is written under a name no queue matches and renamed into place, which the
operating system does in one step, so a worker sees either no file or the whole message.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

# Kombu finds a queue's messages by the part of the name after the first dot
# ("<ms>_<uuid>.<queue>.msg"); a name without a dot belongs to no queue.
PARTIAL_PREFIX = "writing-"


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f"{PARTIAL_PREFIX}{uuid.uuid4().hex}")
        try:
            with open(partial, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel


def register() -> None:
    """Make ``filesystem://`` URLs use this transport (called once, by the Celery app)."""
    TRANSPORT_ALIASES["filesystem"] = f"{__name__}:Transport"
