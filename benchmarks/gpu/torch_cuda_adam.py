"""PyTorch on the GPU, for the WGSL benchmark's sets, timed in the same device session.

The WGSL benchmark (wgslBench.mjs) prints ms/step of gcopt's fused WGSL step; this prints what a
PyTorch user on the same GPU would get for the same parameter sets, so the ratio comes from one run:
- fused Adam, no GC: torch.optim.Adam(fused=True);
- foreach GC + fused Adam: each multi-dim gradient minus its mean over axes 1.. with torch._foreach_sub
  (the means by one mean() per tensor), then fused Adam (lr 1e-3, weight_decay 1e-4: GC of g only,
  the decay inside Adam — the reference adds it before GC; same bytes, for timing);
- the reference's Adam_GC: one Python loop over tensors (docs/ALGORITHMS.md §2.3's Adam_GC, L2 term
  then GC then Adam), torch ops per tensor.
Sets: 1M, resnet50 (from ../data/resnet50-shapes.json, next to this file's folder when packed) and
100M (24 blocks as benchmarks/src/paramSets.ts). Steps: --steps (default 50), 5 warm-up; the time is
wall time to torch.cuda.synchronize() over the timed steps, divided by their number.

  python3 torch_cuda_adam.py [--sets 1M,resnet50,100M] [--steps 50] [--data DIR]
Prints a markdown table; writes $OUT/torch-cuda.json when OUT is set.
"""
import json
import math
import os
import sys
import time

import torch


def arg(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def shapes_of(name, data_dir):
    if name == '1M':
        return [[64, 3, 3, 3], [64], [64], [128, 64, 3, 3], [128], [128], [256, 128, 3, 3], [256], [256],
                [256, 256, 3, 3], [256], [256], [10, 256], [10], [35, 1024], [35]]
    if name == 'resnet50':
        with open(os.path.join(data_dir, 'resnet50-shapes.json')) as f:
            return json.load(f)['shapes']
    if name == '100M':
        return [s for _ in range(12) for s in ([4096, 1024], [4096], [1024, 4096], [1024])]
    raise SystemExit(f'--sets: unknown set {name}')


def reference_adam_gc(params, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, wd=1e-4):
    """The reference's loop: L2 term, GC over axes 1.. of multi-dim gradients, then Adam."""
    b1, b2 = betas
    for p in params:
        g = p.grad.add(p, alpha=wd)
        if g.dim() > 1:
            g = g.sub(g.mean(dim=tuple(range(1, g.dim())), keepdim=True))
        st = state.setdefault(p, {'step': 0, 'm': torch.zeros_like(p), 'v': torch.zeros_like(p)})
        st['step'] += 1
        st['m'].mul_(b1).add_(g, alpha=1 - b1)
        st['v'].mul_(b2).addcmul_(g, g, value=1 - b2)
        denom = (st['v'].sqrt() / math.sqrt(1 - b2 ** st['step'])).add_(eps)
        p.addcdiv_(st['m'], denom, value=-lr / (1 - b1 ** st['step']))


def timed(step, steps, warmup=5):
    for _ in range(warmup):
        step()
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    torch.cuda.synchronize()
    return (time.perf_counter() - t0) * 1000 / steps


def main():
    sets = arg('--sets', '1M,resnet50,100M').split(',')
    steps = int(arg('--steps', '50'))
    data_dir = arg('--data', os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data'))
    dev = torch.device('cuda')
    gen = torch.Generator(device=dev).manual_seed(1)
    out = {'torch': torch.__version__, 'device': torch.cuda.get_device_name(0), 'sets': {}}
    print(f"PyTorch {torch.__version__} on {out['device']}, {steps} timed steps after 5 warm-up")
    print('| set | params | fused Adam, no GC | foreach GC + fused Adam | reference Adam_GC loop |')
    print('|---|---:|---:|---:|---:|')
    for name in sets:
        shapes = shapes_of(name, data_dir)
        params = [torch.nn.Parameter(torch.randn(s, device=dev, generator=gen) * 0.05) for s in shapes]
        for p in params:
            p.grad = torch.randn(p.shape, device=dev, generator=gen) * 1e-3
        n = sum(p.numel() for p in params)
        fused = torch.optim.Adam(params, lr=1e-3, fused=True)
        t_fused = timed(fused.step, steps)
        multi = [p for p in params if p.dim() > 1]
        grads = [p.grad for p in multi]
        gc_fused = torch.optim.Adam(params, lr=1e-3, weight_decay=1e-4, fused=True)
        saved = [g.clone() for g in grads]

        def gc_step():
            means = [g.mean(dim=tuple(range(1, g.dim())), keepdim=True) for g in grads]
            torch._foreach_sub_(grads, means)
            gc_fused.step()
        t_gc = timed(gc_step, steps)
        for g, s in zip(grads, saved):
            g.copy_(s)
        state = {}
        with torch.no_grad():
            t_ref = timed(lambda: reference_adam_gc(params, state), steps)
        out['sets'][name] = {'params': n, 'fusedAdam': t_fused, 'foreachGcFusedAdam': t_gc, 'referenceAdamGc': t_ref}
        print(f'| {name} | {n:,} | {t_fused:.3f} | {t_gc:.3f} | {t_ref:.3f} |')
    if os.environ.get('OUT'):
        with open(os.path.join(os.environ['OUT'], 'torch-cuda.json'), 'w') as f:
            json.dump(out, f, indent=2)


if __name__ == '__main__':
    main()
