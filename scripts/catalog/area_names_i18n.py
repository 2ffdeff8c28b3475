#!/usr/bin/env python3
"""Writes catalog/areas/names_i18n.csv: French and Spanish names of the catalogue's areas.

Regenerate, from the repository root:

    python3 scripts/catalog/area_names_i18n.py

The script uses the Python standard library only, needs no network and no system package, and
reads only files of this repository, so the same inputs always give the same bytes. Output:
`m49,lang,name`, UTF-8, one row per area and language, sorted by code and then language
(fr, es); `m49` is the area code as the catalogue writes it (three digits, zero-padded). It
prints the countries left without a name in a language; review the diff of the CSV before
committing.

Countries (the 249 rows of catalog/areas/unsd_m49_en.csv, the catalogue's countries): the UN's
own French and Spanish names, the columns `official_name_fr` and `official_name_es` of
catalog/areas/country-codes.csv (UNSD M49 official names, via GitHub datasets/country-codes,
data/country-codes.csv at commit caa72d1). The same source as the catalogue's English names.
Licence: ODC-PDDL-1.0 (public domain dedication; the content is UNSD's M49 standard). A country
is joined on its M49 code (the file's `M49` column, unpadded, zero-padded here to three digits)
and the script checks that the ISO alpha-3 codes of the two files agree. The names are copied as
the UN spells them (typographic apostrophes, qualifiers in brackets: "Côte d’Ivoire",
"République de Corée", "Bolivie (État plurinational de)"). A country whose UN name is empty in a
language gets no row in it (the catalogue then shows its English name); the script lists them.

Groups and regions: country-codes.csv has French and Spanish names for countries only, so
GROUPS below is HAND-TRANSLATED, from the French and Spanish versions of the UN M49 page
(https://unstats.un.org/unsd/methodology/m49/) and the UN's standard names of the country
groups. It holds only the names we are certain of; every other group keeps its English name
(no row). The group names are facts (official names), not a licensed work.
"""
import csv
import hashlib
import sys
from pathlib import Path

LANGS = ["fr", "es"]

ROOT = Path(__file__).resolve().parents[2]
M49_CSV = ROOT / "catalog/areas/unsd_m49_en.csv"
NAMES_CSV = ROOT / "catalog/areas/country-codes.csv"
OUT_CSV = ROOT / "catalog/areas/names_i18n.csv"

# HAND-TRANSLATED from the French and Spanish versions of the UN M49 page
# (https://unstats.un.org/unsd/methodology/m49/) and the UN's names of the country groups.
# code: (English name in the catalogue, French, Spanish); None = not certain, left in English.
# Left out entirely (English only): the sub-regions and intermediate regions not listed here,
# 514/515 developed/developing regions (an SDG codelist name, not on the M49 page) and the World
# Bank income groups HIC/UMC/LMC/LIC (World Bank names, not UN ones).
GROUPS = {
    "001": ("World", "Monde", "Mundo"),
    "002": ("Africa", "Afrique", "África"),
    "019": ("Americas", "Amériques", "Américas"),
    "142": ("Asia", "Asie", "Asia"),
    "150": ("Europe", "Europe", "Europa"),
    "009": ("Oceania", "Océanie", "Oceanía"),
    # Spanish capitalisation on the M49 page (África subsahariana / Subsahariana) not certain.
    "202": ("Sub-Saharan Africa", "Afrique subsaharienne", None),
    # French wording on the M49 page (Caraïbes / les Caraïbes) not certain.
    "419": ("Latin America and the Caribbean", None, "América Latina y el Caribe"),
    "053": ("Australia and New Zealand", "Australie et Nouvelle-Zélande", "Australia y Nueva Zelandia"),
    "054": ("Melanesia", "Mélanésie", "Melanesia"),
    "057": ("Micronesia", "Micronésie", "Micronesia"),
    "061": ("Polynesia", "Polynésie", "Polinesia"),
    "199": (
        "Least Developed Countries (LDCs)",
        "Pays les moins avancés (PMA)",
        "Países menos adelantados (PMA)",
    ),
    "432": (
        "Landlocked developing countries (LLDCs)",
        "Pays en développement sans littoral (PDSL)",
        "Países en desarrollo sin litoral (PDSL)",
    ),
    "722": (
        "Small island developing States (SIDS)",
        "Petits États insulaires en développement (PEID)",
        "Pequeños Estados insulares en desarrollo (PEID)",
    ),
}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def main() -> int:
    m49_rows = read_csv(M49_CSV)
    un_rows = read_csv(NAMES_CSV)
    needed = ["M49", "ISO3166-1-Alpha-3"] + [f"official_name_{lang}" for lang in LANGS]
    missing = [c for c in needed if c not in un_rows[0]]
    if missing:
        sys.exit(f"{NAMES_CSV.relative_to(ROOT)} has no column {', '.join(missing)}")

    # The UN names by M49 code as the catalogue writes it: "4" -> "004".
    un = {}
    for r in un_rows:
        raw = r["M49"].strip()
        if not raw.isdigit():
            continue
        code = f"{int(raw):03d}"
        if code in un:
            sys.exit(f"M49 {code} twice in {NAMES_CSV.relative_to(ROOT)}")
        un[code] = r

    # English names of the groups as the catalogue has them (crates/ictstat-core/src/catalog.rs).
    group_names = {
        "001": "World",
        "199": "Least Developed Countries (LDCs)",
        "432": "Landlocked developing countries (LLDCs)",
        "722": "Small island developing States (SIDS)",
    }
    for r in m49_rows:
        for col in ("Region", "Sub-region", "Intermediate Region"):
            if r[f"{col} Code"]:
                group_names[r[f"{col} Code"]] = r[f"{col} Name"]

    rows = []
    countries = 0
    untranslated = {lang: [] for lang in LANGS}
    for r in m49_rows:
        code, alpha3, english = r["M49 Code"], r["ISO-alpha3 Code"], r["Country or Area"]
        countries += 1
        entry = un.get(code)
        if entry is None:
            sys.exit(f"M49 country {code} {english} is not in {NAMES_CSV.relative_to(ROOT)}")
        if entry["ISO3166-1-Alpha-3"].strip() != alpha3:
            sys.exit(f"M49 {code}: alpha-3 {alpha3} in the M49 file, "
                     f"{entry['ISO3166-1-Alpha-3']!r} in country-codes")
        for lang in LANGS:
            name = entry[f"official_name_{lang}"].strip()
            if not name:
                untranslated[lang].append(f"{code} {english}")
                continue
            rows.append((code, lang, name))

    for code, (english, *names) in GROUPS.items():
        if group_names.get(code) != english:
            sys.exit(f"group {code} is {group_names.get(code)!r} in the catalogue, {english!r} here")
        for lang, name in zip(LANGS, names):
            if name:
                rows.append((code, lang, name))

    rows.sort(key=lambda r: (r[0], LANGS.index(r[1])))
    with OUT_CSV.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["m49", "lang", "name"])
        w.writerows(rows)

    digest = hashlib.sha256(NAMES_CSV.read_bytes()).hexdigest()
    print(f"from {NAMES_CSV.relative_to(ROOT)} (SHA-256 {digest}):")
    print(f"wrote {len(rows)} rows to {OUT_CSV.relative_to(ROOT)}")
    for lang in LANGS:
        n_countries = countries - len(untranslated[lang])
        n_groups = sum(1 for r in rows if r[1] == lang and r[0] in GROUPS)
        left = ", ".join(untranslated[lang]) or "none"
        print(f"  {lang}: {n_countries} of {countries} countries, {n_groups} groups; "
              f"no UN name (English kept): {left}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
