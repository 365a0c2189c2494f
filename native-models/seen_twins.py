"""Write the held-out prompts' seen twins: per held-out prompt the same motion, camera and background with a
(colour, shape) that a training run's videos did show under that motion and camera (hyvideo.world.heldout.seen_twins).

Scored next to the held-out prompts, the twins tell a failure of composition (the unseen combination fails, its seen
twin does not) from one of drawing that motion under that camera at all (both fail). The run's clips are drawn again
from its config (no rendering): pass the run's --videos, --seed and --motion-weights.

With --unseen it writes the validation twins instead (hyvideo.world.heldout.unseen_twins): per held-out prompt the
same motion, camera and background with a (colour, shape) that the run never showed under them and that is no
held-out combination: prompts as hard as the held-out ones, on which a sampler setting (the pack's guidance) can be
chosen without looking at the held-out figures.

Usage: node build/scripts/python.mjs run native-models/seen_twins.py [--videos 7000] [--seed 1234] [--unseen] --out F
then   npx tsx tests/eval/heldout-frames.ts --prompts F --packs P --seeds 4 --out D
and    node build/scripts/python.mjs run native-models/evaluate_model.py --prompts F --frames-dir D --seeds 4"""
from __future__ import annotations

import argparse
from pathlib import Path

from hyvideo.world.dataset import dataset_specs
from hyvideo.world.heldout import is_heldout, seen_twins, unseen_twins, write_heldout_json
from train import parse_motion_weights


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--videos", type=int, default=7000, help="the run's --videos")
    p.add_argument("--seed", type=int, default=1234, help="the run's --seed")
    p.add_argument("--motion-weights", type=parse_motion_weights, default=None, help="the run's --motion-weights")
    p.add_argument("--unseen", action="store_true", help="write the validation twins (combinations the run never saw)")
    p.add_argument("--out", type=Path, required=True)
    a = p.parse_args()
    # The draws train.py's data stage makes for its videos (stage_data): same count, seed, exclusion and weights.
    training = dataset_specs(a.videos, a.seed, 0.0, is_heldout, a.motion_weights)
    twins = unseen_twins(training) if a.unseen else seen_twins(training)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    what = ("Validation twins of heldout.json for a run of {} videos, seed {}: written by native-models/seen_twins.py "
            "--unseen; no combination here is in that run's training videos or in heldout.json." if a.unseen else
            "Seen twins of heldout.json for a run of {} videos, seed {}: written by native-models/seen_twins.py; every "
            "combination here is in that run's training videos.")
    write_heldout_json(a.out, twins, comment=what.format(a.videos, a.seed))
    for t in twins:
        print(f"{t.id} {t.colour} {t.shape} {t.motion} / {t.camera} / {t.background}")
    print(a.out)


if __name__ == "__main__":
    main()
