"""What is an input: NAME.txt files (and their sidecars) inside the raw folder. Hidden folders are never read;
links out of the raw folder are refused unread; other files, FIFOs, dangling links, links to folders and
folders named like a text file are reported with their reason, never silently skipped."""
from __future__ import annotations

import json
import os
import shutil

import pytest

from tests.reliability import documents_paths, rejected_documents, short_article
from tradenews import pipeline


def test_only_texts_inside_the_raw_folder_are_read(tmp_path, monkeypatch, watchdog, seed_package):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(short_article(90), encoding="utf-8")
    (outside / "meta.json").write_text(json.dumps({"title": "外面的标题"}, ensure_ascii=False), encoding="utf-8")
    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    (raw / "a.txt").write_text(short_article(1), encoding="utf-8")
    (raw / "sub" / "c.txt").write_text(short_article(2), encoding="utf-8")
    (raw / "link-in.txt").symlink_to(raw / "sub" / "c.txt")  # inside: read (the same bytes: one document)
    (raw / "link-out.txt").symlink_to(outside / "secret.txt")
    (raw / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    (raw / "linked-folder").symlink_to(raw / "sub", target_is_directory=True)
    (raw / "outside-folder").symlink_to(outside, target_is_directory=True)
    os.mkfifo(raw / "fifo.txt")
    (raw / "folder.txt").mkdir()
    (raw / "folder.txt" / "d.txt").write_text(short_article(3), encoding="utf-8")
    (raw / "e.txt").write_text(short_article(4), encoding="utf-8")
    (raw / "e.meta.json").symlink_to(outside / "meta.json")
    (raw / ".hidden").mkdir()
    (raw / ".hidden" / "b.txt").write_text(short_article(5), encoding="utf-8")
    (raw / ".staging.txt").write_text(short_article(6), encoding="utf-8")
    shutil.copytree(seed_package, raw / "old-package")  # a published package copied into the folder
    (raw / "old-package" / "note.txt").write_text(short_article(7), encoding="utf-8")

    opened: list[str] = []
    real_open = os.open

    def spying_open(path, *args, **kwargs):
        opened.append(os.path.realpath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", spying_open)
    summary = pipeline.run_local(raw, tmp_path / "pkg", tmp_path / "reports")
    monkeypatch.undo()

    assert sorted(documents_paths(tmp_path / "pkg")) == ["a.txt", "e.txt", "folder.txt/d.txt", "link-in.txt",
                                                         "sub/c.txt"]
    rejected = rejected_documents(tmp_path / "reports")
    assert rejected == {
        "link-out.txt": f"a symbolic link out of the raw folder (to {outside / 'secret.txt'}); not read",
        "dangling.txt": f"a dangling symbolic link (to {tmp_path / 'gone.txt'}); not read",
        "linked-folder": "a symbolic link to a folder; links to folders are not followed",
        "outside-folder": f"a symbolic link out of the raw folder (to {outside}); not read",
        "fifo.txt": "a FIFO, not a text file; not read",
        "folder.txt": "a folder named like a text file, not a text file (its files are read as those of any "
                      "sub-folder)",
        "old-package": "a tradenews package folder (its datapackage.json says so); not read",
    }
    assert summary.rejected_documents == len(rejected)
    warnings = (tmp_path / "reports" / "warnings.txt").read_text(encoding="utf-8")
    assert "e.meta.json: sidecar is a symbolic link out of the raw folder; metadata ignored" in warnings
    assert not [p for p in opened if p.startswith(str(outside))], "a file outside the raw folder was opened"
    assert not [p for p in opened if "/.hidden/" in p or p.endswith(".staging.txt")], "a hidden file was read"
    assert not [p for p in opened if "/old-package/" in p and not p.endswith("/datapackage.json")]
    assert "外面的标题" not in (tmp_path / "pkg" / "data" / "documents.csv").read_text(encoding="utf-8")


def test_a_link_swapped_after_the_listing_is_not_followed_out(tmp_path):
    from tradenews.ingest.read import RejectedInput, read_source

    raw = tmp_path / "raw"
    raw.mkdir()
    (tmp_path / "secret.txt").write_text(short_article(1), encoding="utf-8")
    (raw / "a.txt").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(RejectedInput, match="a symbolic link out of the raw folder"):
        read_source(raw, raw / "a.txt")
