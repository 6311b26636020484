#!/usr/bin/python3
"""PyTorch peer of bench/time_to_accuracy.ts: trains d2l's NiN on Fashion-MNIST with the robust recipe, written the
way a PyTorch user would (torchvision's FashionMNIST with Resize + ToTensor, a shuffling DataLoader with workers),
evaluates the test accuracy after every epoch, and prints one JSON line per epoch on stdout:
{"epoch": 1, "valAcc": 0.87, "seconds": 81.2} with the seconds counted from the first step (training and evaluation).

    /usr/bin/python3 bench/torch_time_to_accuracy.py --resize 67 --epochs 3 [--precision bf16] [--workers 2]

The recipe is `nin train --recipe robust`'s: AdamW (betas 0.9/0.999, eps 1e-8) at peak lr 0.002 with decoupled weight
decay 0.05 on the kernels only, a linear warm-up over the first epoch then a linear decay to 0 at the last step
(set before every step), He-normal (truncated) kernels, zero biases but 1 for the last 1x1 convolution, label
smoothing 0.1, batch 128, no augmentation. Data: Debian's dataset-fashion-mnist (or --data-dir), unpacked once into
--cache where torchvision looks for it.
"""

import argparse
import gzip
import json
import math
import os
import shutil
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F
import torchvision
from torchvision import transforms

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_nin  # noqa: E402  (the same NiN as the speed benchmark)

FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']


def unpack(data_dir, cache):
    """torchvision reads the four idx files, uncompressed, from ROOT/FashionMNIST/raw."""
    raw = os.path.join(cache, 'FashionMNIST', 'raw')
    os.makedirs(raw, exist_ok=True)
    for name in FILES:
        target = os.path.join(raw, name)
        if os.path.exists(target):
            continue
        source = os.path.join(data_dir, name)
        if os.path.exists(source):
            shutil.copyfile(source, target)
        else:
            with gzip.open(source + '.gz', 'rb') as f, open(target + '.part', 'wb') as out:
                shutil.copyfileobj(f, out)
            os.replace(target + '.part', target)
    return cache


def robust_init(net):
    convs = [m for m in net.modules() if isinstance(m, nn.Conv2d)]
    for conv in convs:
        fan_in = conv.in_channels * conv.kernel_size[0] * conv.kernel_size[1]
        std = math.sqrt(2.0 / fan_in)
        nn.init.trunc_normal_(conv.weight, std=std, a=-2 * std, b=2 * std)
        nn.init.zeros_(conv.bias)
    nn.init.constant_(convs[-1].bias, 1.0)  # the class scores start positive, past the ReLU


def learning_rate_at(step, peak, warmup_steps, total_steps):
    if step < warmup_steps:
        return peak * (step + 1) / warmup_steps
    return peak * (1 - min(1, (step - warmup_steps) / max(1, total_steps - warmup_steps)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--resize', type=int, default=67)
    p.add_argument('--epochs', type=int, default=3)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--precision', choices=['fp32', 'bf16'], default='bf16')
    p.add_argument('--workers', type=int, default=2)
    p.add_argument('--threads', type=int, default=os.cpu_count() or 1)
    p.add_argument('--nchw', action='store_true', help='keep the default layout instead of channels_last')
    p.add_argument('--lr', type=float, default=0.002)
    p.add_argument('--data-dir', default='/usr/share/datasets/fashion-mnist')
    p.add_argument('--cache', default='runs/torch-data')
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)
    torch.manual_seed(args.seed)
    root = unpack(args.data_dir, args.cache)
    transform = transforms.Compose([transforms.Resize(args.resize), transforms.ToTensor()])
    train = torchvision.datasets.FashionMNIST(root, train=True, transform=transform, download=False)
    test = torchvision.datasets.FashionMNIST(root, train=False, transform=transform, download=False)
    train_loader = torch.utils.data.DataLoader(train, batch_size=128, shuffle=True, num_workers=args.workers,
                                               persistent_workers=args.workers > 0)
    test_loader = torch.utils.data.DataLoader(test, batch_size=256, num_workers=args.workers,
                                              persistent_workers=args.workers > 0)

    net = torch_nin.build_model(torch, nn)
    robust_init(net)
    memory_format = torch.contiguous_format if args.nchw else torch.channels_last
    net = net.to(memory_format=memory_format)
    kernels = [w for w in net.parameters() if w.dim() >= 2]
    biases = [w for w in net.parameters() if w.dim() < 2]
    optimizer = torch.optim.AdamW([{'params': kernels, 'weight_decay': 0.05}, {'params': biases, 'weight_decay': 0.0}],
                                  lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
    steps_per_epoch = len(train_loader)
    total_steps = args.epochs * steps_per_epoch
    autocast = lambda: torch.autocast('cpu', dtype=torch.bfloat16, enabled=args.precision == 'bf16')

    step = 0
    started = time.perf_counter()
    for epoch in range(args.epochs):
        net.train()
        for x, y in train_loader:
            for group in optimizer.param_groups:
                group['lr'] = learning_rate_at(step, args.lr, steps_per_epoch, total_steps)
            x = x.contiguous(memory_format=memory_format)
            optimizer.zero_grad()
            with autocast():
                loss = F.cross_entropy(net(x), y, label_smoothing=0.1)
            loss.backward()
            optimizer.step()
            step += 1
        net.eval()
        correct = 0
        with torch.no_grad(), autocast():
            for x, y in test_loader:
                correct += (net(x.contiguous(memory_format=memory_format)).argmax(1) == y).sum().item()
        print(json.dumps({'epoch': epoch + 1, 'valAcc': correct / len(test), 'seconds': time.perf_counter() - started}),
              flush=True)


if __name__ == '__main__':
    main()
