"""Read one raw file and its sidecar: detect the encoding, refuse what is not Chinese text."""
from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import json
import re
from pathlib import Path

from charset_normalizer import from_bytes

from tradenews.model import SourceFile

SIDECAR_SUFFIX = ".meta.json"
SIDECAR_KEYS = ("url", "publisher", "published_date", "title")
# Magic numbers of files that are commonly dropped into a text folder by mistake.
BINARY_MAGIC = {b"%PDF": "a PDF file", b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image",
                b"GIF8": "a GIF image", b"PK\x03\x04": "a ZIP/Office file", b"\x7fELF": "an executable"}
CJK = re.compile(r"[\u3400-\u9fff]")
# Encodings a Chinese news page comes in, tried in this order when UTF-8 fails.
CANDIDATE_ENCODINGS = ("gb18030", "big5", "utf_16")


class RejectedInput(Exception):
    """A raw file that cannot become a document; the message names the reason."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raises RejectedInput for empty or binary content."""
    if not data.strip():
        raise RejectedInput("empty file" if not data else "file holds only whitespace")
    for magic, what in BINARY_MAGIC.items():
        if data.startswith(magic):
            raise RejectedInput(f"binary content ({what}), not text")
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096] and not _looks_utf16(data):
        raise RejectedInput("binary content (NUL bytes), not text")
    best = from_bytes(data, cp_isolation=list(CANDIDATE_ENCODINGS)).best()
    if best is not None:
        return str(best), best.encoding
    for name in CANDIDATE_ENCODINGS:
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            continue
    # Mixed encodings: keep what decodes, mark the rest; the caller records the warning.
    return data.decode("utf-8", errors="replace"), "utf-8 (invalid bytes replaced)"


def _looks_utf16(data: bytes) -> bool:
    sample = data[:4096]
    return sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4


def read_sidecar(path: Path) -> tuple[dict, list[str]]:
    """Parse NAME.meta.json; problems become warnings (the text is still worth reading)."""
    warnings: list[str] = []
    if not path.exists():
        return {}, warnings
    try:
        meta = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return {}, [f"{path.name}: sidecar is not valid JSON ({exc}); metadata ignored"]
    if not isinstance(meta, dict):
        return {}, [f"{path.name}: sidecar is not a JSON object; metadata ignored"]
    unknown = sorted(set(meta) - set(SIDECAR_KEYS))
    if unknown:
        warnings.append(f"{path.name}: unknown sidecar keys ignored: {', '.join(unknown)}")
    clean = {k: meta.get(k) for k in SIDECAR_KEYS}
    for key in ("url", "publisher", "title"):
        if clean[key] is not None and not isinstance(clean[key], str):
            warnings.append(f"{path.name}: {key} is not a string; ignored")
            clean[key] = None
    raw_date = clean["published_date"]
    if raw_date is not None:
        try:
            clean["published_date"] = dt.date.fromisoformat(str(raw_date)[:10])
        except ValueError:
            warnings.append(f"{path.name}: published_date {raw_date!r} is not a YYYY-MM-DD date; ignored")
            clean["published_date"] = None
    return clean, warnings


def read_source(raw_dir: Path, path: Path) -> SourceFile:
    """Read one text file under raw_dir. Raises RejectedInput with the reason."""
    data = path.read_bytes()
    text, encoding = decode_bytes(data)
    if not CJK.search(text):
        raise RejectedInput("no Chinese text in the file")
    meta, warnings = read_sidecar(sidecar_path(path))
    if "invalid bytes" in encoding:
        warnings.append(f"{path.name}: undecodable bytes replaced with U+FFFD")
    rel = path.relative_to(raw_dir).as_posix()
    return SourceFile(rel, sha256_hex(data), encoding, text, meta, tuple(warnings))


def sidecar_path(text_path: Path) -> Path:
    return text_path.with_name(text_path.name[: -len(text_path.suffix)] + SIDECAR_SUFFIX)


def list_inputs(raw_dir: Path) -> tuple[list[Path], list[Path]]:
    """Text files to read, and sidecars that have no text beside them (orphans)."""
    texts = sorted(p for p in raw_dir.rglob("*") if p.is_file() and not p.name.endswith(SIDECAR_SUFFIX)
                   and not p.name.startswith("."))
    expected = {sidecar_path(t) for t in texts}
    orphans = sorted(p for p in raw_dir.rglob("*" + SIDECAR_SUFFIX) if p not in expected)
    return texts, orphans
