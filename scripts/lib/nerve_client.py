"""A minimal nerved client for benchmark scripts: one Unix socket connection, one JSON object per
line, notifications skipped unless a callback takes them. (docs/protocol.md: a client in any language is a dozen lines.)"""
import json
import socket


class Client:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.file = self.sock.makefile("rb")
        self.next_id = 1

    def call(self, method, _on_notification=None, **params):
        """Sends one request and returns its result; notifications for it go to
        `_on_notification(method, params)` when given."""
        rid = self.next_id
        self.next_id += 1
        self.sock.sendall((json.dumps({"jsonrpc": "2.0", "id": rid, "method": method, "params": params}) + "\n").encode())
        while True:
            line = self.file.readline()
            if not line:
                raise ConnectionError("nerved closed the connection")
            msg = json.loads(line)
            if "id" not in msg:
                if _on_notification:
                    _on_notification(msg.get("method"), msg.get("params", {}))
                continue
            if "error" in msg:
                raise RuntimeError(msg["error"])
            return msg["result"]
