"""Resolve organization and place names to entities (one row each) with reference codes.

江铜集团 and 江西铜业集团 are one company when reference data lists them as aliases; a company
written with and without its country (美国雅保公司, 雅保公司) or its legal suffix is one entity.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from tradenews.ids import stable_id
from tradenews.mentions.places import find_places
from tradenews.reference import companies, place_by_code, places

LEGAL_SUFFIX = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|集团公司|公司)$")


@dataclass
class Entity:
    entity_id: str
    name: str
    kind: str
    country_code: str | None = None
    region_code: str | None = None
    name_en: str | None = None
    aliases: set[str] = field(default_factory=set)


class EntityIndex:
    """Accumulates entities over all documents; `resolve_*` return the entity id."""

    def __init__(self) -> None:
        self.by_id: dict[str, Entity] = {}

    def resolve_place(self, code: str, name: str | None = None) -> str:
        ref = place_by_code().get(code)
        canonical = ref.name if ref else (name or code)
        kind = "country" if ref and ref.kind == "country" else "region"
        entity_id = stable_id("place", code)
        ent = self.by_id.get(entity_id)
        if ent is None:
            country = ref.country_code if ref else (code.split("-")[0] if "-" in code else None)
            ent = Entity(entity_id, canonical, kind, country_code=country if kind != "country" else code,
                         region_code=code if kind == "region" else None)
            if kind == "region" and code.isalpha() and code.isupper() and "-" not in code:
                ent.country_code = None  # a bloc such as EU, ASEAN
            self.by_id[entity_id] = ent
        if name and name != ent.name:
            ent.aliases.add(name)
        return entity_id

    def resolve_name(self, name: str, kind: str | None, country: str | None) -> str:
        """A party or subject as written: a known place, a known company, or an organization."""
        full, _ = places()
        ref = full.get(name)
        if ref is not None and kind in (None, "region", "country"):
            return self.resolve_place(ref.code, name)
        bare = LEGAL_SUFFIX.sub("", name) if len(LEGAL_SUFFIX.sub("", name)) >= 2 else name
        known = companies().get(name) or companies().get(bare)
        canonical = known.name if known else bare
        ent_kind = kind if kind in ("company", "government", "university", "organization", "delegation") else \
            (known.kind if known and known.kind in ("company", "government", "organization") else "organization")
        entity_id = stable_id("org", canonical)
        ent = self.by_id.get(entity_id)
        if ent is None:
            ent = Entity(entity_id, canonical, ent_kind, name_en=known.name_en if known else None)
            self.by_id[entity_id] = ent
        if known and known.country_code:
            ent.country_code = known.country_code
        elif country and not ent.country_code:
            ent.country_code = country
        elif not ent.country_code:
            lead = find_places(name[:8])
            if lead and lead[0].start == 0 and lead[0].country_code and lead[0].end - lead[0].start > 1:
                ent.country_code = lead[0].country_code
        if name != ent.name:
            ent.aliases.add(name)
        return entity_id

    def country_of(self, entity_id: str | None) -> str | None:
        ent = self.by_id.get(entity_id) if entity_id else None
        if ent is None or ent.country_code is None or len(ent.country_code) != 2:
            return None
        return ent.country_code

    def rows(self) -> list[dict]:
        return [
            {"entity_id": e.entity_id, "name": e.name, "name_en": e.name_en, "kind": e.kind,
             "country_code": e.country_code, "region_code": e.region_code,
             "aliases": "|".join(sorted(e.aliases)) or None}
            for e in sorted(self.by_id.values(), key=lambda e: e.entity_id)
        ]
