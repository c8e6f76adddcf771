"""`tradenews validate` on a package someone sent: untrusted by default, it reads only files inside the
package folder and fetches nothing; `--trusted` reads what the descriptor names."""
from __future__ import annotations

import http.server
import json
import os
import shutil
import threading

import pytest

from tradenews.cli import main
from tradenews.publish.check import check_package


@pytest.fixture
def package(seed_package, tmp_path):
    pkg = tmp_path / "sent"
    shutil.copytree(seed_package, pkg)
    return pkg


@pytest.fixture
def loopback_server():
    """An HTTP server on 127.0.0.1 that counts the requests it gets (a URL a descriptor may name)."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            hits.append(self.path)
            body = b"doc_id\n0123456789abcdef\n"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def _point(pkg, resource: str, path) -> None:
    desc_path = pkg / "datapackage.json"
    desc = json.loads(desc_path.read_text(encoding="utf-8"))
    for res in desc["resources"]:
        if res["name"] == resource:
            res["path"] = path
    desc_path.write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")


def test_a_valid_package_is_valid_by_folder_and_by_descriptor(package, capsys):
    assert main(["validate", str(package)]) == 0
    assert main(["validate", str(package / "datapackage.json")]) == 0
    assert check_package(package / "datapackage.json") == []
    out = capsys.readouterr().out
    assert out.count(": valid (") == 2


def test_a_descriptor_naming_etc_passwd_is_refused_unread(package, capsys, monkeypatch):
    _point(package, "documents", "/etc/passwd")
    opened = []
    real_open = os.open

    def spying_open(path, *args, **kwargs):
        opened.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", spying_open)
    assert main(["validate", str(package)]) == 1
    out = capsys.readouterr().out
    assert "resource documents: path '/etc/passwd' refused: an absolute path" in out
    assert "/etc/passwd" not in opened


@pytest.mark.parametrize("path", ["../outside.csv", "data/../../outside.csv", "~/x.csv"])
def test_paths_that_leave_the_folder_are_refused(package, tmp_path, path):
    (tmp_path / "outside.csv").write_text("doc_id\n", encoding="utf-8")
    _point(package, "documents", path)
    errors = check_package(package)
    assert any(e.startswith(f"resource documents: path {path!r} refused") for e in errors), errors


def test_a_symlink_out_of_the_folder_is_refused(package, tmp_path):
    (package / "data" / "entities.csv").unlink()
    (package / "data" / "entities.csv").symlink_to("/etc/passwd")
    errors = check_package(package)
    assert any("data/entities.csv" in e and "symbolic link out of the package folder" in e for e in errors), errors


def test_a_url_is_not_fetched_unless_trusted(package, loopback_server, capsys):
    url, hits = loopback_server
    _point(package, "documents", f"{url}/documents.csv")
    assert main(["validate", str(package)]) == 1
    out = capsys.readouterr().out
    assert f"path '{url}/documents.csv' refused: a URL" in out
    assert hits == []
    # trusted: the user vouches for the descriptor, and frictionless reads what it names
    assert main(["validate", "--trusted", str(package)]) == 1  # the served table is not the documents table
    assert hits, "--trusted did not fetch the URL the descriptor names"


def test_a_schema_by_reference_is_refused(package, loopback_server):
    url, hits = loopback_server
    desc_path = package / "datapackage.json"
    desc = json.loads(desc_path.read_text(encoding="utf-8"))
    desc["resources"][0]["schema"] = f"{url}/schema.json"
    desc_path.write_text(json.dumps(desc), encoding="utf-8")
    errors = check_package(package)
    assert any("schema" in e and "given by reference" in e for e in errors), errors
    assert hits == []


def test_a_missing_package_is_one_line(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err.strip() == f"tradenews: refused: {tmp_path / 'nope'}: no such folder or descriptor"
