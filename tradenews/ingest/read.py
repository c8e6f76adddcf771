"""Read one raw file and its sidecar: detect the encoding, refuse what is not Chinese text."""
from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import json
import os
import re
import stat
import urllib.parse
from pathlib import Path

from charset_normalizer import from_bytes

from schemas.fields import EARLIEST
from tradenews.errors import Refused
from tradenews.escape import escape_controls
from tradenews.fileio import KINDS, NotARegularFile, read_regular
from tradenews.folders import is_tradenews_package
from tradenews.model import SourceFile

SIDECAR_SUFFIX = ".meta.json"
SIDECAR_KEYS = ("url", "publisher", "published_date", "title")
# A news article is a few kB (the longest of the dev corpus is 11 kB); extraction costs about 5 s and
# 100 MB of memory per MB of text, so a file above this is refused unread rather than stalling the run.
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_SIDECAR_BYTES = 64 * 1024
# the earliest publication date a sidecar may give (the documents table's dates start there: schemas/fields.py)
EARLIEST_PUBLISHED = dt.date.fromisoformat(EARLIEST)
# Magic numbers of files that are commonly dropped into a text folder by mistake.
BINARY_MAGIC = {b"%PDF": "a PDF file", b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image",
                b"GIF8": "a GIF image", b"PK\x03\x04": "a ZIP/Office file", b"\x7fELF": "an executable",
                b"\x1f\x8b": "a gzip archive", b"7z\xbc\xaf\x27\x1c": "a 7-Zip archive", b"Rar!": "a RAR archive",
                b"\xd0\xcf\x11\xe0": "an old Word/Excel file", b"SQLite format 3\x00": "an SQLite database",
                b"II*\x00": "a TIFF image", b"MM\x00*": "a TIFF image", b"RIFF": "a RIFF (WebP/WAV/AVI) file"}
CJK = re.compile(r"[\u3400-\u9fff]")
# Encodings a Chinese news page comes in, tried in this order when UTF-8 fails.
CANDIDATE_ENCODINGS = ("gb18030", "big5", "utf_16")
BOMS = ((codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"))
INVALID = " (invalid bytes replaced)"
# Characters of real text: CJK, ASCII, whitespace, CJK and general punctuation, full-width forms.
PLAUSIBLE = re.compile(r"[\u3400-\u9fff\x20-\x7e\s\u2000-\u206f\u3000-\u303f\uff00-\uffef\u00a0-\u00ff]")
BLANK = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]+")
# Control characters other than whitespace, private-use characters and U+FFFD: the marks of binary data.
GARBAGE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ue000-\uf8ff\ufffd]")
MAX_GARBAGE = 0.05


class RejectedInput(Exception):
    """A raw file that cannot become a document; the message names the reason."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raises RejectedInput for empty, whitespace-only or binary content.

    UTF-8 (with or without BOM), UTF-16 (with or without BOM), GB18030/GBK and Big5 are decoded whole;
    a file whose lines come in several encodings is decoded line by line; bytes that decode in no
    candidate are replaced with U+FFFD and the encoding name says so (the caller records a warning).
    """
    if not data.strip():
        raise RejectedInput("empty file" if not data else "file holds only whitespace")
    for magic, what in BINARY_MAGIC.items():
        if data.startswith(magic):
            raise RejectedInput(f"binary content ({what}), not text")
    text, encoding = _decode(data)
    visible = BLANK.sub("", text)
    if not visible:
        raise RejectedInput("file holds only whitespace")
    garbage = len(GARBAGE.findall(visible))
    if garbage > MAX_GARBAGE * len(visible):
        raise RejectedInput(f"binary or undecodable content ({garbage / len(visible):.0%} of the characters are "
                            "control or replacement characters), not text")
    return text, encoding


def _decode(data: bytes) -> tuple[str, str]:
    for bom, codec, name in BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            if codec == "utf-8-sig":
                text, enc = _decode_8bit(body)
                return text, enc.replace("utf-8", "utf-8-sig", 1)
            try:
                return body.decode(codec), name
            except UnicodeDecodeError:
                return body.decode(codec, errors="replace"), name + INVALID
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:  # UTF-16 without a byte-order mark (its ASCII and newlines hold NULs), or binary
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise RejectedInput("binary content (NUL bytes), not text")
        return utf16
    return _decode_8bit(data)


def _decode_8bit(data: bytes) -> tuple[str, str]:
    """UTF-8, else one legacy Chinese encoding for the whole file, else line by line."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    if not any(_utf8_chinese(line) for line in lines):  # one legacy encoding for the whole file
        best = from_bytes(data, cp_isolation=list(CANDIDATE_ENCODINGS)).best()
        if best is not None and best.encoding not in ("utf_16", "utf_16_le", "utf_16_be"):
            return str(best), best.encoding
        for name in ("gb18030", "big5"):
            try:
                return data.decode(name), name
            except UnicodeDecodeError:
                continue
    # UTF-8 with stray bytes, or lines in several encodings (text pasted from pages in different encodings)
    used: list[str] = []
    out = []
    for line in lines:
        text, name = _decode_line(line)
        out.append(text)
        if name not in used:
            used.append(name)
    replaced = "utf-8?" in used
    names = [n.rstrip("?") for n in used]
    names = list(dict.fromkeys(names))
    label = names[0] if len(names) == 1 else "mixed: " + "+".join(names)
    return "\n".join(out), label + (INVALID if replaced else "")


def _utf8_chinese(line: bytes) -> bool:
    try:
        return bool(CJK.search(line.decode("utf-8")))
    except UnicodeDecodeError:
        return False


def _decode_line(line: bytes) -> tuple[str, str]:
    """One line: UTF-8; UTF-8 with a few stray bytes; GB18030; Big5; else UTF-8 with replacements."""
    try:
        return line.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    lossy = line.decode("utf-8", errors="replace")
    if lossy.count("\ufffd") * 10 <= len(CJK.findall(lossy)):
        return lossy, "utf-8?"
    try:
        gb = line.decode("gb18030")
    except UnicodeDecodeError:
        gb = None
    if gb is not None and _mostly_gb2312(gb):
        return gb, "gb18030"
    try:
        return line.decode("big5"), "big5"
    except UnicodeDecodeError:
        pass
    if gb is not None:
        return gb, "gb18030"
    return lossy, "utf-8?"


def _mostly_gb2312(text: str) -> bool:
    """Simplified Chinese read as GB18030 stays inside GB2312; Big5 bytes read as GB18030 do not."""
    cjk = CJK.findall(text)
    if not cjk:
        return True
    common = 0
    for ch in cjk:
        try:
            ch.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common >= 0.9 * len(cjk)


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 with no byte-order mark: the byte order whose decoding reads as text."""
    if len(data) % 2:
        return None
    best = None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score = len(PLAUSIBLE.findall(text)) / max(len(text), 1)
        if score >= 0.95 and (best is None or score > best[0]):
            best = (score, text, codec)
    return (best[1], best[2]) if best else None


def read_sidecar(path: Path, root: Path | None = None) -> tuple[dict, list[str]]:
    """Parse NAME.meta.json; problems become warnings naming the sidecar (the text is still worth reading).

    Only a regular file is read (a FIFO would stall the run, a link to /dev/zero fill its memory), and at
    most MAX_SIDECAR_BYTES + 1 bytes of it, whatever size the file system reports; with `root` (the raw
    folder), a symbolic link that leads out of it is not read."""
    name = display_name(path.name)
    if root is not None and path.is_symlink() and not Path(os.path.realpath(path)).is_relative_to(root.resolve()):
        return {}, [f"{name}: sidecar is a symbolic link out of the raw folder; metadata ignored"]
    try:
        data = read_regular(path, MAX_SIDECAR_BYTES)
    except FileNotFoundError:
        return {}, []
    except NotARegularFile as exc:
        return {}, [f"{name}: sidecar is {exc.strerror}; metadata ignored"]
    except OSError as exc:
        return {}, [f"{name}: cannot read the sidecar ({exc.strerror or exc}); metadata ignored"]
    if len(data) > MAX_SIDECAR_BYTES:
        return {}, [f"{name}: sidecar is larger than {MAX_SIDECAR_BYTES // 1024} kB; metadata ignored"]
    try:
        meta = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return {}, [f"{name}: sidecar is not UTF-8 text; metadata ignored"]
    except (ValueError, RecursionError) as exc:  # json.JSONDecodeError is a ValueError
        return {}, [f"{name}: sidecar is not valid JSON ({exc}); metadata ignored"]
    if not isinstance(meta, dict):
        return {}, [f"{name}: sidecar is not a JSON object; metadata ignored"]
    warnings: list[str] = []
    unknown = sorted(set(meta) - set(SIDECAR_KEYS))
    if unknown:
        warnings.append(f"{name}: unknown sidecar keys ignored: {', '.join(_escaped(k) for k in unknown)}")
    clean = {k: meta.get(k) for k in SIDECAR_KEYS}
    for key in ("url", "publisher", "title", "published_date"):
        if isinstance(clean[key], str) and not _is_text(clean[key]):
            # JSON allows "\ud800", a half of a UTF-16 pair that is no character: no file could hold it
            warnings.append(f"{name}: {key} holds an escape that is no character ({_escaped(clean[key])}); ignored")
            clean[key] = None
    for key in ("url", "publisher", "title"):
        if clean[key] is not None and not isinstance(clean[key], str):
            warnings.append(f"{name}: {key} is not a string; ignored")
            clean[key] = None
    raw_date = clean["published_date"]
    if raw_date is not None:
        try:
            if not isinstance(raw_date, str):
                raise ValueError
            clean["published_date"] = dt.date.fromisoformat(raw_date[:10])
        except ValueError:
            warnings.append(f"{name}: published_date {raw_date!r} is not a YYYY-MM-DD date; ignored")
            clean["published_date"] = None
        else:
            if clean["published_date"] > dt.date.today() + dt.timedelta(days=1):
                warnings.append(f"{name}: published_date {raw_date!r} is in the future; ignored")
                clean["published_date"] = None
            elif clean["published_date"] < EARLIEST_PUBLISHED:
                warnings.append(f"{name}: published_date {raw_date!r} is before {EARLIEST_PUBLISHED.isoformat()}, "
                                "earlier than any source of this dataset; ignored")
                clean["published_date"] = None
    if clean["url"] is not None and urllib.parse.urlsplit(clean["url"]).scheme.lower() not in ("http", "https"):
        # a javascript:, data: or file: link in the published sources would be followed by whoever clicks it
        warnings.append(f"{name}: url {_escaped(clean['url'])[:200]!r} is not an http(s) address; ignored")
        clean["url"] = None
    return clean, warnings


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def _escaped(value: str) -> str:
    """The value with what is no character written as an escape, for a report."""
    return value.encode("utf-8", errors="backslashreplace").decode("utf-8")


def display_name(name: str) -> str:
    """A file name for reports, logs and the documents table: bytes of a name that is not UTF-8 are written as
    \\xNN, and so are control characters (a newline, a terminal escape) and bidi overrides (\\u202e)."""
    return escape_controls(os.fsencode(name).decode("utf-8", errors="backslashreplace"))


def read_source(raw_dir: Path, path: Path) -> SourceFile:
    """Read one text file under raw_dir. Raises RejectedInput with the reason."""
    if path.is_symlink() and not Path(os.path.realpath(path)).is_relative_to(Path(raw_dir).resolve()):
        raise RejectedInput("a symbolic link out of the raw folder; not read")  # (swapped after the listing)
    try:
        data = read_regular(path, MAX_FILE_BYTES)
    except NotARegularFile as exc:  # replaced by a FIFO or a device after the folder was listed
        raise RejectedInput(exc.strerror) from None
    if len(data) > MAX_FILE_BYTES:
        size = max(path.stat().st_size, len(data))
        raise RejectedInput(f"file is {size / 1e6:.1f} MB, above the {MAX_FILE_BYTES // 2**20} MB limit for one "
                            "article: split it into articles")
    text, encoding = decode_bytes(data)
    if not CJK.search(text):
        raise RejectedInput("no Chinese text in the file")
    meta, warnings = read_sidecar(sidecar_path(path), raw_dir)
    if "invalid bytes" in encoding:
        warnings.append(f"{display_name(path.name)}: undecodable bytes replaced with U+FFFD ({encoding})")
    if encoding.startswith("mixed"):
        warnings.append(f"{display_name(path.name)}: lines in several encodings, decoded line by line ({encoding})")
    rel = relative_name(raw_dir, path)
    if rel != path.relative_to(raw_dir).as_posix():
        warnings.append(f"{rel}: file name is not valid UTF-8 or holds control characters; recorded with them "
                        "escaped")
    return SourceFile(rel, sha256_hex(data), encoding, text, meta, tuple(warnings))


def relative_name(raw_dir: Path, path: Path) -> str:
    """Path relative to raw_dir, '/'-separated; bytes of a name that is not UTF-8 are written as \\xNN."""
    return display_name(path.relative_to(raw_dir).as_posix())


def sidecar_path(text_path: Path) -> Path:
    stem = text_path.name[: -len(text_path.suffix)] if text_path.suffix else text_path.name
    return text_path.with_name(stem + SIDECAR_SUFFIX)


TEXT_SUFFIX = ".txt"


def list_inputs(raw_dir: Path) -> tuple[list[Path], list[Path], list[tuple[Path, str]]]:
    """(texts to read, sidecars with no text beside them, entries that are not inputs with the reason).

    Inputs are NAME.txt regular files (or links to regular files inside raw_dir) and their NAME.meta.json
    sidecars, in raw_dir and its sub-folders. Hidden files and folders (a name starting with '.') are not
    inputs and are not looked into, nor is a folder that holds a tradenews package (reported). Everything else is reported with its reason, never silently skipped:
    files of another kind (not .txt), links that lead out of raw_dir, dangling links, links to folders (not
    followed), FIFOs, sockets and devices, and folders named like a text file (their files are read as
    those of any sub-folder). A sub-folder that cannot be listed stops the run (Refused): taken for empty,
    its files would be published as deleted."""
    root = Path(raw_dir).resolve()
    texts: list[Path] = []
    sidecars: list[Path] = []
    refused: list[tuple[Path, str]] = []
    pending = [Path(raw_dir)]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except PermissionError as exc:
            raise Refused(f"cannot read the folder {folder} ({exc.strerror or exc}) under --raw {raw_dir}; nothing was "
                          "published (its files would have been taken for deleted): fix its permissions, or move "
                          "it out of the folder") from None
        # any other OSError (EIO, ESTALE...) propagates: the caller retries, and a run that still fails
        # leaves the package as it was
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                if is_tradenews_package(path):  # a published package (a copy, an old one): data, not input
                    refused.append((path, "a tradenews package folder (its datapackage.json says so); not read"))
                    continue
                pending.append(path)
                if entry.name.endswith(TEXT_SUFFIX):
                    refused.append((path, "a folder named like a text file, not a text file (its files are read "
                                          "as those of any sub-folder)"))
                continue
            if entry.name.endswith(SIDECAR_SUFFIX):  # what it is, read_sidecar reports (the text is still read)
                sidecars.append(path)
                continue
            why = _not_an_input(entry, root)
            if why:
                refused.append((path, why))
            else:
                texts.append(path)
    texts.sort()
    expected = {sidecar_path(t) for t in texts}
    return texts, sorted(p for p in sidecars if p not in expected), sorted(refused)


def _not_an_input(entry: os.DirEntry, root: Path) -> str | None:
    """Why a directory entry (not a folder) is not an input, or None for a text or a sidecar."""
    if entry.is_symlink():
        target = os.path.realpath(entry.path)
        if not os.path.exists(target):
            return f"a dangling symbolic link (to {display_name(os.readlink(entry.path))}); not read"
        if not Path(target).is_relative_to(root):
            return f"a symbolic link out of the raw folder (to {display_name(target)}); not read"
        if os.path.isdir(target):
            return "a symbolic link to a folder; links to folders are not followed"
    if not entry.is_file():  # (follows a link inside the raw folder to what it points to)
        try:
            kind = KINDS.get(stat.S_IFMT(entry.stat().st_mode), "not a regular file")
        except OSError as exc:
            kind = f"unreadable ({exc.strerror or exc})"
        return f"{kind}, not a text file; not read"
    if not entry.name.endswith((TEXT_SUFFIX, SIDECAR_SUFFIX)):
        return (f"not a {TEXT_SUFFIX} file: only NAME{TEXT_SUFFIX} texts (and NAME{SIDECAR_SUFFIX} sidecars) are "
                "inputs; not read")
    return None
