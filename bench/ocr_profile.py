"""Where a page's time goes when a certificate is read: the steps of `portal.documents.ocr`, timed page by page.

    .venv/bin/python bench/ocr_profile.py [pages] [--held-out | --dev | --unseen] [--layout NAME] [--top N]

Runs `ocr_bench.py` with the reader's steps wrapped: for each page, each tesseract reading (its image size, page
segmentation mode, CPU and wall seconds), the skew search, preparing, dropout, binarising, `pdftoppm` and decoding.
CPU seconds are this process and its children (`resource.getrusage`), which another process on the machine does not
inflate as much as wall time. Prints the totals by step, and the slowest pages step by step.
"""

import os
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")


def cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


PAGES: list[dict] = []
DEPTH = [0]


def wrap(module, name: str, describe=None):
    original = getattr(module, name)

    def timed(*args, **kwargs):
        DEPTH[0] += 1
        started, started_cpu = time.perf_counter(), cpu()
        try:
            return original(*args, **kwargs)
        finally:
            DEPTH[0] -= 1
            if PAGES:
                detail = describe(*args, **kwargs) if describe else ""
                PAGES[-1]["steps"].append((name, cpu() - started_cpu, time.perf_counter() - started, detail, DEPTH[0]))

    setattr(module, name, timed)


def main() -> int:
    import django

    django.setup()
    from bench import ocr_bench
    from portal.documents import ocr

    def size(image, *rest, **kw):
        return f"{image.width}x{image.height} {image.mode}" + (f" psm {rest[0]}" if rest else "")

    wrap(ocr, "_ocr_lines", size)
    for name in ("_skew_angle", "_dropout", "_evened", "_has_colour", "_read_lines"):
        wrap(ocr, name, size if name != "_read_lines" else None)
    wrap(ocr, "_prepare", size)
    wrap(
        ocr,
        "_pdf_page",
        lambda pdf, dpi, number, **kw: f"{dpi} dpi page {number} {'colour' if kw.get('colour') else 'grey'}",
    )
    wrap(ocr, "_image", lambda data, **kw: "colour" if kw.get("colour") else "grey")
    original = ocr.certificate_read

    def read(**kwargs):
        PAGES.append({"steps": []})
        started, started_cpu = time.perf_counter(), cpu()
        reading = original(**kwargs)
        PAGES[-1].update(
            cpu=cpu() - started_cpu,
            wall=time.perf_counter() - started,
            missing=reading.missing(),
            kind=kwargs.get("content_type"),
        )
        return reading

    ocr.certificate_read = read
    if "--dump" in sys.argv:  # each page kept (data, content type, hints, truth) for bench/ocr_replay.py
        import pickle

        import bench.certificate_layouts as ours
        import bench.certificate_layouts_unseen as unseen

        folder = Path(sys.argv[sys.argv.index("--dump") + 1])
        folder.mkdir(parents=True, exist_ok=True)
        rendered = []
        for module in (ours, unseen):
            render = module.render_case

            def kept(record, layout, rng, *a, _render=render, **kw):
                rendered.append((layout, _render(record, layout, rng, *a, **kw)))
                return rendered[-1][1]

            module.render_case = kept

        def read_and_keep(_read=read, **kwargs):
            layout, (_, _, truth, meta) = rendered[-1]
            with open(folder / f"{len(PAGES):04d}.pickle", "wb") as handle:
                pickle.dump({**kwargs, "truth": truth, "meta": meta, "layout": layout}, handle)
            return _read(**kwargs)

        ocr.certificate_read = read_and_keep
    args = sys.argv[1:]
    if "--dump" in args:
        del args[args.index("--dump") : args.index("--dump") + 2]
    only = next((a[2:] for a in args if a in ("--held-out", "--dev", "--unseen")), "")
    layout = args[args.index("--layout") + 1] if "--layout" in args else ""
    top = int(args[args.index("--top") + 1]) if "--top" in args else 8
    count = next(
        (int(a) for a in args if a.isdigit() and (args.index(a) == 0 or args[args.index(a) - 1] != "--top")), 96
    )
    code = ocr_bench.main(count, only=only, layout=layout)

    totals, counts = defaultdict(float), defaultdict(int)
    for page in PAGES:
        for name, c, _, _, _ in page["steps"]:
            totals[name] += c
            counts[name] += 1
    whole = sum(p["cpu"] for p in PAGES)
    readings = [s for p in PAGES for s in p["steps"] if s[0] == "_ocr_lines"]
    print(
        f"\nCPU seconds by step over {len(PAGES)} pages ({whole:.1f} s in all; steps nest: _prepare holds _skew_angle):"
    )
    for name, total in sorted(totals.items(), key=lambda t: -t[1]):
        print(
            f"    {name:14} {total:7.2f} s  {counts[name]:4} calls  {total / max(1, counts[name]):.3f} s a call  "
            f"{total / whole * 100:5.1f}%"
        )
    print(
        f"tesseract readings a page: {len(readings) / max(1, len(PAGES)):.2f}; "
        f"pages read twice: {sum(1 for p in PAGES if sum(s[0] == '_ocr_lines' for s in p['steps']) > 1)}"
    )
    print(f"\nthe {top} slowest pages (CPU):")
    for page in sorted(PAGES, key=lambda p: -p["cpu"])[:top]:
        print(f"  {page['cpu']:.2f} CPU-s, {page['wall']:.2f} s wall, {page['kind']}, still missing {page['missing']}")
        for name, c, w, detail, depth in page["steps"]:
            print(f"      {'  ' * depth}{name:14} {c:.3f} CPU-s {w:.3f} s  {detail}")
    print(f"load average {os.getloadavg()}")
    return code


if __name__ == "__main__":
    sys.exit(main())
