"""Downloads a file over HTTP(S) with progress, resume and integrity checks.

Resume: bytes already in `<name>.part` are kept and the rest asked for with a Range request (If-Range on
the ETag, so a changed file restarts). A transfer that breaks off is resumed up to `retries` times.
Integrity: the expected sha256 when one is known; else the server's Content-MD5 (Azure blob storage,
where OpenAI publishes the checkpoints, sends it); and always the announced length.
"""
from __future__ import annotations

import base64
import hashlib
import http.client
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Optional


class DownloadError(Exception):
    pass


def _progress_printer(name: str) -> Callable[[int, Optional[int]], None]:
    last = [0.0]

    def report(done: int, total: Optional[int]) -> None:
        now = time.time()
        if now - last[0] < 0.5 and (total is None or done < total):
            return
        last[0] = now
        if total:
            print(f"\r{name}: {done / 1e6:8.1f} / {total / 1e6:.1f} MB ({100 * done / total:5.1f}%)", end="",
                  file=sys.stderr, flush=True)
        else:
            print(f"\r{name}: {done / 1e6:8.1f} MB", end="", file=sys.stderr, flush=True)

    return report


def _hash_file(path: Path, algo: str) -> hashlib._Hash:
    h = hashlib.new(algo)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h


def download(url: str, dest: Path, *, sha256: Optional[str] = None, retries: int = 5, timeout: float = 60.0,
             progress: Optional[Callable[[int, Optional[int]], None]] = None) -> Path:
    """Downloads url to dest (atomically: dest appears only when complete and verified)."""
    dest = Path(dest)
    part = dest.with_name(dest.name + ".part")
    progress = progress or _progress_printer(dest.name)
    etag: Optional[str] = None
    content_md5: Optional[str] = None
    total: Optional[int] = None
    attempt = 0
    while True:
        have = part.stat().st_size if part.exists() else 0
        request = urllib.request.Request(url)
        if have:
            request.add_header("Range", f"bytes={have}-")
            if etag:
                request.add_header("If-Range", etag)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                if response.status == 206:
                    start = int(response.headers.get("Content-Range", "bytes 0-").split()[1].split("-")[0])
                    if start != have:
                        raise DownloadError(f"server resumed at byte {start}, expected {have}")
                    total = int(response.headers["Content-Range"].rsplit("/", 1)[1])
                    mode = "ab"
                else:  # a full response: the server ignores ranges, or the file changed
                    have, mode = 0, "wb"
                    length = response.headers.get("Content-Length")
                    total = int(length) if length is not None else None
                etag = response.headers.get("ETag") or etag
                content_md5 = (response.headers.get("Content-MD5") or response.headers.get("x-ms-blob-content-md5")
                               or content_md5)
                with open(part, mode) as f:
                    done = have
                    while True:
                        chunk = response.read(1 << 20)
                        if not chunk:
                            break
                        f.write(chunk)
                        done += len(chunk)
                        progress(done, total)
        except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError, OSError) as e:
            if isinstance(e, urllib.error.HTTPError) and e.code not in (408, 429, 500, 502, 503, 504):
                raise DownloadError(f"{url}: HTTP {e.code} {e.reason}") from e
            attempt += 1
            if attempt > retries:
                raise DownloadError(f"{url}: transfer failed after {retries} retries: {e}") from e
            time.sleep(min(2 ** attempt * 0.1, 5))
            continue
        size = part.stat().st_size
        if total is not None and size < total:
            attempt += 1  # the server closed early: resume
            if attempt > retries:
                raise DownloadError(f"{url}: transfer kept breaking off ({size} of {total} bytes)")
            continue
        if total is not None and size != total:
            part.unlink()
            raise DownloadError(f"{url}: got {size} bytes, the server announced {total}; partial file removed")
        break
    print(file=sys.stderr)
    _verify(part, url, sha256, content_md5)
    os.replace(part, dest)
    return dest


def _verify(part: Path, url: str, sha256: Optional[str], content_md5: Optional[str]) -> None:
    if sha256:
        got = _hash_file(part, "sha256").hexdigest()
        if got != sha256.lower():
            part.unlink()
            raise DownloadError(f"{url}: sha256 {got} does not match the expected {sha256}; file removed")
    elif content_md5:
        got = base64.b64encode(_hash_file(part, "md5").digest()).decode()
        if got != content_md5:
            part.unlink()
            raise DownloadError(f"{url}: MD5 {got} does not match the server's Content-MD5 {content_md5}; "
                                "file removed")
