"""Video to text: key frames at scene changes, described; the sound track, transcribed; then
the chat model writes a timestamped summary (or, without one, a structured timeline)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from modalswitch.errors import ModalswitchError, ToolError
from modalswitch.tools.contract.fields import ImageArtifact, TextContent, VideoArtifact
from modalswitch.tools.contract.tool import Tool, ToolContext
from modalswitch.tools.contract.untrusted import DATA_RULE, as_data
from modalswitch.tools.helpers.compose import ChatWriter, call_with_media, text_of
from modalswitch.tools.transform.video_frames import (
    extract_sound,
    fmt_time,
    segments_of,
    video_keyframes,
)


class Scene(BaseModel):
    """One key frame: when, and what it shows."""

    time_s: float
    description: str


class SpeechLine(BaseModel):
    """A timed piece of the transcript."""

    start: float
    end: float
    text: str


class SummarizeVideoIn(BaseModel):
    """The video and what matters."""

    video: VideoArtifact
    focus: str | None = Field(None, description="what the summary should pay attention to")
    max_frames: int = Field(8, ge=1, le=24, description="most key frames to describe")


class SummarizeVideoOut(BaseModel):
    """The summary and what it was made from."""

    text: TextContent
    transcript: TextContent = ""
    scenes: list[Scene] = Field(default_factory=list)
    speech: list[SpeechLine] = Field(default_factory=list)
    keyframes: list[ImageArtifact] = Field(default_factory=list)
    model: str = Field("", description="the models that described, transcribed and wrote it")


class SummarizeVideo(ChatWriter, Tool[SummarizeVideoIn, SummarizeVideoOut]):
    """Summarize a video with timestamps from its scenes and its speech."""

    name = "summarize_video"
    description = ("Summarize what happens in a video, with timestamps: describes the key "
                   "frames of each scene and transcribes the speech. Use for 'what is this "
                   "video about', 'summarize this clip'.")
    backend = "ffmpeg+tools"
    version = "2"  # outputs name the models

    def __init__(self, describer: Tool[Any, Any] | None = None,
                 transcriber: Tool[Any, Any] | None = None, llm: Any = None) -> None:
        self.describer = describer
        self.transcriber = transcriber
        self.llm = llm

    def run(self, args: SummarizeVideoIn, ctx: ToolContext) -> SummarizeVideoOut:
        video = args.video
        duration = float(video.meta.get("duration_s") or 0.0)
        frames = video_keyframes(video, ctx, max_frames=args.max_frames)
        scenes = []
        for time_s, frame in frames:
            scenes.append(Scene(time_s=time_s, description=self._describe(frame, ctx)))
        speech, transcript = self._transcribe(video, ctx)
        facts = timeline(duration, video.meta, scenes, speech)
        chat = self.chat_model(ctx)
        used = [f"{tool.name}: {tool.checkpoint}" for tool in (self.describer, self.transcriber)
                if tool is not None]
        if chat is not None:
            used.append(f"chat: {chat.name}")
            summary = self.ask(ctx, [
                {"role": "system", "content": (
                    "You summarize videos from descriptions of their key frames and a "
                    "transcript of their speech. Write two or three sentences saying what the "
                    "video is about, then 'Key moments:' with one line per moment starting "
                    "with its [m:ss] timestamp. Only state what the notes support. "
                    + DATA_RULE)},
                {"role": "user", "content": as_data("notes", facts) + (
                    f"\nFocus on: {args.focus}" if args.focus else "")}], max_tokens=400)
        else:
            summary = facts
        return SummarizeVideoOut(text=summary, transcript=transcript, scenes=scenes,
                                 speech=speech, keyframes=[f for _, f in frames],
                                 model="; ".join(used))

    def _describe(self, frame: Any, ctx: ToolContext) -> str:
        if self.describer is None:
            return "(no image describer configured)"
        try:
            return text_of(self.describer, call_with_media(self.describer, ctx, frame)).strip()
        except ModalswitchError as exc:
            return f"(could not describe this frame: {exc})"

    def _transcribe(self, video: Any, ctx: ToolContext) -> tuple[list[SpeechLine], str]:
        if self.transcriber is None or video.meta.get("has_audio") is False:
            return [], ""
        try:
            audio = extract_sound(video, ctx, rate=16000)
            output = call_with_media(self.transcriber, ctx, audio)
        except ToolError as exc:
            return [], f"(could not transcribe the sound track: {exc})"
        text = text_of(self.transcriber, output).strip()
        lines = [SpeechLine(start=round(a, 2), end=round(b, 2), text=t.strip())
                 for a, b, t in segments_of(output)]
        if text and not lines:  # a transcriber without timings: one line for the whole track
            lines = [SpeechLine(start=0.0, end=float(video.meta.get("duration_s") or 0.0),
                                text=text)]
        return lines, text


def timeline(duration: float, meta: dict[str, Any], scenes: list[Scene],
             speech: list[SpeechLine]) -> str:
    """The structured, timestamped account of a video that the summary is built from."""
    size = f", {meta['width']}x{meta['height']}" if meta.get("width") else ""
    lines = [f"Video: {fmt_time(duration)} ({duration:.1f} s){size}, {len(scenes)} scene(s), "
             f"{'with' if speech else 'no'} transcribed speech.", "", "Scenes:"]
    ends = [s.time_s for s in scenes[1:]] + [duration]
    for scene, end in zip(scenes, ends, strict=True):
        lines.append(f"[{fmt_time(scene.time_s)}-{fmt_time(end)}] {scene.description}")
    if speech:
        lines += ["", "Speech:"]
        lines += [f"[{fmt_time(s.start)}-{fmt_time(s.end)}] {s.text}" for s in speech]
    return "\n".join(lines)
