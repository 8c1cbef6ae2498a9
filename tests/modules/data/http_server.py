#!/usr/bin/env python3
"""The module tests' HTTP(S) server: loopback only, started and stopped by the test itself.

    http_server.py ROOT [--cert CERT --key KEY]

Serves the files under ROOT (with If-Modified-Since) and a few special paths; prints the port it
listens on (127.0.0.1, chosen by the kernel) as its first line once it accepts connections.

  /redirect/CODE?to=URL   answers CODE with Location: URL
  /auth                   401 with a Basic challenge unless the request carries user:secret
  /noauth-challenge       401 without a challenge (force_basic_auth is then needed)
  /json                   a JSON document
  /echo                   any method: the method, path, headers and body as JSON
  /chunked                "hello chunked world\n" in three chunks
  /disposition            a body with Content-Disposition: attachment; filename="named.txt"
  /status/CODE            answers CODE with a short text body
  /cookie                 sets two cookies

It is also a forward proxy, for the proxy tests: an absolute-URI request is fetched from its
origin and answered with X-Proxied: 1; CONNECT host:port opens a tunnel. Each proxied request is
logged as one line ("GET http://...", "CONNECT host:port") in ROOT/proxy.log.
"""
import base64
import http.server
import json
import os
import select
import socket
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_body(self, code, body, content_type="text/plain", extra=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def log_proxied(self, line):
        with open(os.path.join(self.directory, "proxy.log"), "a") as log:
            log.write(line + "\n")

    def forward(self):
        self.log_proxied("%s %s" % (self.command, self.path))
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            reply = opener.open(urllib.request.Request(self.path, method=self.command), timeout=10)
            code, body = reply.status, reply.read()
        except urllib.error.HTTPError as e:
            code, body = e.code, e.read()
        self.send_body(code, body, extra=[("X-Proxied", "1")])

    def do_CONNECT(self):
        self.log_proxied("CONNECT %s" % self.path)
        host, port = self.path.rsplit(":", 1)
        try:
            upstream = socket.create_connection((host, int(port)), timeout=10)
        except OSError:
            self.send_error(502)
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        self.wfile.flush()
        sockets = [self.connection, upstream]
        while True:
            readable, _, _ = select.select(sockets, [], [], 10)
            if not readable:
                break
            for s in readable:
                data = s.recv(65536)
                if not data:
                    upstream.close()
                    self.close_connection = True
                    return
                (upstream if s is self.connection else self.connection).sendall(data)

    def special(self):
        if self.path.startswith("http://"):
            self.forward()
            return True
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        parts = url.path.strip("/").split("/")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if parts[0] == "redirect":
            self.send_body(int(parts[1]), "", extra=[("Location", query["to"][0])])
        elif parts[0] == "auth":
            expected = "Basic " + base64.b64encode(b"user:secret").decode()
            if self.headers.get("Authorization") == expected:
                self.send_body(200, "welcome\n")
            else:
                self.send_body(401, "who are you?\n", extra=[("WWW-Authenticate", 'Basic realm="test"')])
        elif parts[0] == "noauth-challenge":
            expected = "Basic " + base64.b64encode(b"user:secret").decode()
            code = 200 if self.headers.get("Authorization") == expected else 401
            self.send_body(code, "welcome\n" if code == 200 else "no\n")
        elif parts[0] == "json":
            self.send_body(200, json.dumps({"name": "drover", "list": [1, 2], "nested": {"ok": True}}),
                           "application/json; charset=utf-8")
        elif parts[0] == "echo":
            self.send_body(200, json.dumps({
                "method": self.command, "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace")}), "application/json")
        elif parts[0] == "chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for piece in (b"hello ", b"chunked ", b"world\n"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        elif parts[0] == "disposition":
            self.send_body(200, "named content\n", extra=[("Content-Disposition", 'attachment; filename="named.txt"')])
        elif parts[0] == "status":
            self.send_body(int(parts[1]), "status %s\n" % parts[1])
        elif parts[0] == "cookie":
            self.send_body(200, "cookies\n", extra=[("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=two")])
        else:
            return False
        return True

    def do_GET(self):
        if not self.special():
            super().do_GET()

    def do_HEAD(self):
        if not self.special():
            super().do_HEAD()

    do_POST = do_PUT = do_PATCH = do_DELETE = special


def main():
    root = sys.argv[1]
    args = sys.argv[2:]
    handler = lambda *a, **k: Handler(*a, directory=root, **k)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if "--cert" in args:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args[args.index("--cert") + 1], args[args.index("--key") + 1])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
