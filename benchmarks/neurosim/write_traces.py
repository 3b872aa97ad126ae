#!/usr/bin/env python3
"""Write NeuroSim V1.3 trace files for VGG-8 / CIFAR-10 with numpy (no PyTorch).

Layout (what NeuroSim V1.3's C++ core reads; Lu et al. 2021, "NeuroSim settings"):
  NetWork.csv    one row per layer: IFM H, IFM W, C, K, K, N, pooling-after (0/1), stride.
  weight<l>.csv  C*K*K rows x N columns, values in [-1, 1] on the 8-bit grid k/2^7, k in [-127, 127].
  input<l>.csv   C*K*K rows x (vectors * inputBits) columns of 0/1; column v*inputBits + b holds
                 bit b of input vector v, b = 0 the sign bit (two's complement, MSB first).
NeuroSim reads numInVector = ((H-K+1)/s) * ((W-K+1)/s) vectors per layer (no padding), so that is
how many are written (900 for the first two 32x32 layers, not 1,024).

Densities: "0.5"  every bit (sign bit included) is 1 with probability 0.5;
           "0.17" the sign bit is 0 and every magnitude bit is 1 with probability 0.17 (what ReLU
                  outputs of a trained VGG-8 look like).
Random draws come from numpy's PCG64 seeded with --seed (default 1), one stream per layer.
"""
import argparse
import os

import numpy as np

# VGG-8 / CIFAR-10 (DNN+NeuroSim V1.3 shapes): H, W, C, K, K, N, pool, stride
VGG8 = [
    (32, 32, 3, 3, 3, 128, 0, 1),
    (32, 32, 128, 3, 3, 128, 1, 1),
    (16, 16, 128, 3, 3, 256, 0, 1),
    (16, 16, 256, 3, 3, 256, 1, 1),
    (8, 8, 256, 3, 3, 512, 0, 1),
    (8, 8, 512, 3, 3, 512, 1, 1),
    (1, 1, 8192, 1, 1, 1024, 0, 1),
    (1, 1, 1024, 1, 1, 10, 0, 1),
]


def vectors(layer):
    h, w, _, k, _, _, _, s = layer
    return ((h - k + 1) // s) * ((w - k + 1) // s)


def write_network(path):
    with open(path, "w") as f:
        for row in VGG8:
            f.write(",".join(str(v) for v in row) + "\n")


def write_layer(out, index, layer, density, weight_bits, input_bits, seed):
    h, w, c, k, _, n, _, _ = layer
    rows = c * k * k
    rng = np.random.Generator(np.random.PCG64([seed, index]))
    levels = 2 ** (weight_bits - 1)
    wq = rng.integers(-(levels - 1), levels, size=(rows, n)) / levels
    np.savetxt(os.path.join(out, f"weight{index + 1}.csv"), wq, delimiter=",", fmt="%10.5f")
    nv = vectors(layer)
    bits = (rng.random((rows, nv, input_bits)) < density).astype(np.uint8)
    if density < 0.5:
        bits[:, :, 0] = 0  # sign bit 0: non-negative (post-ReLU) activations
    bits = bits.reshape(rows, nv * input_bits)
    # fast writer: "0,1,..." per row
    table = np.array([b"0", b"1"])
    with open(os.path.join(out, f"input{index + 1}.csv"), "wb") as f:
        for r in range(rows):
            f.write(b",".join(table[bits[r]]) + b"\n")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True)
    p.add_argument("--density", type=float, required=True)
    p.add_argument("--weight-bits", type=int, default=8)
    p.add_argument("--input-bits", type=int, default=8)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    write_network(os.path.join(a.out, "NetWork.csv"))
    for i, layer in enumerate(VGG8):
        write_layer(a.out, i, layer, a.density, a.weight_bits, a.input_bits, a.seed)
    ops = sum(2 * h * w * c * k1 * k2 * n for (h, w, c, k1, k2, n, _, _) in VGG8)
    print(f"wrote {len(VGG8)} layers to {a.out}; NeuroSim operation count 2*sum(H*W*C*K*K*N) = {ops}")


if __name__ == "__main__":
    main()
