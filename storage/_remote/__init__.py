"""Remote sources: HSDS domains (h5pyd) and objects in S3, GCS, Azure or on HTTP (fsspec).

Importing this package is cheap: h5pyd, fsspec and s3fs are imported when a URL is opened, and
a missing one gives :class:`MissingDependencyError` with ``pip install 'loupe-lab[remote]'``.
Loupe never stores credentials: each library finds them where it always does. Importing it
registers its schemes with the node layer's ``open_source`` (``register_opener``).
"""

from ._fsspec import open_fsspec_binary, open_fsspec_h5
from ._hsds import open_hsds
from ._open import default_options, open_remote, register_remote_openers, set_default_options
from ._options import DEFAULT_BUDGET, INSTALL_HINT, RemoteOptions, check_read_budget
from ._source import RemoteSource, estimate_read_bytes
from ._translate import classify, translate
from ._url import SCHEMES, RemoteURL, is_remote_url, parse_url, redact, url_scheme

# The node layer sits below this package and never imports it: it learns the remote schemes
# through its opener hook, here, when ``import storage`` imports this package.
register_remote_openers()

__all__ = [
    "DEFAULT_BUDGET", "INSTALL_HINT", "SCHEMES", "RemoteOptions", "RemoteSource", "RemoteURL",
    "check_read_budget", "classify", "default_options", "estimate_read_bytes",
    "is_remote_url",
    "open_fsspec_binary", "open_fsspec_h5", "open_hsds", "open_remote", "parse_url", "redact",
    "register_remote_openers", "set_default_options", "translate", "url_scheme",
]
