"""datapackage.json (Data Package v2) from the field definitions and the written files."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from schemas.fields import TABLES
from schemas.tableschema import table_schema
from tradenews.folders import GENERATOR, PACKAGE_NAME
from tradenews.publish.files import PARQUET_MEDIATYPE
from tradenews.version import extractor_version

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
LICENSES = [
    {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
     "title": "Creative Commons Attribution 4.0 (the extracted data)"},
]
CODE_LICENSE = "MIT (the tradenews code that produced the data)"


def file_facts(path: Path) -> dict:
    data = path.read_bytes()
    return {"bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest()}


def build_descriptor(out: Path, frames: dict[str, pd.DataFrame], version: str, created: str) -> dict:
    docs = frames["documents"]
    sources = []
    for row in docs.astype(object).where(docs.notna(), None).to_dict("records"):
        source = {"title": row["title"] or row["source_path"], "path": row["url"] or row["source_path"]}
        if row["publisher"]:
            source["publisher"] = row["publisher"]
        sources.append(source)
    resources = []
    for spec in TABLES:
        for fmt, suffix in (("csv", ""), ("parquet", "-parquet")):
            rel = f"data/{spec.name}.{fmt}"
            res = {
                "name": spec.name + suffix,
                # frictionless 5 reads Parquet through pandas and turns null integers into NaN, so the
                # Parquet twin is declared a file (bytes and hash checked); its rows are checked by
                # `tradenews validate` with pandera and an Arrow-schema comparison.
                "type": "table" if fmt == "csv" else "file",
                "path": rel,
                "title": spec.title + (" (Parquet)" if fmt == "parquet" else ""),
                "description": spec.description,
                "format": fmt,
                "mediatype": "text/csv" if fmt == "csv" else PARQUET_MEDIATYPE,
                **({"encoding": "utf-8"} if fmt == "csv" else {}),
                **file_facts(out / rel),
                "schema": table_schema(spec, resource_suffix=suffix),
            }
            if fmt == "csv":
                res["dialect"] = {"delimiter": ",", "header": True, "quoteChar": '"'}
            resources.append(res)
    return {
        "$schema": PROFILE,
        "name": PACKAGE_NAME,
        "title": "tradenews: economic cooperation facts from Chinese news",
        "description": "Events, deals and bilateral trade flows (with the documents, entities, figures and "
                       "evidence spans around them) extracted from Chinese news about trade fairs, delegations, "
                       "signing ceremonies and provincial trade statistics. Every fact row points to the exact "
                       "span of the document's normalized text it was read from. " + f"Code licence: {CODE_LICENSE}.",
        "version": version,
        "created": created,
        "keywords": ["trade", "China", "expo", "deals", "bilateral trade", "news extraction"],
        "licenses": LICENSES,
        "contributors": [{"title": GENERATOR, "roles": ["creator"]}],  # marks the folder as ours (folders.py)
        # the extraction code and reference data that produced this publication (tradenews/version.py)
        "extractor": extractor_version(),
        "sources": sources,
        "resources": resources,
    }
