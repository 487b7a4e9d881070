"""The photo guidance check (portal.documents.photo.photo_check) on generated photos (bench/photo_set.py): false
refusals (acceptable photos refused) and false acceptances (unacceptable photos accepted), on the development set
the check was tuned on, on a held-out set and on a fresh set it never was (other seeds).

    .venv/bin/python bench/photo_bench.py [acceptable unacceptable]    # default 200 100 per set

Targets, on each set: false refusals under 2 %, and no false acceptance. Exits 1 when either is missed."""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from photo_set import photo_set  # noqa: E402

SETS = {"development": 2026, "held-out": 4242, "fresh": 9173}
MAX_REFUSED_SHARE = 0.02
MAX_ACCEPTED = 0


def measure(seed: int, *, acceptable: int, unacceptable: int) -> dict:
    from portal.documents.photo import photo_check

    result = {"acceptable": 0, "unacceptable": 0, "refused": [], "accepted": [], "seconds": []}
    for made, upload in photo_set(seed, acceptable=acceptable, unacceptable=unacceptable):
        started = time.perf_counter()
        check = photo_check(upload)
        result["seconds"].append(time.perf_counter() - started)
        if made.flaw:
            result["unacceptable"] += 1
            if check.ok:
                result["accepted"].append(f"{made.flaw}: {made.notes}")
        else:
            result["acceptable"] += 1
            if not check.ok:
                result["refused"].append(f"{made.notes}: {' '.join(check.reasons)}")
    return result


def main(argv: list[str]) -> int:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DEBUG", "1")
    django.setup()
    acceptable, unacceptable = (int(argv[0]), int(argv[1])) if len(argv) >= 2 else (200, 100)
    missed = False
    print(f"load average {os.getloadavg()[0]:.2f}")
    for name, seed in SETS.items():
        r = measure(seed, acceptable=acceptable, unacceptable=unacceptable)
        refused, accepted = len(r["refused"]), len(r["accepted"])
        share = refused / r["acceptable"] if r["acceptable"] else 0
        seconds = sorted(r["seconds"])
        p95 = seconds[int(0.95 * (len(seconds) - 1))] * 1000
        ok = share < MAX_REFUSED_SHARE and accepted <= MAX_ACCEPTED
        missed |= not ok
        print(
            f"{name} set (seed {seed}): acceptable photos refused {refused} of {r['acceptable']} "
            f"({share * 100:.1f}%, target < {MAX_REFUSED_SHARE * 100:.0f}%); unacceptable photos accepted "
            f"{accepted} of {r['unacceptable']} (target {MAX_ACCEPTED}); check p95 {p95:.0f} ms"
            f"{'' if ok else '  MISSED'}"
        )
        for example in (r["refused"] + r["accepted"])[:10]:
            print("   ", example)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
