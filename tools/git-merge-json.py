#!/usr/bin/env python3
"""Three-way merge of flat JSON translation files by key (git merge driver).

Set up once per clone:
  git config merge.jsonkeys.driver "python3 tools/git-merge-json.py %O %A %B"
Keys added on either side are kept (ours in order, then theirs'); a key changed on one side takes
that change; a key changed differently on both sides is a conflict (exit 1, ours left in place).
"""
import json
import sys


def load(path, may_be_missing):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        if may_be_missing:
            return {}
        # A side that does not parse would read as "every key deleted": stop, keep ours as it is.
        sys.stderr.write(f"{path}: not a JSON object of texts ({e}); merge it by hand\n")
        sys.exit(2)


base = load(sys.argv[1], True)
ours, theirs = load(sys.argv[2], False), load(sys.argv[3], False)
merged, conflicts = {}, []
for key in list(ours) + [k for k in theirs if k not in ours]:
    b, o, t = base.get(key), ours.get(key), theirs.get(key)
    if key in ours and key in theirs:
        if o == t or t == b:
            merged[key] = o
        elif o == b:
            merged[key] = t
        else:
            conflicts.append(key)
            merged[key] = o
    elif key in ours:  # absent from theirs: deleted there unless it is new here
        if key in base and o == b:
            continue
        merged[key] = o
    else:  # only in theirs
        if key in base and t == b:
            continue
        merged[key] = t
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(merged, f, ensure_ascii=False, indent=1)
    f.write("\n")
if conflicts:
    sys.stderr.write("conflicting translations: " + ", ".join(conflicts) + "\n")
    sys.exit(1)
