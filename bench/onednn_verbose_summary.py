#!/usr/bin/python3
"""Sums oneDNN's verbose execution times of the last training step in a log, by convolution direction.

    ONEDNN_VERBOSE=1 /usr/bin/python3 bench/torch_nin.py --mode train --batch 32 --bf16 --steps 2 --warmup 1 \
        2>/dev/null | /usr/bin/python3 bench/onednn_verbose_summary.py
    ONEDNN_VERBOSE=1 node dist/bench/nin_worker.js --mode train --batch 32 --precision bf16 --steps 2 --warmup 1 \
        2>/dev/null | /usr/bin/python3 bench/onednn_verbose_summary.py

A step starts at the forward pass of the first convolution (1 input channel). Our data gradients of stride-1
convolutions run as forward convolutions (native/conv2d.cc), so on our side 'forward' counts both, and
'data gradient' only the strided first layer's (which NiN never computes).
"""
import collections
import sys

lines = [l.strip().split(',') for l in sys.stdin if ',exec,' in l]
starts = [i for i, f in enumerate(lines) if f[3] == 'convolution' and f[5] == 'forward_training' and '_ic1oc' in f[-2]]
if not starts:
    sys.exit('no training step in the log (was ONEDNN_VERBOSE=1 set?)')
totals = collections.Counter()
for f in lines[starts[-1]:]:
    kind = f[3] if f[3] != 'convolution' else {'forward_training': 'forward', 'forward_inference': 'forward',
                                                  'backward_data': 'data gradient',
                                                  'backward_weights': 'filter gradient'}.get(f[5], f[5])
    totals[kind] += float(f[-1])
for kind, ms in totals.most_common():
    print(f'{kind:16} {ms:8.1f} ms')
