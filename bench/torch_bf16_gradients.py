#!/usr/bin/python3
"""How far PyTorch autocast's bf16 gradients of d2l's NiN are from its fp32 ones, per weight, at initialisation:
the peer of the gradient check in test/training/bf16_training.test.ts (same input size 67, batch 32).

    /usr/bin/python3 bench/torch_bf16_gradients.py

Prints, per parameter, |g_bf16 − g_fp32| / |g_fp32| and the cosine between the two (same weights, input, labels
and dropout mask).
"""
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_nin  # noqa: E402


def main():
    torch.manual_seed(0)
    net = torch_nin.build_model(torch, nn).to(memory_format=torch.channels_last)
    x = torch.randn(32, 1, 67, 67).contiguous(memory_format=torch.channels_last)
    y = torch.randint(0, 10, (32,))
    net.train()

    def gradients(bf16):
        net.zero_grad()
        torch.manual_seed(1)  # the same dropout mask in both runs
        with torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16):
            loss = nn.CrossEntropyLoss()(net(x), y)
        loss.backward()
        return [p.grad.detach().clone() for p in net.parameters()]

    for i, (a, b) in enumerate(zip(gradients(False), gradients(True))):
        rel = ((a - b).norm() / a.norm()).item()
        cos = (torch.dot(a.flatten(), b.flatten()) / (a.norm() * b.norm())).item()
        print(f'{i:2} {str(tuple(a.shape)):20} relative difference {rel:.3f}  cosine {cos:.4f}')


if __name__ == '__main__':
    main()
