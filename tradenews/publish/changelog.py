"""What changed between two versions of the package, and the CHANGELOG.md entry that says so.

Tables are compared by primary key on their CSV rows (the published text, so the comparison does
not depend on pandas dtypes): rows added, removed and changed per table. Every changed row is
attributed to the documents behind it: its `doc_id`, the documents of its evidence spans (fact
tables) and, for entities, the documents of the rows that name them. Raw files that appeared or
disappeared are read from `documents.source_paths`.

The entry is a pure function of the two packages (plus the new version and created timestamp),
so re-running on unchanged input never touches CHANGELOG.md.
"""
from __future__ import annotations

import csv
import sys
from dataclasses import dataclass, field
from pathlib import Path

from schemas.fields import RECORD_TABLES, TABLE_BY_NAME, TABLES
from tradenews.escape import markdown_code, markdown_text

CHANGELOG = "CHANGELOG.md"
TITLE = "# Changelog of the tradenews data package"
PREAMBLE = (
    "Newest first. Versions are semantic (the Data Package Version recipe): a schema change is major, "
    "rows added or removed are minor, corrections of existing rows (same primary key, other values) are "
    "patch. Rows are compared with the previous version by primary key; each entry names the documents "
    "(raw files) behind the changes."
)
VOLATILE = frozenset({"extractor_version"})  # re-stamped on every code change; not a change of the fact
MAX_DOC_LINES = 500

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class TableDiff:
    rows: int = 0
    added: int = 0
    removed: int = 0
    changed: int = 0
    restamped: int = 0  # rows whose only difference is the extractor version

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass
class DocChange:
    doc_id: str
    paths: tuple[str, ...]
    status: str  # new | removed | updated
    counts: dict[str, list[int]] = field(default_factory=dict)  # table -> [added, removed, changed]
    note: str = ""


@dataclass
class PackageDiff:
    tables: dict[str, TableDiff]
    docs: list[DocChange]
    raw_added: list[str]
    raw_deleted: list[str]
    raw_replaced: list[str]  # same path, other bytes
    extractor_versions: tuple[str | None, str | None] = (None, None)
    first: bool = False

    @property
    def rows_added_or_removed(self) -> bool:
        return any(t.added or t.removed for t in self.tables.values())

    @property
    def rows_changed(self) -> bool:
        return any(t.any for t in self.tables.values())

    def as_dict(self) -> dict:
        return {
            "tables": {n: {"added": t.added, "removed": t.removed, "changed": t.changed}
                       for n, t in self.tables.items()},
            "raw_added": self.raw_added, "raw_deleted": self.raw_deleted, "raw_replaced": self.raw_replaced,
            "documents": {"/".join(d.paths[:1]) or d.doc_id: {
                t: {"added": c[0], "removed": c[1], "changed": c[2]} for t, c in d.counts.items()}
                for d in self.docs},
        }


def _read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
            return list(reader.fieldnames or []), rows
    except (OSError, UnicodeDecodeError, csv.Error):
        return [], []


def _key(row: dict[str, str], pk: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(row.get(k) or "" for k in pk)


def read_tables(pkg: Path | None) -> dict[str, dict[tuple[str, ...], dict[str, str]]]:
    """Every table of a package as {primary key: CSV row}; missing or unreadable tables are empty."""
    tables: dict[str, dict[tuple[str, ...], dict[str, str]]] = {}
    for spec in TABLES:
        rows: list[dict[str, str]] = []
        if pkg is not None:
            _, rows = _read_rows(pkg / "data" / f"{spec.name}.csv")
        tables[spec.name] = {_key(r, spec.primary_key): r for r in rows}
    return tables


def _docs_of_records(tables) -> dict[tuple[str, str], set[str]]:
    """(record_table, record_id) -> doc_ids of its evidence spans."""
    out: dict[tuple[str, str], set[str]] = {}
    for row in tables["evidence"].values():
        out.setdefault((row.get("record_table", ""), row.get("record_id", "")), set()).add(row.get("doc_id", ""))
    return out


def _row_docs(table: str, row: dict[str, str], record_docs, entity_docs) -> set[str]:
    docs: set[str] = set()
    if row.get("doc_id"):
        docs.add(row["doc_id"])
    if table in RECORD_TABLES:
        pk = TABLE_BY_NAME[table].primary_key[0]
        docs |= record_docs.get((table, row.get(pk, "")), set())
    if table == "entities":
        docs |= entity_docs.get(row.get("entity_id", ""), set())
    docs.discard("")
    return docs


def _entity_docs(tables, record_docs) -> dict[str, set[str]]:
    """entity_id -> documents of the rows that point to it (through any foreign key to entities)."""
    out: dict[str, set[str]] = {}
    for spec in TABLES:
        cols = [fk.fields[0] for fk in spec.foreign_keys if fk.resource == "entities"]
        if not cols:
            continue
        for row in tables[spec.name].values():
            docs = _row_docs(spec.name, row, record_docs, {})
            for c in cols:
                if row.get(c):
                    out.setdefault(row[c], set()).update(docs)
    return out


def _paths(doc_row: dict[str, str] | None) -> tuple[str, ...]:
    if not doc_row:
        return ()
    paths = [p for p in (doc_row.get("source_paths") or "").split("|") if p]
    return tuple(sorted(paths or [doc_row.get("source_path", "")]))


def _extractor_version(tables) -> str | None:
    for row in tables["evidence"].values():
        return row.get("extractor_version")
    return None


def diff_packages(old_pkg: Path | None, new_pkg: Path, rejected: dict[str, str] | None = None) -> PackageDiff:
    old, new = read_tables(old_pkg), read_tables(new_pkg)
    rejected = rejected or {}
    old_rec, new_rec = _docs_of_records(old), _docs_of_records(new)
    old_ent, new_ent = _entity_docs(old, old_rec), _entity_docs(new, new_rec)
    tables: dict[str, TableDiff] = {}
    per_doc: dict[str, dict[str, list[int]]] = {}

    def count(docs: set[str], table: str, i: int) -> None:
        for d in docs:
            per_doc.setdefault(d, {}).setdefault(table, [0, 0, 0])[i] += 1

    for spec in TABLES:
        a, b = old[spec.name], new[spec.name]
        diff = TableDiff(rows=len(b))
        for key, row in b.items():
            prev = a.get(key)
            if prev is None:
                diff.added += 1
                count(_row_docs(spec.name, row, new_rec, new_ent), spec.name, 0)
                continue
            columns = (set(row) | set(prev)) - VOLATILE
            if any((row.get(c) or "") != (prev.get(c) or "") for c in columns):
                diff.changed += 1
                count(_row_docs(spec.name, row, new_rec, new_ent) | _row_docs(spec.name, prev, old_rec, old_ent),
                      spec.name, 2)
            elif any((row.get(c) or "") != (prev.get(c) or "") for c in VOLATILE):
                diff.restamped += 1
        for key, row in a.items():
            if key not in b:
                diff.removed += 1
                count(_row_docs(spec.name, row, old_rec, old_ent), spec.name, 1)
        tables[spec.name] = diff

    old_docs, new_docs = old["documents"], new["documents"]
    old_paths = {p: k[0] for k, r in old_docs.items() for p in _paths(r)}
    new_paths = {p: k[0] for k, r in new_docs.items() for p in _paths(r)}
    raw_added = sorted(p for p in new_paths if p not in old_paths)
    raw_deleted = sorted(p for p in old_paths if p not in new_paths)
    raw_replaced = sorted(p for p in new_paths if p in old_paths and old_paths[p] != new_paths[p])

    docs: list[DocChange] = []
    for doc_id, counts in per_doc.items():
        new_row, old_row = new_docs.get((doc_id,)), old_docs.get((doc_id,))
        if new_row and not old_row:
            status, paths = "new", _paths(new_row)
            replaced = [p for p in paths if p in raw_replaced]
            note = "new file" if not replaced else "new content of " + ", ".join(markdown_code(p) for p in replaced)
            note = "new: " + note
        elif old_row and not new_row:
            status, paths = "removed", _paths(old_row)
            reasons = []
            for p in paths:
                if p in rejected:
                    reasons.append(f"{markdown_code(p)} is now rejected ({markdown_text(rejected[p])})")
                elif p in new_paths:
                    reasons.append(f"{markdown_code(p)} now holds other content")
                else:
                    reasons.append(f"raw file {markdown_code(p)} deleted")
            note = "removed: " + "; ".join(reasons) + "; its rows are removed"
        else:
            status, paths = "updated", _paths(new_row or old_row)
            gone = [p for p in _paths(old_row) if p not in new_paths]
            came = [p for p in paths if p not in old_paths]
            parts = []
            if came:
                parts.append("also found as " + ", ".join(markdown_code(p) for p in came))
            if gone:
                parts.append("copy deleted: " + ", ".join(markdown_code(p) for p in gone))
            note = "updated: " + ("; ".join(parts) or "rows shared with changed documents, or re-extracted")
        docs.append(DocChange(doc_id, paths, status, counts, note))
    docs.sort(key=lambda d: ({"removed": 0, "new": 1, "updated": 2}[d.status], d.paths, d.doc_id))
    return PackageDiff(tables, docs, raw_added, raw_deleted, raw_replaced,
                       (_extractor_version(old), _extractor_version(new)), first=old_pkg is None)


def _counts_text(counts: dict[str, list[int]]) -> str:
    parts = []
    for spec in TABLES:
        if spec.name in counts:
            a, r, c = counts[spec.name]
            bits = [f"{sym}{n}" for sym, n in (("+", a), ("-", r), ("~", c)) if n]
            parts.append(f"{spec.name} {' '.join(bits)}")
    return ", ".join(parts)


def render_entry(diff: PackageDiff, version: str, previous_version: str | None, created: str, bump: str,
                 notes: list[str] | None = None) -> str:
    """The CHANGELOG.md entry of a new version; `notes` (what was found wrong with the published package)
    follow its first line."""
    lines = [f"## {version} ({created})", ""]
    if diff.first or previous_version is None:
        lines += [f"First publication (documents: {diff.tables['documents'].rows}).", ""]
    else:
        why = {"major": "major: the table schema changed",
               "minor": "minor: rows added or removed",
               "patch": "patch: corrections of existing rows, no row added or removed"}[bump]
        lines += [f"Previous version {previous_version}; {why}.", ""]
    for note in notes or []:
        lines += [f"Note: {markdown_text(note)}.", ""]
    lines += ["| table | rows | added | removed | changed |", "|---|---:|---:|---:|---:|"]
    for spec in TABLES:
        t = diff.tables[spec.name]
        lines.append(f"| {spec.name} | {t.rows} | {t.added} | {t.removed} | {t.changed} |")
    lines.append("")
    old_ev, new_ev = diff.extractor_versions
    if old_ev and new_ev and old_ev != new_ev and not diff.first:
        restamped = sum(t.restamped for t in diff.tables.values())
        lines += [f"Extractor version {old_ev} -> {new_ev}"
                  + (f" ({restamped} rows re-stamped, values unchanged)." if restamped else "."), ""]
    if diff.first:
        return "\n".join(lines) + "\n"
    if diff.raw_added:
        lines += ["Raw files added: " + ", ".join(markdown_code(p) for p in diff.raw_added) + ".", ""]
    if diff.raw_deleted:
        lines += ["Raw files deleted or no longer read (their rows are removed): "
                  + ", ".join(markdown_code(p) for p in diff.raw_deleted) + ".", ""]
    if diff.raw_replaced:
        lines += ["Raw files with new content: " + ", ".join(markdown_code(p) for p in diff.raw_replaced) + ".", ""]
    if diff.docs:
        lines += ["Documents behind the changes (+ added, - removed, ~ changed rows):", ""]
        for d in diff.docs[:MAX_DOC_LINES]:
            where = ", ".join(markdown_code(p) for p in d.paths) or "(no path)"
            lines.append(f"- {where} (doc `{d.doc_id}`; {d.note}): {_counts_text(d.counts)}")
        if len(diff.docs) > MAX_DOC_LINES:
            lines.append(f"- ... and {len(diff.docs) - MAX_DOC_LINES} more documents")
        lines.append("")
    if not diff.rows_changed:
        lines += ["No row added, removed or changed; the files were rewritten.", ""]
    return "\n".join(lines) + "\n"


def updated_changelog(previous_text: str | None, entry: str) -> str:
    """The new CHANGELOG.md: title, preamble, the new entry, then every earlier entry unchanged."""
    earlier = ""
    if previous_text:
        i = previous_text.find("\n## ")
        earlier = previous_text[i + 1:] if i >= 0 else ""
    text = f"{TITLE}\n\n{PREAMBLE}\n" + (f"\n{entry.rstrip()}\n" if entry.strip() else "")
    if earlier.strip():
        text += "\n" + earlier.rstrip() + "\n"
    return text
