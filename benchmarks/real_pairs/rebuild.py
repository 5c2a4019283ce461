"""Rebuild the real-pair texts from search results: ``python benchmarks/real_pairs/rebuild.py [RESULT.json ...]``.

The texts are third-party and never committed. To rebuild them in a session, run each query that
``--queries`` prints through the search tool's ``pages`` corpus, save each answer (the tool's JSON) to
a file, and pass the files here: for every pair side whose URL a result carries, the excerpt is
written to ``texts/<sha1>.txt`` (git-ignored) if, and only if, its sha1 is the recorded one. With no
file, it lists the sides still missing with their query and URL.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def sides() -> list[tuple[str, str, dict[str, str]]]:
    found = []
    for path in sorted((HERE / "pairs").glob("*.json")):
        pair = json.loads(path.read_text(encoding="utf-8"))
        found += [(pair["id"], side, pair[side]) for side in ("original", "copy")]
    return found


def main() -> None:
    texts = HERE / "texts"
    texts.mkdir(exist_ok=True)
    wanted = sides()
    for name in sys.argv[1:]:
        answer = json.loads(Path(name).read_text(encoding="utf-8"))
        for result in answer.get("results", []):
            excerpt = result.get("excerpt", "")
            sha1 = hashlib.sha1(excerpt.encode("utf-8")).hexdigest()
            for pair_id, side, meta in wanted:
                if meta["url"] == result.get("url") and meta["sha1"] == sha1:
                    (texts / f"{sha1}.txt").write_bytes(excerpt.encode("utf-8"))
                    print(f"rebuilt {pair_id} {side}")
    missing = [(p, s, m) for p, s, m in wanted if not (texts / f"{m['sha1']}.txt").is_file()]
    for pair_id, side, meta in missing:
        print(f"missing {pair_id} {side}: query {meta['query']!r} url {meta['url']}")
    print(f"{len(wanted) - len(missing)} of {len(wanted)} texts present")


if __name__ == "__main__":
    main()
