"""The laptop broker never shows a worker a message that is still being written."""

import os

import pytest
from kombu import Connection
from kombu.transport import resolve_transport
from kombu.transport.virtual.base import Empty

from core import broker_files


@pytest.fixture
def channel(tmp_path):
    options = {"data_folder_in": str(tmp_path), "data_folder_out": str(tmp_path)}
    with Connection("filesystem://", transport_options=options) as connection:
        yield connection.default_channel


def test_filesystem_urls_use_the_whole_message_transport():
    assert resolve_transport("filesystem") is broker_files.Transport


def test_a_message_is_invisible_until_written_whole(channel, monkeypatch, tmp_path):
    seen_while_writing = []
    real_replace = os.replace

    def replace_after_a_poll(source, target):
        # A worker polling now, between writing and renaming, finds nothing to take.
        try:
            seen_while_writing.append(channel._get("jobs"))
        except Empty:
            seen_while_writing.append(None)
        assert os.path.basename(source).startswith(broker_files.PARTIAL_PREFIX)
        real_replace(source, target)

    monkeypatch.setattr(broker_files.os, "replace", replace_after_a_poll)
    channel._put("jobs", {"body": "ping"})

    assert seen_while_writing == [None]
    assert channel._get("jobs") == {"body": "ping"}
    assert os.listdir(tmp_path) == []
