#!/usr/bin/python3
"""PyTorch peer of bench/study.ts (d2l recipe, --precisions fp32,bf16): trains d2l's NiN on Fashion-MNIST in fp32 and under
torch.autocast("cpu", bfloat16), same seed for both, and prints the validation accuracy after each epoch.

    /usr/bin/python3 bench/torch_precision_accuracy.py [--resize 96] [--epochs 5] [--seed 0] [--precisions fp32,bf16]

Images are resized bilinearly (half-pixel centres, as the TypeScript data module) and scaled to [0, 1]; SGD at
lr 0.05, batch 128, Xavier-uniform weights, channels_last. Data: Debian's dataset-fashion-mnist (or --data-dir).
"""

import argparse
import gzip
import os
import sys
import time

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_nin  # noqa: E402  (the same NiN as the speed benchmark)


def read_idx(path):
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(data_dir, split, resize):
    prefix = 'train' if split == 'train' else 't10k'
    find = lambda name: next(os.path.join(data_dir, n) for n in (name, name + '.gz') if os.path.exists(os.path.join(data_dir, n)))
    x = torch.from_numpy(read_idx(find(prefix + '-images-idx3-ubyte')).copy()).float().unsqueeze(1) / 255
    y = torch.from_numpy(read_idx(find(prefix + '-labels-idx1-ubyte')).astype(np.int64))
    x = torch.cat([F.interpolate(c, size=(resize, resize), mode='bilinear', align_corners=False) for c in x.split(5000)])
    return x.contiguous(memory_format=torch.channels_last), y


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--resize', type=int, default=96)
    p.add_argument('--epochs', type=int, default=5)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--precisions', default='fp32,bf16')
    p.add_argument('--data-dir', default='/usr/share/datasets/fashion-mnist')
    args = p.parse_args()
    torch.set_flush_denormal(True)
    train_x, train_y = load(args.data_dir, 'train', args.resize)
    test_x, test_y = load(args.data_dir, 'test', args.resize)
    for precision in args.precisions.split(','):
        torch.manual_seed(args.seed)
        net = torch_nin.build_model(torch, nn).to(memory_format=torch.channels_last)
        opt = torch.optim.SGD(net.parameters(), lr=0.05)
        accs = []
        for epoch in range(args.epochs):
            t0 = time.time()
            net.train()
            order = torch.randperm(len(train_y))
            for i in range(0, len(order), 128):
                idx = order[i:i + 128]
                opt.zero_grad()
                with torch.autocast('cpu', dtype=torch.bfloat16, enabled=precision == 'bf16'):
                    loss = F.cross_entropy(net(train_x[idx]), train_y[idx])
                loss.backward()
                opt.step()
            net.eval()
            correct = 0
            with torch.no_grad(), torch.autocast('cpu', dtype=torch.bfloat16, enabled=precision == 'bf16'):
                for i in range(0, len(test_y), 500):
                    correct += (net(test_x[i:i + 500]).argmax(1) == test_y[i:i + 500]).sum().item()
            accs.append(correct / len(test_y))
            print(f'{precision} seed {args.seed} epoch {epoch + 1}: val_acc {accs[-1]:.4f} ({time.time() - t0:.0f} s)', file=sys.stderr, flush=True)
        print(f'| pytorch {precision} | {args.seed} | ' + ' | '.join(f'{a:.3f}' for a in accs) + ' |', flush=True)


if __name__ == '__main__':
    main()
