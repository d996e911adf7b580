"""Production's static storage (``core.static_storage.KeptURLStorage``): the same URL as
WhiteNoise's manifest storage, computed once per name; a name missing from the manifest
raises every time."""

import json
from unittest import mock

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from core.static_storage import KeptURLStorage


@pytest.fixture
def storages(tmp_path, settings):
    settings.STATIC_URL = "/static/"
    manifest = {"paths": {"css/site.css": "css/site.0123abcd.css"}, "version": "1.1"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return KeptURLStorage(location=str(tmp_path)), CompressedManifestStaticFilesStorage(
        location=str(tmp_path)
    )


def test_same_url_as_whitenoise(storages, settings):
    settings.DEBUG = False
    kept, stock = storages
    assert kept.url("css/site.css") == stock.url("css/site.css") == "/static/css/site.0123abcd.css"


def test_computed_once_per_name(storages, settings):
    settings.DEBUG = False
    kept, _stock = storages
    with mock.patch.object(
        CompressedManifestStaticFilesStorage, "url", return_value="/static/x.css"
    ) as url:
        assert kept.url("x.css") == kept.url("x.css") == "/static/x.css"
    assert url.call_count == 1


def test_a_missing_name_raises_every_time(storages, settings):
    settings.DEBUG = False
    kept, _stock = storages
    for _ in range(2):
        with pytest.raises(ValueError):
            kept.url("nowhere.css")
