"""datapackage/README.md: a dataset card generated from the field definitions and the tables."""
from __future__ import annotations

import pandas as pd

from schemas.fields import GROUP_CODES, TABLES


def _constraint_text(field) -> str:
    parts = []
    if field.required:
        parts.append("required")
    if field.enum:
        parts.append("one of " + ", ".join(f"`{e}`" for e in field.enum))
    for sign, bound in ((">=", field.minimum), ("<=", field.maximum)):
        if bound is not None:
            parts.append(f"{sign} {bound}" if isinstance(bound, str) else f"{sign} {bound:g}")
    if field.days_ahead is not None:
        parts.append(f"at most {field.days_ahead} days after the package was built")
    if field.unit:
        parts.append(f"unit: {field.unit}")
    return "; ".join(parts)


def _figures_section(figures: dict | None) -> list[str]:
    if not figures or not figures.get("figures"):
        return []
    n = figures["figures"]
    lines = ["## Every figure accounted for", "",
             f"The documents' bodies hold {n} money and quantity figures. Each ends in one fate "
             "(`reports/figures.csv` of a run lists them one by one):", "",
             "| fate | figures | share |", "|---|---:|---:|"]
    for fate, what in (("fact", "the value of a published row"), ("part", "part of a published row"),
                       ("left_out", "left out for a named reason"), ("unexplained", "no rule read it")):
        lines.append(f"| {fate} ({what}) | {figures.get(fate, 0)} | {100 * figures.get(fate, 0) / n:.1f}% |")
    by_rule = figures.get("left_out_by_rule") or {}
    if by_rule:
        lines += ["", "Left out, by rule: " + ", ".join(f"`{r}` {c}" for r, c in by_rule.items()) + "."]
    lines += ["", "Unexplained figures are where facts may be missing from these tables.", ""]
    return lines


def render_card(frames: dict[str, pd.DataFrame], descriptor: dict, figures: dict | None = None) -> str:
    lines = [
        f"# {descriptor['title']}",
        "",
        descriptor["description"],
        "",
        f"- Version: {descriptor['version']} (semantic: field changes major, rows added or removed minor, "
        "corrections of existing rows patch; `CHANGELOG.md` lists what each release changed)",
        f"- Licence of the data: {descriptor['licenses'][0]['name']}; the code that produced it is MIT-licensed.",
        f"- Extractor: {descriptor.get('extractor', '?')} (the extraction rules' release and a fingerprint of their "
        "code and reference data; evidence rows carry the release).",
        f"- Sources: {len(descriptor['sources'])} documents (listed in `datapackage.json` and `documents`).",
        "- Every table is published twice, as `data/<table>.csv` (UTF-8, header row, empty cell = null) and "
        "`data/<table>.parquet` (typed Arrow columns). Both hold the same rows.",
        "- Spreadsheet safety (OWASP CSV injection): in the CSV files, a free-text cell (a name, title, quote or "
        "path: a string column with no fixed pattern or list of values) that starts with `=`, `+`, `-`, `@` or a "
        "tab begins with an added `'`, so that no spreadsheet runs it as a formula, and control and bidi-override "
        "characters in it are written as escapes (`\\x1b`, `\\u202e`; tabs and newlines stay). The Parquet "
        "files hold the exact text. Numbers (negative ones included), dates, codes and ids are never changed.",
        "- Codes: ISO 3166-1 alpha-2 for countries, ISO 3166-2 for provinces and foreign regions, ISO 4217 for "
        "currencies. Groups of countries: " + ", ".join(f"`{g}`" for g in GROUP_CODES) + ". A city or port that "
        "reports trade takes the province code plus its pinyin (`CN-JX-NANCHANG`, `CN-NM-ERLIANHAOTE`).",
        "- Money is in the currency's base unit (72.58亿元 is 7258000000 CNY).",
        "",
        "## Tables",
        "",
        "| table | rows | what it holds |",
        "|---|---|---|",
    ]
    for spec in TABLES:
        lines.append(f"| `{spec.name}` | {len(frames[spec.name])} | {spec.description} |")
    lines += [""] + _figures_section(figures)
    lines += ["## Column dictionary", ""]
    for spec in TABLES:
        keys = f"Primary key: `{', '.join(spec.primary_key)}`."
        if spec.foreign_keys:
            keys += " Foreign keys: " + ", ".join(
                f"`{fk.fields[0]}` -> `{fk.resource}.{fk.reference_fields[0]}`" for fk in spec.foreign_keys) + "."
        lines += [f"### {spec.name}", "", keys, "", "| column | type | description | constraints |",
                  "|---|---|---|---|"]
        for f in spec.fields:
            lines.append(f"| `{f.name}` | {f.type} | {f.description} | {_constraint_text(f)} |")
        lines.append("")
    lines += [
        "## How to load it",
        "",
        "pandas (typed columns through frictionless):",
        "",
        "```python",
        "from frictionless import Package",
        "package = Package('datapackage/datapackage.json')",
        "deals = package.get_resource('deals').to_pandas()",
        "```",
        "",
        "pandas from Parquet (Arrow types kept):",
        "",
        "```python",
        "import pandas as pd",
        "flows = pd.read_parquet('datapackage/data/trade_flows.parquet')",
        "```",
        "",
        "DuckDB, joining deals to the events where they were signed:",
        "",
        "```sql",
        "SELECT d.party_a, d.amount, d.currency, e.name",
        "FROM 'datapackage/data/deals.parquet' d",
        "LEFT JOIN 'datapackage/data/events.parquet' e USING (event_id);",
        "```",
        "",
        "R: `readr::read_csv('datapackage/data/deals.csv')` or `arrow::read_parquet(...)`.",
        "",
        "Check a copy: `tradenews validate datapackage` (frictionless, pandera and foreign keys).",
        "",
    ]
    return "\n".join(lines)
