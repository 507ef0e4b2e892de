"""The checkpoint downloader against a local server: whole, interrupted, corrupt and range-less transfers."""
import os

import pytest

from models.glide.download import DownloadError, download
from models.tests.http_fixture import FileServer

DATA = os.urandom(300_000)
quiet = lambda done, total: None  # noqa: E731


def test_whole_transfer(tmp_path):
    with FileServer({"a.pt": DATA}, {}) as s:
        out = download(f"{s.url}/a.pt", tmp_path / "a.pt", progress=quiet)
    assert out.read_bytes() == DATA
    assert not (tmp_path / "a.pt.part").exists()


def test_interrupted_transfer_resumes_with_a_range_request(tmp_path):
    with FileServer({"a.pt": DATA}, {"a.pt": "break-once"}) as s:
        download(f"{s.url}/a.pt", tmp_path / "a.pt", progress=quiet)
        ranges = [r for _, r in s.requests]
    assert (tmp_path / "a.pt").read_bytes() == DATA
    assert ranges[0] is None and ranges[1] == f"bytes={len(DATA) // 3}-"


def test_resume_from_an_earlier_partial_file(tmp_path):
    (tmp_path / "a.pt.part").write_bytes(DATA[:1000])
    with FileServer({"a.pt": DATA}, {}) as s:
        download(f"{s.url}/a.pt", tmp_path / "a.pt", progress=quiet)
        assert s.requests[0][1] == "bytes=1000-"
    assert (tmp_path / "a.pt").read_bytes() == DATA


def test_server_without_ranges_restarts_cleanly(tmp_path):
    (tmp_path / "a.pt.part").write_bytes(b"garbage")
    with FileServer({"a.pt": DATA}, {"a.pt": "no-range"}) as s:
        download(f"{s.url}/a.pt", tmp_path / "a.pt", progress=quiet)
    assert (tmp_path / "a.pt").read_bytes() == DATA


def test_corrupt_transfer_is_rejected_and_removed(tmp_path):
    with FileServer({"a.pt": DATA}, {"a.pt": "bad-md5"}) as s:
        with pytest.raises(DownloadError, match="MD5"):
            download(f"{s.url}/a.pt", tmp_path / "a.pt", progress=quiet)
    assert not (tmp_path / "a.pt").exists() and not (tmp_path / "a.pt.part").exists()


def test_expected_sha256_is_checked(tmp_path):
    with FileServer({"a.pt": DATA}, {}) as s:
        with pytest.raises(DownloadError, match="sha256"):
            download(f"{s.url}/a.pt", tmp_path / "a.pt", sha256="0" * 64, progress=quiet)
    assert not (tmp_path / "a.pt").exists()


def test_transfer_that_keeps_breaking_gives_up_with_a_clear_error(tmp_path):
    with FileServer({"a.pt": DATA}, {"a.pt": "break-always"}) as s:
        with pytest.raises(DownloadError, match="breaking off|failed"):
            download(f"{s.url}/a.pt", tmp_path / "a.pt", retries=2, progress=quiet)
    assert not (tmp_path / "a.pt").exists()


def test_missing_file_is_a_clear_error(tmp_path):
    with FileServer({}, {}) as s:
        with pytest.raises(DownloadError, match="404"):
            download(f"{s.url}/a.pt", tmp_path / "a.pt", progress=quiet)
