"""Tiny, randomly initialised transformers checkpoints built offline, for tests and `isac demo`.

Each builder writes a complete checkpoint folder (config, weights, tokenizer, processor, generation
config, chat template) with `save_pretrained`, so `hf:<folder>` loads it exactly like a real hub
checkpoint. Weights are random but seeded: the same seed gives the same folder. Nothing is downloaded.

The models answer gibberish; they exist to exercise the real processor, chat template, batching and
`generate` code paths quickly on a CPU.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

# A few hundred words of plain English is enough for a byte-level BPE to learn useful merges; the
# tokenizer only needs to round-trip instructions, not to be good.
_CORPUS_TEXT = (
    "the transcription translation audio caption is emotion speaker gender male female happy sad angry "
    "neutral please listen to this clip and answer with one word only write what you hear in english "
    "chinese json format key value separator output response describe sound recognise speech text "
    "upper lower case prefix suffix wrap tag answer only a an of in on for with by from as at"
)

# Qwen chat markers and the Qwen2-Audio placeholders; the placeholders must never be generated.
QWEN_CHAT_TOKENS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")
QWEN2_AUDIO_PLACEHOLDERS = ("<|AUDIO|>", "<|audio_bos|>", "<|audio_eos|>")

# The tiny encoder's receptive field: max_source_positions positions consume 2x as many mel frames.
# 50 positions = 100 frames = 1 s at a 10 ms hop, so the feature extractor's chunk is 1 s.
TINY_MAX_SOURCE_POSITIONS = 50
TINY_CHUNK_SECONDS = 1

# Chat template of the tiny Qwen2-Audio checkpoint, following the Qwen2-Audio-Instruct conventions: a
# default system turn, audio items announced as "Audio N:" and wrapped in bos/eos markers, ChatML turns.
QWEN2_AUDIO_CHAT_TEMPLATE = (
    "{% set audio_count = namespace(value=0) %}"
    "{% for message in messages %}"
    "{% if loop.first and message['role'] != 'system' %}"
    "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
    "{% endif %}"
    "<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}"
    "{{ message['content'] }}<|im_end|>\n"
    "{% else %}"
    "{% for part in message['content'] %}"
    "{% if part['type'] == 'audio' %}"
    "{% set audio_count.value = audio_count.value + 1 %}"
    "Audio {{ audio_count.value }}: <|audio_bos|><|AUDIO|><|audio_eos|>\n"
    "{% elif part['type'] == 'text' %}"
    "{{ part['text'] }}"
    "{% endif %}"
    "{% endfor %}"
    "<|im_end|>\n"
    "{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def _corpus_lines(count: int = 400) -> Iterator[str]:
    """Deterministic pseudo-sentences cycling through the word list with varied strides."""
    words = _CORPUS_TEXT.split()
    for index in range(count):
        stride = 1 + index % 7
        start = (index * 13) % len(words)
        length = 4 + index % 9
        yield " ".join(words[(start + k * stride) % len(words)] for k in range(length)) + "."


def build_qwen_bpe_tokenizer(
    special_tokens: tuple[str, ...], named_tokens: dict[str, str] | None = None, vocab_size: int = 400
):
    """A byte-level BPE trained on a built-in corpus, wrapped in transformers' Qwen2Tokenizer.

    `special_tokens` are added as special added tokens after the learned vocabulary; `named_tokens`
    (e.g. {"audio_token": "<|AUDIO|>"}) become tokenizer attributes, as processors expect.
    """
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import AddedToken, Qwen2Tokenizer

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        special_tokens=["<|endoftext|>"],
        show_progress=False,
    )
    bpe.train_from_iterator(_corpus_lines(), trainer=trainer)
    model_state = _bpe_state(bpe)
    vocab: dict[str, int] = model_state["vocab"]
    merges = [
        tuple(merge) if isinstance(merge, list) else tuple(merge.split(" "))
        for merge in model_state["merges"]
    ]
    tokenizer = Qwen2Tokenizer(vocab=vocab, merges=merges, **(named_tokens or {}))
    tokenizer.add_special_tokens(
        {"additional_special_tokens": [AddedToken(token, special=True) for token in special_tokens]}
    )
    return tokenizer


def _bpe_state(bpe) -> dict:
    """The trained BPE model's vocab and merges, read from its JSON serialisation."""
    import json

    return json.loads(bpe.to_str())["model"]


def build_tiny_qwen2_audio(out_dir: Path, seed: int = 0) -> Path:
    """Write a tiny random Qwen2-Audio checkpoint (processor, tokenizer, weights) to `out_dir`.

    The audio encoder reads 1 s of 16 kHz audio (longer clips are truncated, shorter ones padded),
    so a forward pass takes milliseconds on a CPU. Returns `out_dir`.
    """
    from transformers import (
        GenerationConfig,
        Qwen2AudioConfig,
        Qwen2AudioForConditionalGeneration,
        Qwen2AudioProcessor,
        WhisperFeatureExtractor,
    )

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tokenizer = build_qwen_bpe_tokenizer(QWEN_CHAT_TOKENS[1:] + QWEN2_AUDIO_PLACEHOLDERS)
    tokenizer.chat_template = QWEN2_AUDIO_CHAT_TEMPLATE
    feature_extractor = WhisperFeatureExtractor(
        feature_size=128, sampling_rate=16000, hop_length=160, chunk_length=TINY_CHUNK_SECONDS
    )
    processor = Qwen2AudioProcessor(
        feature_extractor=feature_extractor, tokenizer=tokenizer, chat_template=QWEN2_AUDIO_CHAT_TEMPLATE
    )

    ids = {
        token: tokenizer.convert_tokens_to_ids(token) for token in QWEN_CHAT_TOKENS + QWEN2_AUDIO_PLACEHOLDERS
    }
    config = Qwen2AudioConfig(
        audio_config={
            "d_model": 32,
            "encoder_layers": 1,
            "encoder_attention_heads": 2,
            "encoder_ffn_dim": 64,
            "num_mel_bins": 128,
            "max_source_positions": TINY_MAX_SOURCE_POSITIONS,
            "initializer_range": 0.3,
        },
        text_config={
            "model_type": "qwen2",
            "vocab_size": len(tokenizer),
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
            "max_position_embeddings": 512,
            "tie_word_embeddings": False,
            "initializer_range": 0.3,
            "bos_token_id": ids["<|endoftext|>"],
            "eos_token_id": ids["<|im_end|>"],
            "pad_token_id": ids["<|endoftext|>"],
        },
        audio_token_index=ids["<|AUDIO|>"],
    )
    # A random model may otherwise emit an audio placeholder, which `generate` then rejects.
    suppressed = [ids[token] for token in QWEN2_AUDIO_PLACEHOLDERS]
    generation = GenerationConfig(
        bos_token_id=ids["<|endoftext|>"],
        eos_token_id=ids["<|im_end|>"],
        pad_token_id=ids["<|endoftext|>"],
        do_sample=False,
        suppress_tokens=suppressed,
    )
    return _save_random_model(
        Qwen2AudioForConditionalGeneration, config, generation, processor, out_dir, seed
    )


# Qwen2.5-Omni: the same ChatML turns, audio markers inline without an "Audio N:" label.
QWEN2_5_OMNI_NAMED_TOKENS = {
    "audio_token": "<|AUDIO|>",
    "audio_bos_token": "<|audio_bos|>",
    "audio_eos_token": "<|audio_eos|>",
    "image_token": "<|IMAGE|>",
    "video_token": "<|VIDEO|>",
    "vision_bos_token": "<|vision_bos|>",
    "vision_eos_token": "<|vision_eos|>",
}
QWEN2_5_OMNI_CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}"
    "{% else %}{% for part in message['content'] %}"
    "{% if part['type'] == 'audio' %}<|audio_bos|><|AUDIO|><|audio_eos|>"
    "{% elif part['type'] == 'text' %}{{ part['text'] }}{% endif %}"
    "{% endfor %}{% endif %}"
    "<|im_end|>\n"
    "{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)

# Phi-4-multimodal: <|system|>/<|user|>/<|assistant|> turns closed by <|end|>, one <|audio|> per clip.
PHI4_CHAT_TOKENS = ("<|system|>", "<|user|>", "<|assistant|>", "<|end|>")
PHI4_NAMED_TOKENS = {"audio_token": "<|audio|>", "image_token": "<|image|>"}
PHI4_CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "<|{{ message['role'] }}|>"
    "{% if message['content'] is string %}{{ message['content'] }}"
    "{% else %}{% for part in message['content'] %}"
    "{% if part['type'] == 'audio' %}<|audio|>"
    "{% elif part['type'] == 'text' %}{{ part['text'] }}{% endif %}"
    "{% endfor %}{% endif %}"
    "<|end|>"
    "{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)


def torchvision_available() -> bool:
    """Whether torchvision imports here; the Qwen2.5-Omni and Phi-4 processors need it."""
    try:
        import torchvision  # noqa: F401
    except (ImportError, RuntimeError, OSError):  # a torch/torchvision mismatch fails at import time
        return False
    return True


def _token_ids(tokenizer, tokens) -> dict[str, int]:
    return {token: tokenizer.convert_tokens_to_ids(token) for token in tokens}


def build_tiny_qwen2_5_omni(out_dir: Path, seed: int = 0) -> Path:
    """Write a tiny random Qwen2.5-Omni checkpoint (thinker only, audio output disabled) to `out_dir`.

    Needs torchvision: the Omni processor bundles image and video processors. Returns `out_dir`.
    """
    from transformers import (
        GenerationConfig,
        Qwen2_5OmniConfig,
        Qwen2_5OmniForConditionalGeneration,
        Qwen2_5OmniProcessor,
        Qwen2VLImageProcessor,
        Qwen2VLVideoProcessor,
        WhisperFeatureExtractor,
    )

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    named = QWEN2_5_OMNI_NAMED_TOKENS
    tokenizer = build_qwen_bpe_tokenizer(QWEN_CHAT_TOKENS[1:] + tuple(named.values()), named)
    tokenizer.chat_template = QWEN2_5_OMNI_CHAT_TEMPLATE
    # Two-second chunks keep the mel features short; the encoder attends in windows of 2 x n_window frames.
    feature_extractor = WhisperFeatureExtractor(
        feature_size=128, sampling_rate=16000, hop_length=160, chunk_length=2
    )
    processor = Qwen2_5OmniProcessor(
        image_processor=Qwen2VLImageProcessor(),
        video_processor=Qwen2VLVideoProcessor(),
        feature_extractor=feature_extractor,
        tokenizer=tokenizer,
        chat_template=QWEN2_5_OMNI_CHAT_TEMPLATE,
    )
    ids = _token_ids(tokenizer, QWEN_CHAT_TOKENS + tuple(named.values()))
    thinker = {
        "audio_config": {
            "d_model": 32,
            "encoder_layers": 1,
            "encoder_attention_heads": 2,
            "encoder_ffn_dim": 64,
            "num_mel_bins": 128,
            "max_source_positions": 100,
            "n_window": 50,
            "output_dim": 32,
            "initializer_range": 0.3,
        },
        "vision_config": {
            "depth": 1,
            "hidden_size": 16,
            "intermediate_size": 32,
            "num_heads": 2,
            "out_hidden_size": 32,
            "fullatt_block_indexes": [0],
        },
        "text_config": {
            "vocab_size": len(tokenizer),
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
            "max_position_embeddings": 1024,
            # Multimodal rotary sections (time, height, width) must sum to half the head size (8 / 2).
            "rope_scaling": {"rope_type": "default", "type": "default", "mrope_section": [2, 1, 1]},
            "initializer_range": 0.3,
        },
        "audio_token_index": ids["<|AUDIO|>"],
        "image_token_index": ids["<|IMAGE|>"],
        "video_token_index": ids["<|VIDEO|>"],
        "audio_start_token_id": ids["<|audio_bos|>"],
        "audio_end_token_id": ids["<|audio_eos|>"],
        "vision_start_token_id": ids["<|vision_bos|>"],
        "vision_end_token_id": ids["<|vision_eos|>"],
        "initializer_range": 0.3,
    }
    config = Qwen2_5OmniConfig(thinker_config=thinker, enable_audio_output=False)
    generation = GenerationConfig(
        eos_token_id=ids["<|im_end|>"],
        pad_token_id=ids["<|endoftext|>"],
        do_sample=False,
        suppress_tokens=[ids[token] for token in named.values()],
    )
    return _save_random_model(
        Qwen2_5OmniForConditionalGeneration, config, generation, processor, out_dir, seed
    )


def build_tiny_phi4_multimodal(out_dir: Path, seed: int = 0) -> Path:
    """Write a tiny random Phi-4-multimodal checkpoint (native `phi4_multimodal` format) to `out_dir`.

    Needs torchvision: the Phi-4 processor bundles an image processor. Returns `out_dir`.
    """
    from transformers import (
        GenerationConfig,
        Phi4MultimodalConfig,
        Phi4MultimodalFeatureExtractor,
        Phi4MultimodalForCausalLM,
        Phi4MultimodalImageProcessor,
        Phi4MultimodalProcessor,
    )

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    named = PHI4_NAMED_TOKENS
    tokenizer = build_qwen_bpe_tokenizer(PHI4_CHAT_TOKENS + tuple(named.values()), named)
    tokenizer.chat_template = PHI4_CHAT_TEMPLATE
    processor = Phi4MultimodalProcessor(
        image_processor=Phi4MultimodalImageProcessor(),
        audio_processor=Phi4MultimodalFeatureExtractor(),
        tokenizer=tokenizer,
        chat_template=PHI4_CHAT_TEMPLATE,
    )
    ids = _token_ids(tokenizer, ("<|endoftext|>", *PHI4_CHAT_TOKENS, *named.values()))
    config = Phi4MultimodalConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=1024,
        original_max_position_embeddings=1024,
        initializer_range=0.3,
        bos_token_id=ids["<|endoftext|>"],
        eos_token_id=ids["<|end|>"],
        pad_token_id=ids["<|endoftext|>"],
        vision_config={
            "hidden_size": 16,
            "intermediate_size": 32,
            "num_hidden_layers": 1,
            "num_attention_heads": 2,
            "image_token_id": ids["<|image|>"],
        },
        audio_config={
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_blocks": 1,
            "num_attention_heads": 2,
            "ext_pw_out_channel": 32,
            "depthwise_separable_out_channel": 32,
            "nemo_conv_channels": 32,
            "audio_token_id": ids["<|audio|>"],
            "initializer_range": 0.3,
        },
    )
    generation = GenerationConfig(
        eos_token_id=ids["<|end|>"],
        pad_token_id=ids["<|endoftext|>"],
        do_sample=False,
        suppress_tokens=[ids[token] for token in named.values()],
    )
    return _save_random_model(Phi4MultimodalForCausalLM, config, generation, processor, out_dir, seed)


def _save_random_model(
    model_class: Any, config: Any, generation: Any, processor: Any, out_dir: Path, seed: int
) -> Path:
    """Initialise `model_class(config)` from `seed`, attach greedy generation settings, save it all."""
    import torch

    torch.manual_seed(seed)
    model = model_class(config).eval()
    model.generation_config = generation
    model.save_pretrained(out_dir)
    processor.save_pretrained(out_dir)
    return out_dir
