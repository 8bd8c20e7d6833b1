"""Tiny randomly initialised models, built in code and saved the way real checkpoints are.

Each builder writes a folder (or a whisper .pt) that the tools then load through the same
`from_pretrained` / `whisper.load_model` path a downloaded checkpoint takes. Outputs are
noise, but every file format, loader and pipeline call is the real one. `TinyModels` builds
each on first use and keeps it for the whole test session.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Any

WORDS = ["a", "the", "of", "cat", "dog", "red", "blue", "photo", "what", "is", "this",
         "butterfly", "music", "piano", "happy", "hello", "world"]


def _seed() -> None:
    import torch

    torch.manual_seed(0)


def clip_tokenizer() -> Any:
    """A CLIP BPE tokenizer over single letters and a few words (no merges needed)."""
    from transformers import CLIPTokenizer

    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    for token in [*"abcdefghijklmnopqrstuvwxyz", *WORDS]:
        vocab.setdefault(token, len(vocab))
        vocab.setdefault(token + "</w>", len(vocab))
    return CLIPTokenizer(vocab=vocab, merges=[], model_max_length=77)


def bert_tokenizer() -> Any:
    """A WordPiece tokenizer with BERT's special tokens and a small word list."""
    from transformers import BertTokenizer

    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *"abcdefghijklmnopqrstuvwxyz",
              *WORDS]
    return BertTokenizer(vocab={t: i for i, t in enumerate(dict.fromkeys(tokens))},
                         model_max_length=64)


def _clip_text_encoder(vocab_size: int) -> Any:
    from transformers import CLIPTextConfig, CLIPTextModel

    return CLIPTextModel(CLIPTextConfig(
        bos_token_id=0, eos_token_id=1, pad_token_id=1, hidden_size=32, intermediate_size=37,
        num_attention_heads=4, num_hidden_layers=2, vocab_size=vocab_size))


def _vae(channels: int = 3) -> Any:
    from diffusers import AutoencoderKL

    return AutoencoderKL(block_out_channels=[4, 8], in_channels=channels, out_channels=channels,
                         down_block_types=["DownEncoderBlock2D"] * 2,
                         up_block_types=["UpDecoderBlock2D"] * 2, latent_channels=4,
                         norm_num_groups=2)


def _unet(in_channels: int = 4) -> Any:
    from diffusers import UNet2DConditionModel

    return UNet2DConditionModel(
        block_out_channels=(4, 8), layers_per_block=1, sample_size=32, in_channels=in_channels,
        out_channels=4, down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"), cross_attention_dim=32,
        norm_num_groups=2)


def build_stable_diffusion(path: Path) -> Path:
    """A StableDiffusionPipeline folder (model_index.json + components)."""
    from diffusers import DDIMScheduler, StableDiffusionPipeline

    _seed()
    tok = clip_tokenizer()
    StableDiffusionPipeline(
        unet=_unet(), vae=_vae(), text_encoder=_clip_text_encoder(len(tok)), tokenizer=tok,
        scheduler=DDIMScheduler(steps_offset=1, clip_sample=False), safety_checker=None,
        feature_extractor=None, requires_safety_checker=False).save_pretrained(path)
    return path


def build_instruct_pix2pix(path: Path) -> Path:
    """A StableDiffusionInstructPix2PixPipeline folder (UNet with 8 input channels)."""
    from diffusers import EulerAncestralDiscreteScheduler, StableDiffusionInstructPix2PixPipeline

    _seed()
    tok = clip_tokenizer()
    StableDiffusionInstructPix2PixPipeline(
        unet=_unet(in_channels=8), vae=_vae(), text_encoder=_clip_text_encoder(len(tok)),
        tokenizer=tok, scheduler=EulerAncestralDiscreteScheduler(), safety_checker=None,
        feature_extractor=None, requires_safety_checker=False).save_pretrained(path)
    return path


def build_text_to_video(path: Path) -> Path:
    """A TextToVideoSDPipeline folder (ModelScope layout, UNet3D)."""
    from diffusers import DDIMScheduler, TextToVideoSDPipeline, UNet3DConditionModel

    _seed()
    tok = clip_tokenizer()
    unet = UNet3DConditionModel(
        block_out_channels=(8, 16), layers_per_block=1, sample_size=32, in_channels=4,
        out_channels=4, down_block_types=("CrossAttnDownBlock3D", "DownBlock3D"),
        up_block_types=("UpBlock3D", "CrossAttnUpBlock3D"), cross_attention_dim=32,
        attention_head_dim=4, norm_num_groups=2)
    TextToVideoSDPipeline(unet=unet, vae=_vae(), text_encoder=_clip_text_encoder(len(tok)),
                          tokenizer=tok, scheduler=DDIMScheduler(steps_offset=1,
                                                                 clip_sample=False)
                          ).save_pretrained(path)
    return path


def build_whisper(path: Path) -> Path:
    """An openai-whisper checkpoint file ({"dims", "model_state_dict"}) for load_model."""
    import torch
    from whisper.model import ModelDimensions, Whisper

    _seed()
    dims = ModelDimensions(n_mels=80, n_audio_ctx=1500, n_audio_state=64, n_audio_head=2,
                           n_audio_layer=2, n_vocab=51865, n_text_ctx=448, n_text_state=64,
                           n_text_head=2, n_text_layer=2)
    model = Whisper(dims)
    # whisper allocates this with torch.empty; fill it so outputs repeat.
    torch.nn.init.normal_(model.decoder.positional_embedding, std=0.02)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"dims": dims.__dict__, "model_state_dict": model.state_dict()}, path)
    return path


def build_bark(path: Path) -> Path:
    """A BarkModel folder with a processor and one voice preset, v2/en_speaker_0."""
    import numpy as np
    from transformers import (
        BarkCoarseConfig,
        BarkConfig,
        BarkFineConfig,
        BarkModel,
        BarkSemanticConfig,
        EncodecConfig,
        GenerationConfig,
    )
    from transformers.models.bark.generation_configuration_bark import BarkGenerationConfig

    _seed()
    small = {"hidden_size": 16, "num_layers": 1, "num_heads": 2, "block_size": 1024}
    # Vocabulary sizes are fixed by Bark's token offsets (text 10_048+, coarse 12_048+).
    config = BarkConfig(
        semantic_config=BarkSemanticConfig(input_vocab_size=129600, output_vocab_size=10048,
                                           **small).to_dict(),
        coarse_acoustics_config=BarkCoarseConfig(input_vocab_size=12096,
                                                 output_vocab_size=12096, **small).to_dict(),
        fine_acoustics_config=BarkFineConfig(input_vocab_size=1056, output_vocab_size=1056,
                                             n_codes_total=8, n_codes_given=1,
                                             **small).to_dict(),
        codec_config=EncodecConfig(num_filters=2, hidden_size=8, codebook_size=1024,
                                   codebook_dim=8, num_residual_layers=1, target_bandwidths=[6.0],
                                   upsampling_ratios=[8, 5, 4, 2], sampling_rate=24000).to_dict())
    model = BarkModel(config)
    # Saving a BarkGenerationConfig itself fails in transformers 5; a plain one holds the dicts.
    model.generation_config = GenerationConfig(**BarkGenerationConfig(
        semantic_config={"max_new_tokens": 12}, coarse_acoustics_config={},
        fine_acoustics_config={}).to_dict())
    model.save_pretrained(path)
    bert_tokenizer().save_pretrained(path)
    rng = np.random.default_rng(0)
    preset = {"semantic_prompt": rng.integers(0, 10000, (20,)),
              "coarse_prompt": rng.integers(0, 1024, (2, 30)),
              "fine_prompt": rng.integers(0, 1024, (8, 30))}
    (path / "speaker_embeddings").mkdir(exist_ok=True)
    entry = {}
    for key, array in preset.items():
        np.save(path / "speaker_embeddings" / f"v2_en_speaker_0_{key}.npy", array)
        entry[key] = f"speaker_embeddings/v2_en_speaker_0_{key}.npy"
    (path / "speaker_embeddings_path.json").write_text(
        json.dumps({"repo_or_path": str(path), "v2/en_speaker_0": entry}))
    return path


def build_musicgen(path: Path) -> Path:
    """A MusicgenForConditionalGeneration folder with a T5 tokenizer and EnCodec (8 kHz)."""
    from transformers import (
        EncodecConfig,
        EncodecFeatureExtractor,
        MusicgenConfig,
        MusicgenDecoderConfig,
        MusicgenForConditionalGeneration,
        MusicgenProcessor,
        T5Config,
        T5Tokenizer,
    )

    _seed()
    vocab = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)]
    vocab += [("▁" + w, -1.0) for w in WORDS] + [(c, -2.0) for c in "abcdefghijklmnopqrstuvwxyz"]
    tok = T5Tokenizer(vocab=vocab, extra_ids=0)
    codec = EncodecConfig(target_bandwidths=[12.0], num_filters=2, hidden_size=8, codebook_size=32,
                          upsampling_ratios=[4, 4], num_residual_layers=1, codebook_dim=8,
                          sampling_rate=8000, audio_channels=1)
    decoder = MusicgenDecoderConfig(vocab_size=32, hidden_size=16, num_hidden_layers=1,
                                    num_attention_heads=2, ffn_dim=32,
                                    num_codebooks=codec.num_quantizers,
                                    max_position_embeddings=512, pad_token_id=32, bos_token_id=32)
    text = T5Config(vocab_size=len(tok), d_model=16, d_ff=32, num_layers=1, num_heads=2, d_kv=8)
    model = MusicgenForConditionalGeneration(MusicgenConfig(
        text_encoder=text.to_dict(), audio_encoder=codec.to_dict(), decoder=decoder.to_dict()))
    model.generation_config.decoder_start_token_id = 32
    model.generation_config.pad_token_id = 32
    model.save_pretrained(path)
    MusicgenProcessor(feature_extractor=EncodecFeatureExtractor(feature_size=1,
                                                                sampling_rate=8000),
                      tokenizer=tok).save_pretrained(path)
    return path


def build_audioldm(path: Path) -> Path:
    """An AudioLDMPipeline folder (diffusers text-to-audio: CLAP text encoder, HiFi-GAN)."""
    from diffusers import AudioLDMPipeline, DDIMScheduler
    from transformers import (
        ClapTextConfig,
        ClapTextModelWithProjection,
        RobertaTokenizer,
        SpeechT5HifiGan,
        SpeechT5HifiGanConfig,
    )

    _seed()
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for c in "abcdefghijklmnopqrstuvwxyz":
        vocab[c] = len(vocab)
        vocab["Ġ" + c] = len(vocab)
    tok = RobertaTokenizer(vocab=vocab, merges=[], model_max_length=77)
    unet = _unet_audio()
    vae = _vae(channels=1)
    text = ClapTextModelWithProjection(ClapTextConfig(
        bos_token_id=0, eos_token_id=2, pad_token_id=1, hidden_size=16, intermediate_size=37,
        num_attention_heads=2, num_hidden_layers=1, vocab_size=len(vocab), projection_dim=8))
    vocoder = SpeechT5HifiGan(SpeechT5HifiGanConfig(
        # 160 samples per spectrogram frame, as the real vocoder: keeps the latent small.
        model_in_dim=8, sampling_rate=16000, upsample_initial_channel=16,
        upsample_rates=[8, 5, 4], upsample_kernel_sizes=[16, 10, 8], resblock_kernel_sizes=[3, 7],
        resblock_dilation_sizes=[[1, 3, 5], [1, 3, 5]], normalize_before=False))
    AudioLDMPipeline(vae=vae, text_encoder=text, tokenizer=tok, unet=unet, vocoder=vocoder,
                     scheduler=DDIMScheduler(steps_offset=1, clip_sample=False)
                     ).save_pretrained(path)
    return path


def _unet_audio() -> Any:
    from diffusers import UNet2DConditionModel

    # AudioLDM conditions on the CLAP embedding as a class embedding, not cross-attention.
    return UNet2DConditionModel(
        block_out_channels=(8, 16), layers_per_block=1, sample_size=32, in_channels=4,
        out_channels=4, down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"), cross_attention_dim=(8, 16),
        class_embed_type="simple_projection", projection_class_embeddings_input_dim=8,
        class_embeddings_concat=True, norm_num_groups=2)


def _blip_config() -> Any:
    from transformers import BlipConfig, BlipTextConfig, BlipVisionConfig

    text = BlipTextConfig(vocab_size=len(bert_tokenizer()), hidden_size=16, intermediate_size=32,
                          num_hidden_layers=1, num_attention_heads=2, encoder_hidden_size=16,
                          max_position_embeddings=512, bos_token_id=2, sep_token_id=3,
                          pad_token_id=0)
    vision = BlipVisionConfig(hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                              num_attention_heads=2, image_size=32, patch_size=8)
    return BlipConfig(text_config=text.to_dict(), vision_config=vision.to_dict(),
                      projection_dim=16)


def _blip_processor() -> Any:
    from transformers import BlipImageProcessor, BlipProcessor

    return BlipProcessor(image_processor=BlipImageProcessor(size={"height": 32, "width": 32}),
                         tokenizer=bert_tokenizer())


def build_blip_captioner(path: Path) -> Path:
    """A BlipForConditionalGeneration folder (Salesforce/blip-image-captioning layout)."""
    from transformers import BlipForConditionalGeneration

    _seed()
    BlipForConditionalGeneration(_blip_config()).save_pretrained(path)
    _blip_processor().save_pretrained(path)
    return path


def build_blip_vqa(path: Path) -> Path:
    """A BlipForQuestionAnswering folder (Salesforce/blip-vqa layout)."""
    from transformers import BlipForQuestionAnswering

    _seed()
    BlipForQuestionAnswering(_blip_config()).save_pretrained(path)
    _blip_processor().save_pretrained(path)
    return path


def build_git(path: Path) -> Path:
    """A GitForCausalLM folder (microsoft/git-base layout), for captions and GIT-style VQA."""
    from transformers import (
        CLIPImageProcessor,
        GitConfig,
        GitForCausalLM,
        GitProcessor,
        GitVisionConfig,
    )

    _seed()
    tok = bert_tokenizer()
    vision = GitVisionConfig(hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                             num_attention_heads=2, image_size=32, patch_size=8)
    GitForCausalLM(GitConfig(vision_config=vision.to_dict(), vocab_size=len(tok),
                             hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                             intermediate_size=32, max_position_embeddings=512, bos_token_id=2,
                             eos_token_id=3, pad_token_id=0)).save_pretrained(path)
    GitProcessor(image_processor=CLIPImageProcessor(size={"shortest_edge": 32},
                                                    crop_size={"height": 32, "width": 32}),
                 tokenizer=tok).save_pretrained(path)
    return path


class TinyModels:
    """Every tiny checkpoint, built on first use under one folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _build(self, name: str, builder: Any) -> Path:
        import logging

        logging.getLogger("transformers").setLevel(logging.ERROR)
        path = self.root / name
        if not path.exists():
            builder(path)
        return path

    @cached_property
    def stable_diffusion(self) -> Path:
        """Tiny StableDiffusionPipeline."""
        return self._build("sd", build_stable_diffusion)

    @cached_property
    def instruct_pix2pix(self) -> Path:
        """Tiny InstructPix2Pix pipeline."""
        return self._build("pix2pix", build_instruct_pix2pix)

    @cached_property
    def text_to_video(self) -> Path:
        """Tiny ModelScope-style text-to-video pipeline."""
        return self._build("t2v", build_text_to_video)

    @cached_property
    def whisper(self) -> Path:
        """Tiny openai-whisper .pt."""
        return self._build("whisper/tiny-random.pt", build_whisper)

    @cached_property
    def bark(self) -> Path:
        """Tiny Bark."""
        return self._build("bark", build_bark)

    @cached_property
    def musicgen(self) -> Path:
        """Tiny MusicGen."""
        return self._build("musicgen", build_musicgen)

    @cached_property
    def audioldm(self) -> Path:
        """Tiny AudioLDM (diffusers text-to-audio)."""
        return self._build("audioldm", build_audioldm)

    @cached_property
    def blip_captioner(self) -> Path:
        """Tiny BLIP captioner."""
        return self._build("blip-caption", build_blip_captioner)

    @cached_property
    def blip_vqa(self) -> Path:
        """Tiny BLIP VQA."""
        return self._build("blip-vqa", build_blip_vqa)

    @cached_property
    def git(self) -> Path:
        """Tiny GIT."""
        return self._build("git", build_git)


def build_tiny_llama(path: Path, texts: list[str]) -> Path:
    """A 2-layer Llama and a byte-level BPE tokenizer trained here, saved as a checkpoint."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    torch.manual_seed(0)
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(texts, trainers.BpeTrainer(
        vocab_size=600, special_tokens=["<|endoftext|>", "<|im_end|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|endoftext|>",
                                        pad_token="<|endoftext|>")
    config = LlamaConfig(vocab_size=tok.get_vocab_size(), hidden_size=64, intermediate_size=128,
                         num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                         max_position_embeddings=4096, eos_token_id=0, pad_token_id=0)
    LlamaForCausalLM(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path
