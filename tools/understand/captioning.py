"""Image to text with transformers: captioning and visual question answering (BLIP, GIT, ...).

With no captioning checkpoint configured, `caption_image` hands the picture to the offline
composite describer (labels, OCR, faces) it was given; with no VQA checkpoint,
`answer_image_question` answers from that description with the chat model.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from modalswitch.errors import ToolError
from modalswitch.tools.contract.degraded import Degraded, degraded_field
from modalswitch.tools.contract.fields import ImageArtifact, TextContent
from modalswitch.tools.contract.tool import Tool, ToolContext
from modalswitch.tools.contract.untrusted import DATA_RULE, as_data
from modalswitch.tools.helpers.av import load_image
from modalswitch.tools.helpers.compose import ChatWriter, call_with_media, text_of
from modalswitch.tools.helpers.model_tool import ModelTool, first_line, inference_lock
from modalswitch.tools.runtime.checkpoints import not_configured
from modalswitch.tools.runtime.devices import Placement, place_module


@dataclass
class VisionText:
    """A loaded image-to-text model with its processor."""

    model: Any
    processor: Any
    placement: Placement

    @property
    def is_qa(self) -> bool:
        """A dedicated question-answering head (BLIP-VQA)."""
        return any("QuestionAnswering" in a for a in self.model.config.architectures or [])

    @property
    def is_decoder_only(self) -> bool:
        """The output repeats the prompt (GIT and other causal captioners)."""
        return not self.is_qa and not getattr(self.model.config, "is_encoder_decoder", False)


def load_vision_text(local: Path, placement: Placement) -> VisionText:
    """Load a BLIP / GIT / other image-to-text checkpoint and its processor."""
    import transformers

    config = transformers.AutoConfig.from_pretrained(str(local))
    archs = config.architectures or []
    auto = (transformers.AutoModelForVisualQuestionAnswering
            if any("QuestionAnswering" in a for a in archs)
            else transformers.AutoModelForImageTextToText)
    model = auto.from_pretrained(str(local), dtype=placement.torch_dtype())
    processor = transformers.AutoProcessor.from_pretrained(str(local))
    return VisionText(place_module(model, placement), processor, placement)


def generate_text(vt: VisionText, image: Any, prompt: str | None, max_new_tokens: int) -> str:
    """Caption an image, or answer a prompt about it, and return clean text."""
    import torch

    proc = vt.processor
    if prompt and vt.is_decoder_only and getattr(vt.model.config, "model_type", "") == "git":
        # GIT reads a question as a prefix after [CLS], without the closing [SEP].
        tok = proc.tokenizer
        ids = tok(prompt, add_special_tokens=False).input_ids
        start = tok.cls_token_id if tok.cls_token_id is not None else tok.bos_token_id
        inputs = dict(proc(images=image, return_tensors="pt"))
        inputs["input_ids"] = torch.tensor([[start, *ids]])
    elif prompt:
        inputs = dict(proc(images=image, text=prompt, return_tensors="pt"))
    else:
        inputs = dict(proc(images=image, return_tensors="pt"))
    device, dtype = vt.placement.device, vt.placement.torch_dtype()
    inputs = {k: (v.to(device, dtype) if k == "pixel_values" else v.to(device))
              for k, v in inputs.items() if hasattr(v, "to")}
    with inference_lock(vt), torch.inference_mode():
        out = vt.model.generate(**inputs, max_new_tokens=max_new_tokens)
    if vt.is_decoder_only and "input_ids" in inputs:
        prompt_len = inputs["input_ids"].shape[-1]
        if out.shape[-1] > prompt_len and torch.equal(out[0, :prompt_len].cpu(),
                                                       inputs["input_ids"][0].cpu()):
            out = out[:, prompt_len:]
    text = proc.batch_decode(out, skip_special_tokens=True)[0].strip()
    if prompt and text.lower().startswith(prompt.lower()):
        text = text[len(prompt):].strip()
    return text


class CaptionIn(BaseModel):
    """The picture to caption."""

    image: ImageArtifact
    prompt: str | None = Field(None, description="optional caption start, e.g. 'a photo of'")
    max_words: int = Field(40, ge=1, le=200)


class CaptionOut(BaseModel):
    """The caption and where it came from."""

    text: TextContent
    model: str = Field(description="the checkpoint, or the offline composite's tool name")
    degraded: Degraded | None = degraded_field()


class CaptionImage(ModelTool[CaptionIn, CaptionOut]):
    """Image captioning with a BLIP / GIT checkpoint; the offline composite otherwise."""

    name = "caption_image"
    description = ("Write a one-sentence caption of a picture with an image captioning model "
                   "(BLIP/GIT). Offline without a captioning model it uses the composite "
                   "description (labels, text, faces).")
    backend = "transformers"
    slot = "image_captioning"
    version = "2"  # placeholders say so
    placeholder = "the offline composite description (labels, OCR, faces), not a caption"

    def __init__(self, checkpoint: str | None = None, describer: Tool[Any, Any] | None = None):
        super().__init__(checkpoint)
        self.describer = describer

    def stand_in(self) -> Degraded | None:
        """The composite-description note, when there is a describer to fall back on."""
        return super().stand_in() if self.describer is not None else None

    def run(self, args: CaptionIn, ctx: ToolContext) -> CaptionOut:
        if not self.checkpoint:
            if self.describer is None:
                raise not_configured(self.name, self.slot_spec)
            output = call_with_media(self.describer, ctx, args.image)
            return CaptionOut(text=text_of(self.describer, output), model=self.describer.name,
                              degraded=self.stand_in())
        vt = self.load(ctx, "image-to-text", load_vision_text)
        try:
            text = generate_text(vt, load_image(args.image), args.prompt,
                                 max_new_tokens=int(args.max_words * 1.6) + 2)
        except ToolError:
            raise
        except Exception as exc:
            raise self.failed("captioning", exc) from None
        return CaptionOut(text=text, model=str(self.checkpoint))


class QuestionIn(BaseModel):
    """A picture and a question about it."""

    image: ImageArtifact
    question: TextContent = Field(description="the question about the picture")


class AnswerOut(BaseModel):
    """The answer."""

    text: TextContent
    model: str
    degraded: Degraded | None = degraded_field()


class AnswerImageQuestion(ChatWriter, ModelTool[QuestionIn, AnswerOut]):
    """Visual question answering with BLIP-VQA / GIT-VQA; description + chat model otherwise."""

    name = "answer_image_question"
    description = ("Answer a question about a picture: 'how many people are there?', 'what "
                   "colour is the car?'. Uses a VQA model, or offline the composite description "
                   "and the chat model.")
    backend = "transformers"
    slot = "visual_qa"
    version = "2"  # placeholders say so
    placeholder = ("an answer the chat model wrote from the offline composite description, "
                   "not from a visual question-answering model")

    def __init__(self, checkpoint: str | None = None, describer: Tool[Any, Any] | None = None,
                 llm: Any = None) -> None:
        ModelTool.__init__(self, checkpoint)
        self.describer = describer
        self.llm = llm

    def stand_in(self) -> Degraded | None:
        """The composite-answer note, when there is a describer to fall back on."""
        return super().stand_in() if self.describer is not None else None

    def run(self, args: QuestionIn, ctx: ToolContext) -> AnswerOut:
        if not self.checkpoint:
            if self.describer is None or self.chat_model(ctx) is None:
                raise not_configured(self.name, self.slot_spec)
            description = text_of(self.describer, call_with_media(self.describer, ctx, args.image))
            answer = self.ask(ctx, [
                {"role": "system", "content": "You answer questions about a picture from its "
                 "description. If the description does not say, answer that you cannot tell. "
                 + DATA_RULE},
                {"role": "user", "content": "Description of the picture:\n"
                 f"{as_data('description', description)}\n\n"
                 f"Question: {args.question}\nAnswer briefly."}], max_tokens=200)
            return AnswerOut(text=answer, model=f"{self.describer.name}+chat",
                             degraded=self.stand_in())
        vt = self.load(ctx, "vqa", load_vision_text)
        try:
            text = generate_text(vt, load_image(args.image), args.question, max_new_tokens=40)
        except Exception as exc:
            raise ToolError(f"{self.name} ({self.checkpoint}) failed: {first_line(exc)}") from None
        return AnswerOut(text=text, model=str(self.checkpoint))
