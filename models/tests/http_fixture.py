"""A local HTTP server on 127.0.0.1 serving small files, with transfers that break off or lie."""
from __future__ import annotations

import base64
import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict


class FileServer:
    """files: name -> bytes. behaviour: name -> 'ok' | 'break-once' | 'break-always' | 'bad-md5' | 'no-range'."""

    def __init__(self, files: Dict[str, bytes], behaviour: Dict[str, str]):
        self.files, self.behaviour = files, behaviour
        self.requests = []  # (path, Range header)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                name = self.path.rsplit("/", 1)[-1]
                server.requests.append((name, self.headers.get("Range")))
                if name not in server.files:
                    self.send_error(404)
                    return
                data = server.files[name]
                mode = server.behaviour.get(name, "ok")
                md5 = base64.b64encode(hashlib.md5(data).digest()).decode()
                if mode == "bad-md5":
                    md5 = base64.b64encode(hashlib.md5(data + b"x").digest()).decode()
                start = 0
                rng = self.headers.get("Range")
                if rng and mode != "no-range":
                    start = int(rng.split("=")[1].split("-")[0])
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                else:
                    self.send_response(200)
                self.send_header("Content-Length", str(len(data) - start))
                self.send_header("ETag", '"v1"')
                self.send_header("Content-MD5", md5)
                self.end_headers()
                body = data[start:]
                first = len([r for r in server.requests if r[0] == name]) == 1
                if mode == "break-always" or (mode == "break-once" and first):
                    body = body[: len(body) // 3]  # then close: the client sees a short transfer
                self.wfile.write(body)
                self.wfile.flush()
                if body is not data[start:]:
                    self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
