"""URL parsing, redaction, error translation and the read budget (no server needed)."""

from __future__ import annotations

import sys

import pytest

from storage import (
    MissingDependencyError,
    ReadBudgetExceededError,
    RemoteForbiddenError,
    RemoteNotFoundError,
    RemoteTimeoutError,
    RemoteUnreachableError,
    UnsupportedFormatError,
)
from storage._remote import (
    RemoteOptions,
    check_read_budget,
    classify,
    is_remote_url,
    open_remote,
    parse_url,
    redact,
    translate,
)


@pytest.mark.parametrize(("text", "endpoint", "domain"), [
    ("hsds://127.0.0.1:5101/home/admin/run.h5", "http://127.0.0.1:5101", "/home/admin/run.h5"),
    ("hsdss://hsds.example.org/home/u/a b.h5", "https://hsds.example.org", "/home/u/a b.h5"),
    ("hsds:///home/admin/run.h5", "", "/home/admin/run.h5"),
    ("hsds://[::1]:80/home/x.h5", "http://[::1]:80", "/home/x.h5"),
])
def test_hsds_urls(text: str, endpoint: str, domain: str) -> None:
    url = parse_url(text)
    assert (url.kind, url.endpoint, url.path) == ("hsds", endpoint, domain)
    assert url.name == domain.rpartition("/")[2]


@pytest.mark.parametrize("text", ["s3://bucket/key/run.h5", "https://example.org/data/run.h5",
                                  "gs://bucket/run.h5", "az://container/run.h5"])
def test_fsspec_urls(text: str) -> None:
    url = parse_url(text)
    assert url.kind == "fsspec" and url.path == text and url.name == "run.h5"
    assert is_remote_url(text)


@pytest.mark.parametrize("text", ["/tmp/run.h5", "file:///tmp/run.h5", "ftp://x/y.h5",
                                  "hsds://host:1/", "s3://"])
def test_not_remote_or_incomplete(text: str) -> None:
    with pytest.raises(UnsupportedFormatError):
        parse_url(text)


def test_secrets_never_shown() -> None:
    url = parse_url("hsds://alice:s3cret@host:5101/home/alice/run.h5")
    assert url.username == "alice" and "s3cret" not in url.display
    signed = parse_url("https://bucket.example.org/run.h5?X-Amz-Signature=abc&X-Amz-Credential=k")
    assert signed.path.endswith("X-Amz-Credential=k")  # kept in memory to open it
    assert "Signature" not in signed.display and "Signature" not in redact(signed.text)


def test_missing_package_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "h5pyd", None)  # what Python sees when it is not installed
    with pytest.raises(MissingDependencyError, match=r"loupe-lab\[remote\]"):
        open_remote("hsds://127.0.0.1:1/home/admin/run.h5")


def test_botocore_errors_are_typed() -> None:
    from botocore.exceptions import ClientError, EndpointConnectionError

    denied = ClientError({"Error": {"Code": "AccessDenied", "Message": "no"},
                          "ResponseMetadata": {"HTTPStatusCode": 403}}, "GetObject")
    assert isinstance(translate(denied, "s3://b/k.h5"), RemoteForbiddenError)
    missing = ClientError({"Error": {"Code": "NoSuchBucket"}}, "HeadObject")
    assert isinstance(translate(missing, "s3://b/k.h5"), RemoteNotFoundError)
    down = EndpointConnectionError(endpoint_url="http://127.0.0.1:1")
    err = translate(down, "s3://b/k.h5")
    assert isinstance(err, RemoteUnreachableError) and "AWS_ENDPOINT_URL" in str(err)


def test_chained_timeout_is_found() -> None:
    import requests

    try:
        try:
            raise requests.exceptions.ReadTimeout("read timed out")
        except Exception:
            raise OSError("Unexpected exception") from None  # what h5pyd does, keeps context
    except OSError as exc:
        exc.__context__ = requests.exceptions.ReadTimeout("read timed out")
        assert classify(exc) == "timeout"
        err = translate(exc, "hsds://h:1/home/a.h5", timeout=3)
        assert isinstance(err, RemoteTimeoutError) and isinstance(err, TimeoutError)
        assert "3 s" in str(err)


def test_read_budget() -> None:
    check_read_budget(10, 10)
    check_read_budget(10**12, 0)  # 0: no limit
    with pytest.raises(ReadBudgetExceededError) as info:
        check_read_budget(300 * 2**20, 256 * 2**20, what="reading /x")
    assert info.value.nbytes == 300 * 2**20 and "300.0 MiB" in str(info.value)


def test_s3_endpoint_from_option_or_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9000")
    assert RemoteOptions().s3_endpoint() == "http://127.0.0.1:9000"
    assert RemoteOptions(endpoint_url="http://x:1").s3_endpoint() == "http://x:1"
