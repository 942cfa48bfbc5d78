#!/usr/bin/env python3
"""Adds or replaces translation keys in every wwwroot/i18n/<lang>.json from one JSON file:
{"key": {"en": "...", "fr": "...", ...}, ...}. Every language must be given (the tests check that
all files have the same keys). Usage: python3 tools/i18n-add.py NEW_KEYS.json"""
import json
import pathlib
import sys

folder = pathlib.Path(__file__).resolve().parent.parent / "src/Florascope.Web/wwwroot/i18n"
new = json.loads(pathlib.Path(sys.argv[1]).read_text(encoding="utf-8"))
files = sorted(folder.glob("*.json"))
langs = [f.stem for f in files]
missing = [(k, l) for k, v in new.items() for l in langs if l not in v]
if missing:
    sys.exit("missing translations: " + ", ".join(f"{k}/{l}" for k, l in missing[:20]))
for f in files:
    d = json.loads(f.read_text(encoding="utf-8"))
    for k, v in new.items():
        d[k] = v[f.stem]
    f.write_text(json.dumps(d, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
print(f"{len(new)} keys in {len(files)} languages")
