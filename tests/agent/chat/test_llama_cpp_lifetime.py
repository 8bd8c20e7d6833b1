"""A llama.cpp model's lifetime and log: closed on request and before the interpreter
tears its modules down, and quiet about fallbacks that work."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap

import pytest

from modalswitch.agent.chat.llama_log import level_of


def test_harmless_error_lines_are_debug_and_real_errors_stay_errors() -> None:
    fallback = "llama_adapter_lora_init_impl: lora for 'blk.9.attn_q.weight' cannot use buft " \
               "'CPU_REPACK', fallback to CPU"
    assert level_of(3, fallback) == logging.DEBUG
    assert level_of(5, "more of it") == logging.DEBUG  # a continuation keeps its line's level
    assert level_of(3, "llama_model_load: error loading model: tensor data is truncated") \
        == logging.ERROR
    assert level_of(5, " (file is corrupt)") == logging.ERROR
    assert level_of(2, "load: special_eos_id is not in special_eog_ids") == logging.DEBUG
    assert level_of(1, "print_info: n_ctx_train = 32768") == logging.DEBUG


def _env(tmp_path) -> dict[str, str]:
    return {"MODALSWITCH_HOME": str(tmp_path / "home"), "PATH": os.environ.get("PATH", ""),
            "HOME": str(tmp_path)}


@pytest.mark.real
@pytest.mark.llm
def test_plan_on_the_default_planner_writes_nothing_to_stderr(tmp_path) -> None:
    """The first plan loads the 1.5B with the shipped adapter on repacked weights: llama.cpp
    used to print 98 'cannot use buft' error lines before the plan."""
    done = subprocess.run([sys.executable, "-m", "modalswitch", "plan",
                           "draw a red fox in the snow"], capture_output=True, text=True,
                          timeout=600, env=_env(tmp_path), cwd=tmp_path, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert "generate_image" in done.stdout
    assert done.stderr == ""


_EXIT_CHECK = textwrap.dedent("""
    import atexit

    def check():  # registered first, so it runs after every hook registered later
        print("closed" if chat._llm is None else "still loaded")

    atexit.register(check)

    from modalswitch.agent.chat.llama_cpp import LlamaCppChat
    from modalswitch.tools.contract.chat import Message
    from modalswitch.tools.runtime.weights import QWEN_CODER_0_5B, assemble

    chat = LlamaCppChat.shared(assemble(QWEN_CODER_0_5B))
    chat.chat([Message(role="user", content="Say ok.")], max_tokens=3)
""")


@pytest.mark.real
@pytest.mark.llm
def test_loaded_models_are_closed_at_exit_while_llama_cpp_still_works(tmp_path) -> None:
    """Left to llama-cpp-python's Llama.__del__, a model still loaded at shutdown is freed
    after llama_cpp's module globals are cleared ("TypeError: 'NoneType' object is not
    callable", printed at the end of a test run)."""
    done = subprocess.run([sys.executable, "-c", _EXIT_CHECK], capture_output=True, text=True,
                          timeout=300, env=_env(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("closed"), done.stdout + done.stderr
    assert done.stderr == ""


@pytest.mark.real
@pytest.mark.llm
def test_close_frees_the_model_and_the_next_call_loads_it_again(tmp_path, monkeypatch) -> None:
    from modalswitch.agent.chat.llama_cpp import _LOADED, LlamaCppChat
    from modalswitch.tools.contract.chat import Message
    from modalswitch.tools.runtime.weights import QWEN_CODER_0_5B, assemble

    monkeypatch.setenv("MODALSWITCH_HOME", str(tmp_path / "home"))
    chat = LlamaCppChat(assemble(QWEN_CODER_0_5B))
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    ask = [Message(role="user", content="How many legs has a cat? JSON.")]
    first = chat.chat(ask, json_schema=schema, max_tokens=12).text
    assert chat in _LOADED and chat._grammars
    chat.close()
    assert chat._llm is None and not chat._grammars and chat not in _LOADED
    chat.close()  # twice is harmless
    assert chat.chat(ask, json_schema=schema, max_tokens=12).text == first
    assert chat in _LOADED
    chat.close()
