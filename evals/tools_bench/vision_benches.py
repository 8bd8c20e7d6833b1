"""The picture benchmarks: read_text (character error rate, per OCR engine), classify_image
and describe_image on shipped photos, and summarize_video on a clip made from both."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from modalswitch.evals.tools_bench.photos import PHOTOS, skimage_file
from modalswitch.evals.tools_bench.records import (
    BenchCase,
    BenchContext,
    BenchResult,
    Progress,
    failed,
)
from modalswitch.evals.tools_bench.scoring import char_errors, hit_at, names_any, word_errors
from modalswitch.evals.tools_bench.speech_data import PIPER, speak
from modalswitch.tools.transform.slideshow import MakeSlideshow
from modalswitch.tools.understand.classify_image import ClassifyImage
from modalswitch.tools.understand.describe_image import DescribeImage
from modalswitch.tools.understand.read_text import ReadText
from modalswitch.tools.understand.speech_to_text import SpeechToText
from modalswitch.tools.understand.summarize_video import SummarizeVideo


def ocr_engines() -> list[str]:
    """The OCR engines installed here, the default first."""
    import importlib.util

    found = ["rapidocr"] if importlib.util.find_spec("rapidocr") else []
    return found + (["tesseract"] if shutil.which("tesseract") else [])


def run_read_text(bench: BenchContext, cases: list[BenchCase], engines: list[str],
                  progress: Progress) -> list[BenchResult]:
    """Every image through every engine, scored by character error rate."""
    results = []
    for engine in engines:
        tool = ReadText(engine=engine)
        if cases and cases[0].media is not None:
            bench.warm(tool, image=bench.load(cases[0].media))
        for case in cases:
            assert case.media is not None
            image = bench.load(case.media)
            try:
                run = bench.measure(tool, case.id, image=image)
            except Exception as exc:
                results.append(failed(case, tool.name, engine, exc))
                continue
            out = run.output
            result = BenchResult(case=case.id, bench=case.bench, reference=case.reference,
                                 tool=tool.name, model=out.model, output=out.text,
                                 seconds=run.seconds, cpu_s=run.cpu_s,
                                 tags=case.tags, media=case.media)
            results.append(result.scored(char_errors(case.reference, out.text)))
            progress(f"{engine} {case.id}")
    return results


def run_photos(bench: BenchContext, cases: list[BenchCase],
               progress: Progress) -> list[BenchResult]:
    """classify_image's top-1/top-5 and whether describe_image names the subject."""
    labeler, reader = ClassifyImage(), ReadText()
    describer = DescribeImage(labeler, reader)
    results = []
    if cases and cases[0].media is not None:
        bench.warm(describer, image=bench.load(cases[0].media))  # loads all three models
    for case in cases:
        assert case.media is not None
        image = bench.load(case.media)
        try:
            labelled = bench.measure(labeler, case.id, image=image, top_k=5)
            described = bench.measure(describer, case.id, image=image)
        except Exception as exc:
            results.append(failed(case, labeler.name, labeler.checkpoint, exc))
            continue
        names = [label.name for label in labelled.output.labels]
        scored = bool(case.accepted)
        results.append(BenchResult(
            case=case.id, bench=case.bench, reference=case.reference, tool=labeler.name,
            model=labelled.output.model, output=", ".join(names), seconds=labelled.seconds,
            cpu_s=labelled.cpu_s, tags=case.tags,
            hit1=hit_at(names, case.accepted, 1) if scored else None,
            hit5=hit_at(names, case.accepted, 5) if scored else None, media=case.media))
        results.append(BenchResult(
            case=case.id, bench=case.bench, reference=case.reference, tool=describer.name,
            model=described.output.model, output=described.output.text,
            seconds=described.seconds, cpu_s=described.cpu_s, tags=case.tags,
            named=names_any(described.output.text, case.words), media=case.media))
        progress(case.id)
    return results


VIDEO_SLIDES = (("chelsea.png", "This is my cat, she likes to sleep in the sun."),
                ("coffee.png", "Every morning I drink a cup of espresso."),
                ("rocket.jpg", "Last summer we watched a rocket launch from the beach."))


def video_case(bench: BenchContext, folder: Path) -> BenchCase | None:
    """A narrated slideshow of three shipped photos (None without scikit-image)."""
    paths = [skimage_file(name) for name, _ in VIDEO_SLIDES]
    if any(p is None for p in paths):
        return None
    folder.mkdir(parents=True, exist_ok=True)
    clip = folder / "slideshow.mp4"
    if not clip.exists():
        narration = [bench.load(speak(bench, text, PIPER, folder / f"line{i}.wav"))
                     for i, (_, text) in enumerate(VIDEO_SLIDES)]
        out, _ = bench.timed(MakeSlideshow(), "slideshow",
                             images=[bench.load(p) for p in paths if p is not None],
                             narration=narration, width=640, height=480)
        shutil.copyfile(out.video.path, clip)
    shown = [w for name, _ in VIDEO_SLIDES for p in PHOTOS if p.file == name
             for w in p.words[:2]]
    return BenchCase(id="slideshow", bench="summarize_video", media=str(clip),
                     reference=" ".join(text for _, text in VIDEO_SLIDES), words=shown,
                     tags={"slides": str(len(VIDEO_SLIDES)), "voice": PIPER.label})


def run_summarize_video(bench: BenchContext, case: BenchCase,
                        progress: Progress) -> list[BenchResult]:
    """The summary's transcript scored by WER; each slide's subject looked for in it."""
    labeler, reader = ClassifyImage(), ReadText()
    tool = SummarizeVideo(describer=DescribeImage(labeler, reader), transcriber=SpeechToText())
    assert case.media is not None
    try:
        run = bench.measure(tool, case.id, video=bench.load(case.media))
    except Exception as exc:
        return [failed(case, tool.name, "offline describer + speech_to_text", exc)]
    out = run.output
    said = word_errors(case.reference, out.transcript)
    slides: list[Any] = [(name, [w for p in PHOTOS if p.file == name for w in p.words])
                         for name, _ in VIDEO_SLIDES]
    shown = sum(names_any(out.text, words) for _, words in slides)
    progress(case.id)
    return [BenchResult(case=case.id, bench=case.bench, reference=case.reference,
                        tool=tool.name, model="describe_image + speech_to_text, no chat model",
                        output=out.text, seconds=run.seconds, cpu_s=run.cpu_s,
                        errors=said.errors, length=said.length, named=shown == len(slides),
                        media=case.media,
                        tags=case.tags | {"subjects named": f"{shown}/{len(slides)}",
                                          "models": out.model})]
