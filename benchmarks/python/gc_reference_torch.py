"""PyTorch baseline for the gcopt benchmark.

The five GC optimizers written for this benchmark from docs/ALGORITHMS.md (sections 2.1,
2.3, 2.4, 2.5), in the reference's style: one loop over the parameter tensors, torch tensor ops on
each (GC as `x - x.mean(dim=axes 1.., keepdim=True)` for tensors with more dims than the rule's k),
plus torch.optim.Adam for the no-GC line. Where the reference writes into p.grad in place, the first
such operation here is out of place (same memory traffic), so the fixed benchmark gradient is reused
unchanged at every step, as a fresh backward pass would provide it.

Reads a job from argv[1] (JSON): shapes, thread count, schedule, the float32 files of initial
weights and gradients, the optimizers and their kwargs, and where to write the final parameters.
Prints one JSON line: per optimizer the timed step durations in ms.
"""
import json
import math
import sys
import time

import numpy as np
import torch


def centralize(x, k):
    """GC_k: subtract the mean over axes 1.. when the tensor has more than k dims (docs/ALGORITHMS.md §1)."""
    if x.dim() > k:
        return x.sub(x.mean(dim=tuple(range(1, x.dim())), keepdim=True))
    return x


class SgdGc:
    """SGD_GC (docs/ALGORITHMS.md §2.1): d = GC_1(g + wd p); momentum buffer (copy on step 1); p -= lr d."""

    def __init__(self, params, lr, momentum=0.0, dampening=0.0, weight_decay=0.0):
        self.params, self.lr, self.momentum, self.dampening, self.wd = params, lr, momentum, dampening, weight_decay
        self.buf = [None] * len(params)

    def step(self, grads):
        for i, (p, g) in enumerate(zip(self.params, grads)):
            d = g.add(p, alpha=self.wd) if self.wd != 0 else g
            if d.dim() > 1:
                mean = d.mean(dim=tuple(range(1, d.dim())), keepdim=True)
                d = d.sub_(mean) if d is not g else d.sub(mean)
            if self.momentum != 0:
                if self.buf[i] is None:
                    self.buf[i] = d.clone()
                else:
                    self.buf[i].mul_(self.momentum).add_(d, alpha=1 - self.dampening)
                d = self.buf[i]
            p.add_(d, alpha=-self.lr)


class AdamFamily:
    """Adam_GC (2.3, GC on the gradient), Adam_GCC2 (2.3, GC_3 on the update), AdamW_GC2 (2.4)."""

    def __init__(self, params, variant, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        self.params, self.variant, self.lr = params, variant, lr
        self.betas, self.eps, self.wd = betas, eps, weight_decay
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]
        self.t = 0

    def step(self, grads):
        self.t += 1
        b1, b2 = self.betas
        bc1 = 1 - b1 ** self.t
        bc2 = 1 - b2 ** self.t
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            if self.variant == 'Adam_GC':
                d = g.add(p, alpha=self.wd) if self.wd != 0 else g
                if d.dim() > 1:
                    mean = d.mean(dim=tuple(range(1, d.dim())), keepdim=True)
                    d = d.sub_(mean) if d is not g else d.sub(mean)
            elif self.variant == 'Adam_GCC2':
                d = g.add(p, alpha=self.wd) if self.wd != 0 else g
            else:  # AdamW_GC2: no L2 term in the gradient
                d = g
            m.mul_(b1).add_(d, alpha=1 - b1)
            v.mul_(b2).addcmul_(d, d, value=1 - b2)
            if self.variant == 'AdamW_GC2':
                denom = v.sqrt().add_(self.eps)
                s = self.lr * math.sqrt(bc2) / bc1
                u = m.div(denom).add_(p, alpha=self.wd)
                if p.dim() > 1:
                    delta = u.mul_(s)
                    p.sub_(delta.sub_(delta.mean(dim=tuple(range(1, p.dim())), keepdim=True)))
                else:
                    p.add_(u, alpha=-s)
                continue
            denom = (v.sqrt() / math.sqrt(bc2)).add_(self.eps)
            s = self.lr / bc1
            if self.variant == 'Adam_GCC2' and p.dim() > 3:
                delta = m.mul(s).div_(denom)
                p.sub_(delta.sub_(delta.mean(dim=tuple(range(1, p.dim())), keepdim=True)))
            else:
                p.addcdiv_(m, denom, value=-s)


class AdagradGc:
    """Adagrad_GC (docs/ALGORITHMS.md §2.5): g = GC_1(g + wd p); sum += g²; p -= clr g / (sqrt(sum) + eps)."""

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
        self.params, self.lr, self.lr_decay, self.wd, self.eps = params, lr, lr_decay, weight_decay, eps
        self.sum = [torch.full_like(p, initial_accumulator_value) for p in params]
        self.t = 0

    def step(self, grads):
        self.t += 1
        clr = self.lr / (1 + (self.t - 1) * self.lr_decay)
        for p, g, acc in zip(self.params, grads, self.sum):
            d = g.add(p, alpha=self.wd) if self.wd != 0 else g
            if d.dim() > 1:
                mean = d.mean(dim=tuple(range(1, d.dim())), keepdim=True)
                d = d.sub_(mean) if d is not g else d.sub(mean)
            acc.addcmul_(d, d, value=1)
            std = acc.sqrt().add_(self.eps)
            p.addcdiv_(d, std, value=-clr)


class TorchAdam:
    """torch.optim.Adam (no GC): the same formula as the reference Adam without GC."""

    def __init__(self, params, lr=1e-3):
        self.params = params
        self.opt = torch.optim.Adam(params, lr=lr)

    def step(self, grads):
        for p, g in zip(self.params, grads):
            p.grad = g
        self.opt.step()


class ForeachAdam:
    """torch.optim.Adam(foreach=True); with `gc`, Adam_GC's GC first, in torch._foreach_* ops.

    Adam_GC (docs/ALGORITHMS.md §2.3) is GC_1 of g + wd·p, then Adam: the channel means are one `mean` per tensor
    (torch has no foreach mean), their subtraction one `_foreach_sub` over all multi-dim tensors.
    Only weight_decay = 0 (torch's Adam would add wd·p after GC, not before it).
    """

    def __init__(self, params, gc, lr=1e-3, weight_decay=0.0):
        if weight_decay != 0:
            raise ValueError('ForeachAdam: weight_decay must be 0')
        self.params, self.gc = params, gc
        self.multi = [i for i, p in enumerate(params) if p.dim() > 1]
        self.opt = torch.optim.Adam(params, lr=lr, foreach=True)

    def step(self, grads):
        grads = list(grads)
        if self.gc and self.multi:
            gs = [grads[i] for i in self.multi]
            means = [g.mean(dim=tuple(range(1, g.dim())), keepdim=True) for g in gs]
            for i, c in zip(self.multi, torch._foreach_sub(gs, means)):
                grads[i] = c
        for p, g in zip(self.params, grads):
            p.grad = g
        self.opt.step()


def make(name, params, kwargs):
    if name == 'Adam_GC foreach':
        return ForeachAdam(params, True, **kwargs)
    if name == 'torch.optim.Adam foreach':
        return ForeachAdam(params, False, **kwargs)
    if name == 'SGD_GC':
        return SgdGc(params, **kwargs)
    if name in ('Adam_GC', 'Adam_GCC2', 'AdamW_GC2'):
        return AdamFamily(params, name, **kwargs)
    if name == 'Adagrad_GC':
        return AdagradGc(params, **kwargs)
    if name == 'torch.optim.Adam':
        return TorchAdam(params, **kwargs)
    raise ValueError(f'unknown optimizer {name}')


def split(flat, shapes):
    out, at = [], 0
    for shape in shapes:
        n = int(np.prod(shape))
        out.append(flat[at:at + n].reshape(shape))
        at += n
    return out


def main():
    job = json.loads(sys.argv[1])
    torch.set_num_threads(job['threads'])
    shapes = job['shapes']
    init = torch.from_numpy(np.fromfile(job['init'], dtype=np.float32))
    grads = split(torch.from_numpy(np.fromfile(job['grads'], dtype=np.float32)), shapes)
    results = {}
    for entry in job['optimizers']:
        params = [t.clone() for t in split(init, shapes)]
        with torch.no_grad():
            opt = make(entry['name'], params, entry['kwargs'])
            for _ in range(job['warmup']):
                opt.step(grads)
            samples = []
            for _ in range(job['reps']):
                t0 = time.perf_counter()
                opt.step(grads)
                samples.append((time.perf_counter() - t0) * 1e3)
        torch.cat([p.reshape(-1) for p in params]).numpy().tofile(entry['out'])
        results[entry['name']] = samples
        del opt, params
    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'results': results}))


if __name__ == '__main__':
    main()
