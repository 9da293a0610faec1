"""Does a network that reads the pixels tell children's gender better than the face descriptors? (issue 20)

A small CNN (four double-conv blocks, 1.1M parameters) is trained from scratch for gender on the train
split's aligned chips (72×72, flips and shifts of up to 4 pixels, AdamW, one-cycle LR) and scored after
every epoch on val and test, photo and mirror together, by age band (children 0–12 and 13 and older, by
the file name's age). Compare with the descriptor probes (``scripts/descriptor_probes.py``). About two
minutes an epoch on one CPU core.

    python scripts/pixel_gender_cnn.py --data runs/data/utkface --images ../shared/data/utkface --epochs 14
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="a dataset folder built by `unif2ace data build` (its splits)")
    p.add_argument("--images", required=True, help="the folder of the UTKFace chips (NAME.jpg.chip.jpg)")
    p.add_argument("--epochs", type=int, default=14)
    p.add_argument("--size", type=int, default=72)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()

    import numpy as np
    import torch
    from PIL import Image
    from torch import nn

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    split_file = Path(args.data) / "splits.json"
    if not split_file.is_file():
        print(f"pixel_gender_cnn: error: no splits.json in {args.data}: build it with `unif2ace data build`",
              file=sys.stderr)
        return 2
    splits = json.loads(split_file.read_text())

    def load(ids: list[str]):
        ids = [i for i in ids if (Path(args.images) / f"{i}.jpg.chip.jpg").is_file()]
        if not ids:
            raise FileNotFoundError(f"no chips of this split in {args.images}")
        x = np.stack([np.asarray(Image.open(Path(args.images) / f"{i}.jpg.chip.jpg").convert("RGB")
                                 .resize((args.size, args.size), Image.BILINEAR)) for i in ids])
        return (torch.tensor(x).permute(0, 3, 1, 2).float() / 127.5 - 1,
                torch.tensor([int(i.split("_")[1]) for i in ids]), torch.tensor([int(i.split("_")[0]) for i in ids]))

    try:
        data = {s: load(splits[s]) for s in ("train", "val", "test")}
    except (FileNotFoundError, KeyError) as exc:
        print(f"pixel_gender_cnn: error: {exc}", file=sys.stderr)
        return 2

    def block(i: int, o: int) -> nn.Module:
        return nn.Sequential(nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU(),
                             nn.Conv2d(o, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU(), nn.MaxPool2d(2))

    net = nn.Sequential(block(3, 32), block(32, 64), block(64, 128), block(128, 192), nn.AdaptiveAvgPool2d(1),
                        nn.Flatten(), nn.Dropout(0.3), nn.Linear(192, 2))
    x_train, y_train, _ = data["train"]
    per_epoch = len(x_train) // 64
    opt = torch.optim.AdamW(net.parameters(), 2e-3, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 2e-3, total_steps=args.epochs * per_epoch)

    def score(split: str) -> str:
        x, y, age = data[split]
        net.eval()
        with torch.no_grad():
            logits = torch.cat([net(x[i:i + 256]) + net(x[i:i + 256].flip(3)) for i in range(0, len(x), 256)])
        net.train()
        ok = (logits.argmax(1) == y).float()
        return (f"{split}: all {100 * ok.mean():.1f}%, children {100 * ok[age < 13].mean():.1f}%, "
                f"13+ {100 * ok[age >= 13].mean():.1f}%")

    for epoch in range(args.epochs):
        t0 = time.time()
        order = torch.randperm(len(x_train))
        for b in range(per_epoch):
            idx = order[b * 64:(b + 1) * 64]
            x = x_train[idx]
            x = torch.where((torch.rand(len(x)) < 0.5)[:, None, None, None], x.flip(3), x)
            dx, dy = (int(v) for v in rng.integers(-4, 5, 2))
            loss = nn.functional.cross_entropy(net(torch.roll(x, (dx, dy), (2, 3))), y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        print(f"epoch {epoch + 1}/{args.epochs} ({time.time() - t0:.0f} s): {score('val')}; {score('test')}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
