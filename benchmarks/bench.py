"""ccmkit benchmark: prints the figures recorded in the README's performance section.

    .venv/bin/python benchmarks/bench.py              # 12-State batch speed-up (+ package, floor)
    .venv/bin/python benchmarks/bench.py --states 0   # the batch over every State outside (85)

The batch figures are the best of ``--repeat`` runs (default 2) of each of --jobs 1 and 2,
alternated, so a busy machine disturbs them less; the load average is printed beside them.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from ccmkit.data.states import load_registry
from ccmkit.documents.kinds import DOCUMENTS
from ccmkit.documents.options import Options
from ccmkit.documents.subject import Subject
from ccmkit.package import document_page, render_document
from ccmkit.render.html import to_string

ROOT = Path(__file__).resolve().parents[1]


def median_time(func, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def one_package(subject: Subject, lang: str) -> None:
    for kind in DOCUMENTS:
        render_document(subject, kind, lang, ("docx", "pdf"))


def floor(subject: Subject, lang: str) -> float:
    """Raw WeasyPrint on the same HTML, raw python-docx writing the same paragraphs."""
    from docx import Document
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from ccmkit.resources import templates_dir

    fonts = FontConfiguration()
    css = CSS(filename=str(templates_dir() / "style.css"), font_config=fonts)
    inputs = []
    for kind in DOCUMENTS:
        html = to_string(document_page(subject, kind, lang).tree)
        (docx,) = render_document(subject, kind, lang, ("docx",))
        paragraphs = [(p.style.name, p.text) for p in Document(io.BytesIO(docx.data)).paragraphs]
        inputs.append((html, paragraphs))
    base = str(templates_dir() / "base.docx")

    def raw() -> None:
        for html, paragraphs in inputs:
            HTML(string=html).write_pdf(stylesheets=[css], font_config=fonts,
                                        pdf_variant="pdf/ua-1")
            doc = Document(base)
            styles = {s.name: s for s in doc.styles}
            for style, text in paragraphs:
                doc.add_paragraph(text, style=styles[style])
            doc.save(io.BytesIO())

    raw()
    return median_time(raw)


def help_time() -> float:
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([str(ROOT / ".venv/bin/ccmkit"), "--help"], check=True,
                       capture_output=True)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def _tree(pid: int) -> set[int]:
    """The process and all its descendants (the forkserver's workers included)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = {pid}, [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _peak_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def batch(codes: list[str], jobs: int, out: Path) -> tuple[float, float]:
    """Wall time of a batch and the peak resident memory of its largest process (MiB),
    sampled from /proc for the batch process and every descendant (workers included)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(ROOT / ".venv/bin/ccmkit"), "batch", "--states", ",".join(codes), "--lang",
         "auto", "--jobs", str(jobs), "--out", str(out), "--force", "--quiet", "--date",
         "2026-11-25"], stdout=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:  # VmHWM is a high-water mark: a sparse sample is enough
        peak = max([peak, *(_peak_kib(p) for p in _tree(proc.pid))])
        time.sleep(1.0)
    elapsed = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"batch failed with exit code {proc.returncode}")
    return elapsed, peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--states", type=int, default=12,
                        help="batch of the first N States outside (0: all of them)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each batch; best kept")
    parser.add_argument("--skip-package", action="store_true", help="batch figures only")
    args = parser.parse_args()
    registry = load_registry()
    subject = Subject(registry.find("KEN"), registry, options=Options(generated=date(2026, 11,
                                                                                      25)))
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    if not args.skip_package:
        print(f"ccmkit --help start-up (median of 5): {help_time():.3f} s")
        one_package(subject, "en")  # warm-up: imports, fonts, templates
        full = median_time(lambda: one_package(subject, "en"))
        raw = floor(subject, "en")
        print(f"one package, {len(DOCUMENTS)} documents, en, DOCX+PDF, warm (median of 3): "
              f"{full:.2f} s")
        print(f"floor: raw WeasyPrint + python-docx on the same content: {raw:.2f} s")
        print(f"ratio ccmkit / floor: {full / raw:.2f}")
    codes = [s.iso3 for s in registry.select(["outside"])]
    if args.states:
        codes = codes[: args.states]
    with tempfile.TemporaryDirectory() as tmp:
        best: dict[int, tuple[float, float]] = {}
        for run in range(args.repeat):
            for jobs in (1, 2):
                elapsed, peak = batch(codes, jobs, Path(tmp) / f"jobs{jobs}-{run}")
                if jobs not in best or elapsed < best[jobs][0]:
                    best[jobs] = (elapsed, peak)
        for jobs, (elapsed, peak) in best.items():
            print(f"batch of {len(codes)} States outside the Convention, --lang auto, "
                  f"--jobs {jobs}: {elapsed:.1f} s ({elapsed / len(codes):.2f} s per State), "
                  f"peak memory of the largest process {peak:.0f} MiB "
                  f"(best of {args.repeat})")
        print(f"speed-up jobs 2 vs 1: {best[1][0] / best[2][0]:.2f}x (target >= 1.8x on 2 CPUs; "
              f"load average now {os.getloadavg()[0]:.2f})")
    print(f"this process peak memory: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
