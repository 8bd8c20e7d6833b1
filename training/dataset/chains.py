"""Multi-step switching tasks: composed source -> sink chains, hand-written DAGs, follow-ups.

A composed chain's phrasing is a source fragment ("transcribe {audio}") joined to a sink
fragment (" and read it aloud"). Fragments, not whole phrasings, are given to the splits,
and a chain's phrasing is only made from fragments of one split, so a test phrasing never
shares its wording with a train phrasing of the same chain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from modalswitch.training.dataset.spec import PlanDict, Task, Values, plan

Call = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Source:
    """Steps that turn the inputs into text; `ref` names that text."""

    key: str
    inputs: tuple[str, ...]
    phrases: tuple[str, ...]
    steps: tuple[Call, ...]

    @property
    def ref(self) -> str:
        return f"@s{len(self.steps)}.text"


@dataclass(frozen=True)
class Sink:
    """Steps that consume a text (`TEXT` in their args) and what the response carries."""

    key: str
    phrases: tuple[str, ...]
    build: Callable[[str, int, Values], tuple[list[Call], list[str]]]


SOURCES = [
    Source("ocr", ("image",), ("read the text in {image}", "take the words from {image}",
                               "grab the writing on {image}", "OCR {image}",
                               "get what the sign in {image} says", "pull the text off {image}",
                               "read {image}"),
           (("read_text", {"image": "@input0"}),)),
    Source("describe", ("image",), ("describe {image}", "tell me what's in {image}",
                                    "explain what {image} shows", "say what {image} is about",
                                    "give a description of {image}", "look at {image}"),
           (("describe_image", {"image": "@input0"}),)),
    Source("caption", ("image",), ("caption {image}", "write a one-line caption for {image}",
                                   "make a short caption of {image}", "title {image}"),
           (("caption_image", {"image": "@input0"}),)),
    Source("classify", ("image",), ("identify the animal in {image}", "classify {image}",
                                    "figure out what object is in {image}",
                                    "name the thing in {image}"),
           (("classify_image", {"image": "@input0"}),)),
    Source("stt", ("audio",), ("transcribe {audio}", "write down what {audio} says",
                               "get the words from {audio}", "type out {audio}",
                               "turn {audio} into text", "listen to {audio}"),
           (("speech_to_text", {"audio": "@input0"}),)),
    Source("video_summary", ("video",), ("summarize {video}", "sum up {video}",
                                         "tell me what happens in {video}",
                                         "give me the gist of {video}", "watch {video}"),
           (("summarize_video", {"video": "@input0"}),)),
    Source("video_speech", ("video",), ("transcribe the audio of {video}",
                                        "write down what people say in {video}",
                                        "get a transcript of the speech in {video}",
                                        "take the dialogue out of {video}"),
           (("extract_audio", {"video": "@input0"}),
            ("speech_to_text", {"audio": "@s1.audio"}))),
]


def _tts(text: str, n: int, v: Values) -> tuple[list[Call], list[str]]:
    return [("text_to_speech", {"text": text})], [text, f"@s{n + 1}.audio"]


def _translate(text: str, n: int, v: Values) -> tuple[list[Call], list[str]]:
    return ([("translate_text", {"text": text, "target_language": v["lang"]})],
            [f"@s{n + 1}.text"])


def _translate_tts(text: str, n: int, v: Values) -> tuple[list[Call], list[str]]:
    return ([("translate_text", {"text": text, "target_language": v["lang"]}),
             ("text_to_speech", {"text": f"@s{n + 1}.text"})],
            [f"@s{n + 1}.text", f"@s{n + 2}.audio"])


def _summarize(text: str, n: int, v: Values) -> tuple[list[Call], list[str]]:
    return [("summarize_text", {"text": text})], [f"@s{n + 1}.text"]


def _summarize_tts(text: str, n: int, v: Values) -> tuple[list[Call], list[str]]:
    return ([("summarize_text", {"text": text}), ("text_to_speech", {"text": f"@s{n + 1}.text"})],
            [f"@s{n + 1}.text", f"@s{n + 2}.audio"])


def _draw(text: str, n: int, v: Values) -> tuple[list[Call], list[str]]:
    return [("generate_image", {"prompt": text})], [f"@s{n + 1}.image"]


SINKS = {
    "tts": Sink("tts", (" and read it aloud", ", then say it out loud", " and let me hear it",
                        " and turn it into speech", ", and make an audio file of it",
                        " then read it back to me", " and speak the result"), _tts),
    "translate": Sink("translate", (" and translate it into {lang}", ", then put it in {lang}",
                                    " and give it to me in {lang}", ". I need it in {lang}",
                                    " and convert the text to {lang}"), _translate),
    "translate_tts": Sink("translate_tts", (" and read it aloud in {lang}",
                                            ", translate to {lang} and say it out loud",
                                            " then speak it in {lang}",
                                            " and let me hear a {lang} version"),
                          _translate_tts),
    "summarize": Sink("summarize", (" and summarize it", ", then give me a short summary",
                                    " and boil it down", " then shorten it to the key points"),
                      _summarize),
    "summarize_tts": Sink("summarize_tts", (" and read me a short summary",
                                            ", summarize it and say the summary out loud",
                                            " then give me an audio summary"), _summarize_tts),
    "draw": Sink("draw", (" and draw a picture of it", ", then generate an image from it",
                          " and illustrate it", " and paint what it describes"), _draw),
}

CHAINS = {
    "ocr": ["tts", "translate", "translate_tts", "summarize", "summarize_tts"],
    "describe": ["tts", "translate", "translate_tts", "draw"],
    "caption": ["tts", "translate", "draw"],
    "classify": ["tts", "translate"],
    "stt": ["translate", "translate_tts", "summarize", "summarize_tts", "draw"],
    "video_summary": ["tts", "translate", "translate_tts"],
    "video_speech": ["translate", "summarize"],
}

SPLITS = ("train", "dev", "test")


def _split_phrases(phrases: tuple[str, ...]) -> dict[str, list[str]]:
    """First phrase to train, second to test, third to dev, the rest mostly to train."""
    order = ["train", "test", "dev", "train", "train", "dev", "train", "test", "train"]
    out: dict[str, list[str]] = {s: [] for s in SPLITS}
    for i, phrase in enumerate(phrases):
        out[order[i % len(order)]].append(phrase)
    return out


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def composed_tasks() -> list[Task]:
    """Every source x sink chain, with templates pre-assigned to splits by fragment."""
    tasks = []
    for source in SOURCES:
        for sink_key in CHAINS[source.key]:
            sink = SINKS[sink_key]
            src, snk = _split_phrases(source.phrases), _split_phrases(sink.phrases)
            fixed: dict[str, str] = {}
            for split in SPLITS:
                for a in src[split]:
                    for b in snk[split]:
                        fixed[_capital(a) + b + "."] = split

            def build(v: Values, source: Source = source, sink: Sink = sink) -> PlanDict:
                steps, outputs = sink.build(source.ref, len(source.steps), v)
                return plan([*source.steps, *steps], outputs)

            tasks.append(Task(f"{source.key}>{sink_key}", source.inputs, list(fixed), build,
                              fixed_split=fixed, weight=0.6))
    return tasks


def dag_tasks() -> list[Task]:
    """Hand-written chains and DAGs that are not source -> sink."""
    return [
        Task("rewrite>generate_image", (), [
            "Write a detailed prompt for {idea} and then generate the image.",
            "Improve my idea '{idea}' into a proper prompt and draw it.",
            "expand {idea} into a rich prompt, then make the picture",
            "First polish the prompt \"{idea}\", then render it.",
            "Turn {idea} into a good image prompt and create the image.",
        ], lambda v: plan([("rewrite_prompt", {"text": v["idea"], "target": "image"}),
                           ("generate_image", {"prompt": "@s1.text"})],
                          ["@s1.text", "@s2.image"])),
        Task("rewrite>generate_video", (), [
            "Write a cinematic prompt for {idea} and make a video of it.",
            "flesh out '{idea}' as a video prompt, then generate the clip",
            "Expand {idea} into a detailed scene description and animate it.",
        ], lambda v: plan([("rewrite_prompt", {"text": v["idea"], "target": "video"}),
                           ("generate_video", {"prompt": "@s1.text"})],
                          ["@s1.text", "@s2.video"])),
        Task("rewrite>generate_sound", (), [
            "Write a detailed music prompt for {idea} and compose it.",
            "turn '{idea}' into a soundtrack description, then generate the music",
            "Come up with a music prompt about {idea} and play it for me.",
        ], lambda v: plan([("rewrite_prompt", {"text": v["idea"], "target": "music"}),
                           ("generate_sound", {"prompt": "@s1.text"})],
                          ["@s1.text", "@s2.audio"])),
        Task("generate_image>resize", (), [
            "Draw {subject} and make it {width}px wide.",
            "Generate {subject}, then resize it to {width} pixels wide.",
            "picture of {subject}, scaled to {width} px width",
            "Create an image of {subject} at {width} pixels across.",
        ], lambda v: plan([("generate_image", {"prompt": v["subject"]}),
                           ("resize_image", {"image": "@s1.image", "width": int(v["width"])})],
                          ["@s2.image"])),
        Task("generate_image>convert", (), [
            "Generate {subject} and give it to me as a {format_w}.",
            "Draw {subject}; I need the file in {format_w} format.",
            "make a {format_w} picture of {subject}", "Create {subject} and save it as {format_w}.",
        ], lambda v: plan([("generate_image", {"prompt": v["subject"]}),
                           ("convert_image", {"image": "@s1.image", "format": v["format"]})],
                          ["@s2.image"])),
        Task("generate_image x2>grid", (), [
            "Draw {subject} and {subject2} side by side.",
            "Make two pictures, {subject} and {subject2}, in one grid.",
            "Compare {subject} with {subject2} in a single image.",
            "generate {subject} and also {subject2}, then put them together",
        ], lambda v: plan([("generate_image", {"prompt": v["subject"]}),
                           ("generate_image", {"prompt": v["subject2"]}),
                           ("image_grid", {"images": ["@s1.image", "@s2.image"]})],
                          ["@s3.image"])),
        Task("generate_image+tts>slideshow", (), [
            "Make a narrated video: a picture of {subject} with a voice saying \"{speech}\".",
            "Create a short video showing {subject} while someone says: {speech}",
            "I want a clip of {subject} narrated with \"{speech}\".",
            "video with an image of {subject} and the voiceover '{speech}'",
        ], lambda v: plan([("generate_image", {"prompt": v["subject"]}),
                           ("text_to_speech", {"text": v["speech"]}),
                           ("make_slideshow", {"images": ["@s1.image"],
                                               "narration": ["@s2.audio"]})], ["@s3.video"])),
        Task("tts>slideshow", ("images",), [
            "Turn {images} into a video narrated with: {speech}",
            "Make a slideshow of {images} with a voice saying \"{speech}\".",
            "video of {images} plus narration: '{speech}'",
            "Create a movie from {images} and add the voiceover \"{speech}\".",
        ], lambda v: plan([("text_to_speech", {"text": v["speech"]}),
                           ("make_slideshow", {"images": v["img_refs"],
                                               "narration": ["@s1.audio"]})], ["@s2.video"]),
            tags=("multi_input",)),
        Task("image+audio>slideshow", ("image", "audio"), [
            "Make a video of {image} with {audio} as the soundtrack.",
            "Put {audio} over {image} and export a video.",
            "combine {image} and {audio} into an mp4",
            "Create a video that shows {image} while {audio} plays.",
        ], lambda v: plan([("make_slideshow", {"images": ["@input0"], "narration": ["@input1"]})],
                          ["@s1.video"]), tags=("multi_input",)),
        Task("extract_audio>whisper_translate", ("video",), [
            "Translate what is said in {video} into English.",
            "The people in {video} speak Spanish; give me the English.",
            "english version of the dialogue in {video}",
        ], lambda v: plan([("extract_audio", {"video": "@input0"}),
                           ("transcribe_openai_whisper", {"audio": "@s1.audio",
                                                          "task": "translate"})], ["@s2.text"])),
        Task("video_speech", ("video",), [
            "Transcribe the audio of {video}.", "Write down what people say in {video}.",
            "what's the dialogue in {video}? word for word", "Get a transcript of {video}.",
        ], lambda v: plan([("extract_audio", {"video": "@input0"}),
                           ("speech_to_text", {"audio": "@s1.audio"})], ["@s2.text"])),
        Task("transform>resize", ("image",), [
            "Make {image} look like {style} and shrink it to {width}px.",
            "Restyle {image} as {style}, then resize to {width} wide.",
            "{style} version of {image}, {width} pixels wide",
        ], lambda v: plan([("transform_image", {"image": "@input0", "prompt": v["style"]}),
                           ("resize_image", {"image": "@s1.image", "width": int(v["width"])})],
                          ["@s2.image"])),
        Task("edit>crop", ("image",), [
            "In {image}, {edit}, then crop it {aspect_w}.",
            "{edit} in {image} and make it {aspect_w}",
            "Edit {image} ({edit}) and crop to {aspect_w}.",
        ], lambda v: plan([("edit_image", {"image": "@input0", "instruction": v["edit"]}),
                           ("crop_image", {"image": "@s1.image", "aspect": v["aspect"]})],
                          ["@s2.image"])),
        Task("describe>tts+translate", ("image",), [
            "Describe {image}, read it aloud and also translate it into {lang}.",
            "Tell me what {image} shows in English out loud, and give me a {lang} text too.",
            "describe {image}: I want audio of it plus a {lang} translation",
        ], lambda v: plan([("describe_image", {"image": "@input0"}),
                           ("text_to_speech", {"text": "@s1.text"}),
                           ("translate_text", {"text": "@s1.text", "target_language": v["lang"]})],
                          ["@s1.text", "@s2.audio", "@s3.text"])),
        Task("qa>tts", ("image",), [
            "Look at {image} and tell me out loud: {question}",
            "Answer by voice, about {image}: {question}",
            "{question} Say the answer aloud, it's about {image}.",
        ], lambda v: plan([("answer_image_question", {"image": "@input0",
                                                      "question": v["question"]}),
                           ("text_to_speech", {"text": "@s1.text"})], ["@s1.text", "@s2.audio"])),
        Task("describe x2", ("image", "image"), [
            "What's in each of these two pictures?", "Describe both images.",
            "tell me what each photo shows", "Compare the two photos I sent.",
            "Give me a description of the first and the second image.",
        ], lambda v: plan([("describe_image", {"image": "@input0"}),
                           ("describe_image", {"image": "@input1"})], ["@s1.text", "@s2.text"]),
            tags=("multi_input",)),
        Task("ocr x2", ("image", "image"), [
            "Read the text on both pages.", "OCR these two scans.",
            "what do the two signs say?", "Extract the writing from both images.",
        ], lambda v: plan([("read_text", {"image": "@input0"}),
                           ("read_text", {"image": "@input1"})], ["@s1.text", "@s2.text"]),
            tags=("multi_input",)),
        Task("stt+describe", ("image", "audio"), [
            "Describe the photo and transcribe the voice note.",
            "What's in the picture, and what does the recording say?",
            "tell me about the image and type out the audio",
        ], lambda v: plan([("describe_image", {"image": "@input0"}),
                           ("speech_to_text", {"audio": "@input1"})], ["@s1.text", "@s2.text"]),
            tags=("multi_input",)),
    ]
