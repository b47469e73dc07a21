"""StarGAN on held-out faces: does one generator reach every domain, come back, and keep the face?

Held-out faces (seeds from facepairs.HELD_OUT_FIRST_SEED + 500, never trained on) in every domain, each translated
to every other domain by the committed generator. ``domain_accuracy``: the share the separately trained domain
judge (models/stargan/judge.py) puts in the requested domain (goal ≥ 0.9); ``reconstruction_l1``: mean
|G(G(x, c), c_x) − x| on the [0, 1] scale; ``identity_agreement``: how well the XDoG line drawings of input and
output agree (models/quality.line_agreement), against ``other_face_agreement``, the same for an output made from
another face. --json ends with one JSON line of these (and per-domain accuracies).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.imaging import quality  # noqa: E402
from models.faces import data as facepairs  # noqa: E402
from models.faces.infer import load_faces  # noqa: E402
from models.stargan import data as stardata  # noqa: E402
from models.stargan import infer as star_infer  # noqa: E402
from models.stargan import judge as domain_judge  # noqa: E402

FIRST = facepairs.HELD_OUT_FIRST_SEED + 500


def measure(faces_per_domain: int = 24) -> dict:
    g, _ = star_infer.stargan()
    k = len(stardata.DOMAINS)
    faces = facepairs.faces(load_faces(), list(range(FIRST, FIRST + faces_per_domain)))
    hits, per_target, rec, same, other = [], {d: [] for d in stardata.DOMAINS}, [], [], []
    for source in range(k):
        x = stardata.render(faces, stardata.DOMAINS[source])
        for target in range(k):
            if target == source:
                continue
            out = star_infer.to_domains(g, x, [target] * len(x))
            ok = domain_judge.domains_of(out) == target
            hits += ok.tolist()
            per_target[stardata.DOMAINS[target]] += ok.tolist()
            back = star_infer.to_domains(g, out, [source] * len(x))
            rec.append(np.abs(back.astype(float) - x.astype(float)).mean() / 255)
            same += [quality.line_agreement(a, b) for a, b in zip(x, out)]
            other += [quality.line_agreement(a, b) for a, b in zip(x, np.roll(out, 1, axis=0))]
    return {"domain_accuracy": round(float(np.mean(hits)), 4),
            "reconstruction_l1": round(float(np.mean(rec)), 4),
            "identity_agreement": round(float(np.mean(same)), 4),
            "other_face_agreement": round(float(np.mean(other)), 4),
            "accuracy_by_target": {d: round(float(np.mean(v)), 3) for d, v in per_target.items()},
            "faces_per_domain": faces_per_domain, "domains": list(stardata.DOMAINS)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--faces", type=int, default=24, help="held-out faces per source domain")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    result = measure(args.faces)
    real = {d: stardata.render(facepairs.faces(load_faces(), list(range(FIRST, FIRST + 16))), d)
            for d in stardata.DOMAINS}
    judged = np.mean([np.mean(domain_judge.domains_of(v) == i) for i, v in enumerate(real.values())])
    result["judge_accuracy_on_real"] = round(float(judged), 4)
    print(f"domain accuracy {result['domain_accuracy']:.1%} (judge on real held-out pictures {judged:.1%}); "
          f"by target {result['accuracy_by_target']}")
    print(f"reconstruction L1 {result['reconstruction_l1']:.4f}; line agreement with its own face "
          f"{result['identity_agreement']:.3f} vs another face {result['other_face_agreement']:.3f}")
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
