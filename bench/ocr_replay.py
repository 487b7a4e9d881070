"""Pages kept by `ocr_profile.py --dump DIR` read again: fields exact, missing and wrong, CPU seconds a page.

    .venv/bin/python bench/ocr_replay.py DIR [--show] [--reader FILE]

--reader FILE reads with another copy of the reader (`git show REV:portal/documents/ocr.py > FILE`): before and
after in the same run, on the same machine load.

The same pages and hints as the bench run that kept them, without drawing them again: a quick before/after of a
change to the reader. CPU seconds are this process and its children (`resource.getrusage`).
"""

import os
import pickle
import resource
import statistics
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")


def cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(folder: Path, show: bool) -> None:
    import django

    django.setup()
    from bench.ocr_bench import field_outcomes
    from portal.documents.ocr import certificate_read

    if "--reader" in sys.argv:
        import importlib.util

        spec = importlib.util.spec_from_file_location("reader", sys.argv[sys.argv.index("--reader") + 1])
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        certificate_read = module.certificate_read

    tally, seconds = Counter(), []
    for path in sorted(folder.glob("*.pickle")):
        page = pickle.loads(path.read_bytes())
        started = cpu()
        reading = certificate_read(data=page["data"], content_type=page["content_type"], hints=page["hints"])
        seconds.append(cpu() - started)
        for field, value, expected, result in field_outcomes(reading, page["truth"]):
            tally[result] += 1
            if result != "exact" and show:
                print(f"  {path.name} {page['layout']} {page['meta']['condition']} {field}: {result} {value!r} "
                      f"(expected {expected!r})")  # fmt: skip
    seconds.sort()
    total = sum(tally.values())
    print(f"{len(seconds)} pages: {tally['exact'] / total * 100:.1f}% exact, {tally['wrong']} wrong, "
          f"{tally['missing']} missing of {total}; CPU s a page p50 {statistics.median(seconds):.2f}, "
          f"p95 {seconds[max(0, int(len(seconds) * 0.95) - 1)]:.2f}, max {seconds[-1]:.2f}, "
          f"sum {sum(seconds):.1f}; load average {os.getloadavg()[0]:.1f}")  # fmt: skip


if __name__ == "__main__":
    main(Path(sys.argv[1]), "--show" in sys.argv)
