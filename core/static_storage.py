"""Static files in production: WhiteNoise's compressed manifest storage, each URL computed
once per process.

``{% static %}`` asks the storage for a file's URL: the hashed name from the manifest, joined
to ``STATIC_URL`` and quoted, ~20 µs each; an admin page asks for about fourteen, a site page
for a few, the same ones on every request. The manifest is read once when a worker starts
and changes only with a deployment (which restarts the workers), so a URL once found stays
right for the process. A name missing from the manifest raises every time, as before.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class KeptURLStorage(CompressedManifestStaticFilesStorage):
    """``CompressedManifestStaticFilesStorage`` whose ``url(name)`` is computed once per name."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._kept_urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        try:
            return self._kept_urls[name]
        except KeyError:
            url = self._kept_urls[name] = super().url(name)
            return url
