"""Build brat standoff gold (NAME.txt + NAME.ann) from the hand-written markup files beside this script.

The markup is the article text with each attribution's spans tagged by its number:
``<cN>...</cN>`` content (several pairs for a split or multi-paragraph quote: brat fragments),
``<sN>...</sN>`` source and ``<vN>...</vN>`` cue; one span may serve several attributions
(``<s3,4>...</s3,4>``). Tags of different attributions may nest or overlap. Lines starting with
``@N`` give attribution N's kind (``direct``, ``indirect`` or ``mixed``) and, optionally, ``anon``;
lines starting with ``#`` are comments. Neither is part of the text.

    .venv/bin/python tests/gold/quotes/markup/build.py      # rewrites ../NAME.txt and ../NAME.ann
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TAG = re.compile(r"<(/?)([csv])([\d,]+)>")
ROLES = {"c": "Content", "s": "Source", "v": "Cue"}


def parse(markup: str, name: str) -> tuple[str, str]:
    body, meta = [], {}
    for line in markup.splitlines():
        if line.startswith("#"):
            continue
        if line.startswith("@"):
            number, *rest = line[1:].split()
            if not rest or rest[0] not in ("direct", "indirect", "mixed"):
                raise ValueError(f"{name}: bad attribute line {line!r}")
            meta[int(number)] = (rest[0], "anon" in rest[1:])
            continue
        body.append(line)
    source = "\n".join(body).strip("\n") + "\n"
    text: list[str] = []
    length = 0
    opened: dict[tuple[str, str], int] = {}
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    position = 0
    for match in TAG.finditer(source):
        chunk = source[position:match.start()]
        text.append(chunk)
        length += len(chunk)
        position = match.end()
        closing, role, ids = match.groups()
        key = (role, ids)
        if closing:
            if key not in opened:
                raise ValueError(f"{name}: </{role}{ids}> closes nothing")
            spans.setdefault(key, []).append((opened.pop(key), length))
        else:
            if key in opened:
                raise ValueError(f"{name}: <{role}{ids}> opened twice")
            opened[key] = length
    text.append(source[position:])
    if opened:
        raise ValueError(f"{name}: unclosed tags {sorted(opened)}")
    plain = "".join(text)
    lines: list[str] = []
    t_of: dict[tuple[str, int], str] = {}
    for (role, ids), fragments in sorted(spans.items(), key=lambda kv: kv[1][0]):
        tid = f"T{len(lines) + 1}"
        offsets = ";".join(f"{s} {e}" for s, e in fragments)
        words = " ".join(plain[s:e] for s, e in fragments).replace("\n", " ")
        lines.append(f"{tid}\t{ROLES[role]} {offsets}\t{words}")
        for number in ids.split(","):
            if (role, int(number)) in t_of:
                raise ValueError(f"{name}: attribution {number} has two {ROLES[role]} spans")
            t_of[(role, int(number))] = tid
    numbers = sorted({n for _, n in t_of})
    for number in numbers:
        if ("c", number) not in t_of or number not in meta:
            raise ValueError(f"{name}: attribution {number} needs a content and an @{number} line")
    for e, number in enumerate(numbers, 1):
        trigger = t_of.get(("v", number), t_of[("c", number)])
        args = [f"Attribution:{trigger}"]
        if ("s", number) in t_of:
            args.append(f"Source:{t_of[('s', number)]}")
        args.append(f"Content:{t_of[('c', number)]}")
        lines.append(f"E{e}\t{' '.join(args)}")
        kind, anon = meta[number]
        lines.append(f"A{2 * e - 1}\tKind E{e} {kind}")
        if anon:
            lines.append(f"A{2 * e}\tAnonymous E{e}")
    return plain, "\n".join(lines) + "\n"


def main() -> int:
    total = 0
    for path in sorted(HERE.glob("*.txt")):
        plain, ann = parse(path.read_text(encoding="utf-8"), path.name)
        (HERE.parent / path.name).write_text(plain, encoding="utf-8")
        (HERE.parent / path.with_suffix(".ann").name).write_text(ann, encoding="utf-8")
        count = ann.count("\nE") + ann.startswith("E")
        total += count
        print(f"{path.stem}: {count} attributions")
    print(f"total {total}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
