"""The bf16 probe tells a step that runs from one that crashes or hangs, and leaves a user's choice alone."""
import os
from pathlib import Path

import pytest

from hyvideo import cpu_isa


def test_probe_passes_where_the_step_runs_and_sees_the_package(monkeypatch: pytest.MonkeyPatch):
    # The real probe is a bf16 VAE step, ~2 s with AVX512-BF16 but minutes where oneDNN emulates bf16; the child's
    # import of this package is what the real probe needs from the wiring.
    monkeypatch.setattr(cpu_isa, "_PROBE", "import torch; from hyvideo.config import small_config; small_config()")
    assert cpu_isa.probe_bf16_step()


@pytest.mark.parametrize("body", ["import os; os.abort()", "while True: pass"])
def test_probe_fails_on_a_crash_or_a_hang(monkeypatch: pytest.MonkeyPatch, body: str):
    monkeypatch.setattr(cpu_isa, "_PROBE", body)
    assert not cpu_isa.probe_bf16_step(timeout_s=3)


def test_amx_is_read_from_the_cpu_flags(tmp_path: Path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("flags\t\t: fpu avx2 avx512f avx512_bf16 amx_bf16 amx_tile amx_int8\n")
    assert cpu_isa.cpu_advertises_amx(cpuinfo)
    cpuinfo.write_text("flags\t\t: fpu avx2 avx512f avx512_bf16\n")
    assert not cpu_isa.cpu_advertises_amx(cpuinfo)
    assert not cpu_isa.cpu_advertises_amx(tmp_path / "missing")


def test_failed_probe_caps_the_isa_and_a_set_isa_is_kept(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(cpu_isa, "cpu_advertises_amx", lambda: True)
    monkeypatch.setattr(cpu_isa, "_PROBE", "import os; os.abort()")
    monkeypatch.delenv("ONEDNN_MAX_CPU_ISA", raising=False)
    assert cpu_isa.ensure_usable_bf16_isa() == cpu_isa.FALLBACK_ISA
    assert os.environ["ONEDNN_MAX_CPU_ISA"] == cpu_isa.FALLBACK_ISA

    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "AVX512_CORE_AMX")  # the user's choice: not probed, not changed
    monkeypatch.setattr(cpu_isa, "probe_bf16_step", lambda *a, **k: pytest.fail("probed despite a set ISA"))
    assert cpu_isa.ensure_usable_bf16_isa() is None
    assert os.environ["ONEDNN_MAX_CPU_ISA"] == "AVX512_CORE_AMX"


def test_working_probe_changes_nothing(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(cpu_isa, "cpu_advertises_amx", lambda: True)
    monkeypatch.setattr(cpu_isa, "_PROBE", "pass")
    monkeypatch.delenv("ONEDNN_MAX_CPU_ISA", raising=False)
    assert cpu_isa.ensure_usable_bf16_isa() is None
    assert "ONEDNN_MAX_CPU_ISA" not in os.environ
