#!/usr/bin/env python3
"""Independent reference for @ppo/buffers' Rng (xoshiro128** seeded by SplitMix32).

Written from the algorithm descriptions (Blackman & Vigna's xoshiro128** 1.0; a SplitMix32
seeder: golden-ratio increment then the MurmurHash3 32-bit finalizer), with Python's
arbitrary-precision integers masked to 32 bits, so it shares no code or integer tricks with
the TypeScript implementation. Prints JSON that src/rng.test.ts embeds.

Run: python3 packages/utils/scripts/rng_reference.py
"""
import json
import math

MASK = 0xFFFFFFFF


def rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & MASK


class SplitMix32:
    def __init__(self, x):
        self.x = x & MASK

    def next(self):
        self.x = (self.x + 0x9E3779B9) & MASK
        z = self.x
        z = ((z ^ (z >> 16)) * 0x85EBCA6B) & MASK
        z = ((z ^ (z >> 13)) * 0xC2B2AE35) & MASK
        return z ^ (z >> 16)


class Xoshiro128StarStar:
    def __init__(self, seed=None, words=None):
        if words is not None:
            self.s = list(words)
        else:
            mixer = SplitMix32(seed)
            self.s = [mixer.next() for _ in range(4)]
        self.spare = None

    def next_uint32(self):
        s = self.s
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 9) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 11)
        return result

    def next_float(self):
        # 27 high bits of one output and 26 of the next: a 53-bit fraction.
        a = self.next_uint32() >> 5
        b = self.next_uint32() >> 6
        return (a * 67108864 + b) / 9007199254740992.0

    def next_normal(self):
        if self.spare is not None:
            value, self.spare = self.spare, None
            return value
        while True:
            u = 2.0 * self.next_float() - 1.0
            v = 2.0 * self.next_float() - 1.0
            s = u * u + v * v
            if 0.0 < s < 1.0:
                break
        factor = math.sqrt(-2.0 * math.log(s) / s)
        self.spare = v * factor
        return u * factor

    def next_int(self, n):
        # Reject draws at or above the largest multiple of n below 2^32.
        limit = (1 << 32) - ((1 << 32) % n)
        while True:
            x = self.next_uint32()
            if x < limit:
                return x % n

    def permutation(self, n):
        out = list(range(n))
        for k in range(n - 1, 0, -1):
            j = self.next_int(k + 1)
            out[k], out[j] = out[j], out[k]
        return out

    def fork(self):
        words = []
        for _ in range(4):
            mixer = SplitMix32(self.next_uint32())
            words.append(mixer.next())
        if words == [0, 0, 0, 0]:
            words[0] = 1
        return Xoshiro128StarStar(words=words)


def main():
    out = {}
    # The published xoshiro128** sequence from the raw state [1, 2, 3, 4].
    raw = Xoshiro128StarStar(words=[1, 2, 3, 4])
    out["rawState1234"] = [raw.next_uint32() for _ in range(8)]
    seeds = [0, 1, 42, 123456789, 4294967295]
    out["seeds"] = {}
    for seed in seeds:
        entry = {}
        entry["words"] = Xoshiro128StarStar(seed).s[:]
        g = Xoshiro128StarStar(seed)
        entry["uint32"] = [g.next_uint32() for _ in range(6)]
        g = Xoshiro128StarStar(seed)
        entry["float"] = [g.next_float() for _ in range(4)]
        g = Xoshiro128StarStar(seed)
        entry["normal"] = [g.next_normal() for _ in range(5)]
        g = Xoshiro128StarStar(seed)
        entry["int"] = [g.next_int(n) for n in (1, 2, 3, 10, 1000, 2**31 + 1, 2**32)]
        g = Xoshiro128StarStar(seed)
        entry["permutation10"] = g.permutation(10)
        g = Xoshiro128StarStar(seed)
        child = g.fork()
        entry["forkChildUint32"] = [child.next_uint32() for _ in range(3)]
        entry["forkParentUint32"] = [g.next_uint32() for _ in range(3)]
        out["seeds"][str(seed)] = entry
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
