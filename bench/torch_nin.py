#!/usr/bin/python3
"""PyTorch peer for the NiN (Network in Network) benchmark.

Builds d2l's NiN for Fashion-MNIST (1 input channel, 10 classes), feeds it
random inputs created once before timing, and times train or inference steps.

Run with Debian's python (torch from python3-torch):
    /usr/bin/python3 bench/torch_nin.py --mode train --batch 32 --size 224

Prints exactly one JSON object on stdout; everything else goes to stderr.
Exit code 3 (with {"error": ...} on stdout) if torch cannot be imported.
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time
import warnings

EXPECTED_PARAMS = 1992166


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="PyTorch NiN benchmark (d2l NiN, Fashion-MNIST shapes)")
    p.add_argument("--mode", choices=["train", "infer"], default="train")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--size", type=int, default=224, help="image side length")
    p.add_argument("--steps", type=int, default=5, help="timed steps")
    p.add_argument("--warmup", type=int, default=2, help="untimed warmup steps")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--layout", choices=["nchw", "channels_last"], default="channels_last")
    p.add_argument("--no-flush-denormal", dest="flush_denormal", action="store_false",
                   help="do not call torch.set_flush_denormal(True)")
    p.add_argument("--bf16", action="store_true",
                   help="torch.autocast('cpu', dtype=torch.bfloat16) around forward+loss")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    if args.batch < 1 or args.size < 1 or args.steps < 1 or args.warmup < 0 or args.threads < 1:
        p.error("--batch, --size, --steps, --threads must be >= 1 and --warmup >= 0")
    return args


def build_model(torch, nn):
    def nin_block(in_channels, out_channels, kernel_size, strides, padding):
        return nn.Sequential(
            nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding), nn.ReLU(),
            nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
            nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU())

    net = nn.Sequential(
        nin_block(1, 96, kernel_size=11, strides=4, padding=0),
        nn.MaxPool2d(3, stride=2),
        nin_block(96, 256, kernel_size=5, strides=1, padding=2),
        nn.MaxPool2d(3, stride=2),
        nin_block(256, 384, kernel_size=3, strides=1, padding=1),
        nn.MaxPool2d(3, stride=2),
        nn.Dropout(0.5),
        # There are 10 label classes
        nin_block(384, 10, kernel_size=3, strides=1, padding=1),
        nn.AdaptiveAvgPool2d((1, 1)),
        # Transform the four-dimensional output into a two-dimensional output
        # with a shape of (batch size, 10)
        nn.Flatten())

    def init_weights(m):
        if isinstance(m, nn.Conv2d):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)

    net.apply(init_weights)
    return net


def main(argv=None):
    args = parse_args(argv)

    try:
        import torch
        from torch import nn
    except Exception as e:  # ImportError, or a broken install
        emit({"error": "cannot import torch: %s: %s (python %s)" % (type(e).__name__, e, sys.executable)})
        return 3

    # Keep stdout for the single JSON object; route warnings to stderr.
    warnings.simplefilter("default")
    warnings.showwarning = lambda msg, cat, fn, ln, file=None, line=None: sys.stderr.write(
        warnings.formatwarning(msg, cat, fn, ln, line))

    torch.set_num_threads(args.threads)
    flush_ok = bool(torch.set_flush_denormal(True)) if args.flush_denormal else False
    if args.flush_denormal and not flush_ok:
        sys.stderr.write("warning: torch.set_flush_denormal(True) not supported on this CPU\n")
    torch.manual_seed(args.seed)

    net = build_model(torch, nn)
    params = sum(p.numel() for p in net.parameters())
    assert params == EXPECTED_PARAMS, "parameter count %d != %d" % (params, EXPECTED_PARAMS)

    x = torch.randn(args.batch, 1, args.size, args.size)
    y = torch.randint(0, 10, (args.batch,), dtype=torch.long)
    if args.layout == "channels_last":
        net = net.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)

    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.05)

    def autocast_ctx():
        if args.bf16:
            return torch.autocast("cpu", dtype=torch.bfloat16)
        return torch.autocast("cpu", enabled=False)

    last_loss = [None]

    if args.mode == "train":
        net.train()

        def step():
            optimizer.zero_grad()
            with autocast_ctx():
                out = net(x)
                loss = loss_fn(out, y)
            loss.backward()
            optimizer.step()
            last_loss[0] = loss
    else:
        net.eval()

        def step():
            with torch.inference_mode(), autocast_ctx():
                out = net(x)
            # Make sure the result is materialised (CPU ops are synchronous anyway).
            last_loss[0] = out

    for _ in range(args.warmup):
        step()

    step_seconds = []
    for _ in range(args.steps):
        t0 = time.perf_counter()
        step()
        step_seconds.append(time.perf_counter() - t0)

    median = statistics.median(step_seconds)
    result = {
        "framework": "pytorch",
        "torch_version": torch.__version__,
        "mode": args.mode,
        "batch": args.batch,
        "size": args.size,
        "threads": torch.get_num_threads(),
        "layout": args.layout,
        "bf16": bool(args.bf16),
        "flush_denormal": flush_ok,
        "step_seconds": step_seconds,
        "median_step_s": median,
        "img_per_s_median": args.batch / median,
        "img_per_s_min": args.batch / max(step_seconds),
        "img_per_s_max": args.batch / min(step_seconds),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "params": params,
    }
    if args.mode == "train":
        result["final_loss"] = float(last_loss[0].detach().float().item())
    emit(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
