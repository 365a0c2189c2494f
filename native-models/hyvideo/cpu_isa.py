"""Keep oneDNN off AMX where a virtual machine advertises AMX but does not run it.

Seen on a 2-core KVM guest (Intel Xeon, 2026-12-02): CPUID lists amx_tile/amx_bf16, and oneDNN's AMX kernels then
crash the bf16 VAE training step with a segmentation fault (the kernel logs a general protection fault in
libtorch_cpu) or spin forever; with oneDNN capped at AVX512-BF16 the same step runs. So, before the first bf16
kernel, one such step runs in a child process; if it fails, this process caps oneDNN's ISA. oneDNN reads
ONEDNN_MAX_CPU_ISA when it first dispatches, so setting it after `import torch` still takes effect."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

FALLBACK_ISA = "AVX512_CORE_BF16"
PROBE_TIMEOUT_S = 60
# One bf16 encode/decode/backward of the small VAE on still images: the smallest case that crashed there.
_PROBE = """
import torch
from hyvideo.config import small_config
from hyvideo.modules.vae import AutoencoderKLCausal3D
torch.set_num_threads(1)
torch.manual_seed(0)
vae = AutoencoderKLCausal3D(small_config().vae)
x = torch.randn(8, 3, 1, 64, 64)
with torch.autocast("cpu", dtype=torch.bfloat16):
    mean, _ = vae.encode(x)
    recon = vae.decode(mean.float()).float()
(recon - x).abs().mean().backward()
"""


def cpu_advertises_amx(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    try:
        return " amx_tile" in cpuinfo.read_text()
    except OSError:
        return False  # not Linux: nothing known to fix there


def probe_bf16_step(timeout_s: float = PROBE_TIMEOUT_S, env: dict[str, str] | None = None) -> bool:
    """True if a bf16 training step runs to the end in a child process (no crash, no hang)."""
    package_root = str(Path(__file__).resolve().parent.parent)
    child_env = dict(os.environ if env is None else env)
    child_env["PYTHONPATH"] = package_root + os.pathsep + child_env.get("PYTHONPATH", "")
    try:
        done = subprocess.run([sys.executable, "-c", _PROBE], env=child_env, capture_output=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return False
    return done.returncode == 0


def ensure_usable_bf16_isa() -> str | None:
    """Cap oneDNN at AVX512-BF16 if this CPU advertises AMX and a bf16 step fails on it. Returns the ISA set, or
    None when nothing was changed (no AMX, the user chose an ISA, or AMX works)."""
    if "ONEDNN_MAX_CPU_ISA" in os.environ or not cpu_advertises_amx():
        return None
    if probe_bf16_step():
        return None
    os.environ["ONEDNN_MAX_CPU_ISA"] = FALLBACK_ISA
    print(f"[cpu] bf16 kernels on AMX failed on this machine (a VM that advertises AMX without running it); "
          f"oneDNN capped at {FALLBACK_ISA}", flush=True)
    return FALLBACK_ISA
