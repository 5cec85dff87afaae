"""Golden vectors for Fluxion.Data from torch 1.13: DataLoader shuffle order per epoch (with and without an
explicit generator), the generators' next draws after the loop, RandomSampler with replacement, and random_split.
Usage: python3 gen_dataloader.py OUTPUT.json"""
import json
import sys

import torch
from torch.utils.data import DataLoader, RandomSampler, SubsetRandomSampler, TensorDataset, random_split


def batches_of(loader, epochs):
    # Indices come back through a TensorDataset over arange(n), so the batches are the sampled indices.
    return [[b[0].tolist() for b in loader] for _ in range(epochs)]


def after(gen):
    # The next 64-bit draw exposes the generator's position after the epochs.
    return str(int(torch.empty((), dtype=torch.int64).random_(generator=gen).item()))


def loader_cases():
    cases = []
    for seed in [0, 7, 42]:
        for n in [5, 31, 32, 33, 100, 257]:
            for batch in [1, 4, 32]:
                for drop_last in [False, True]:
                    for explicit in [False, True]:
                        for shuffle in ([True, False] if batch == 4 and seed == 0 else [True]):
                            ds = TensorDataset(torch.arange(n))
                            if explicit:
                                torch.manual_seed(1000 + seed)  # the default generator must stay untouched
                                g = torch.Generator().manual_seed(seed)
                                loader = DataLoader(ds, batch_size=batch, shuffle=shuffle, drop_last=drop_last, generator=g)
                            else:
                                torch.manual_seed(seed)
                                g = None
                                loader = DataLoader(ds, batch_size=batch, shuffle=shuffle, drop_last=drop_last)
                            epochs = batches_of(loader, 3)
                            cases.append({
                                "seed": seed, "n": n, "batch_size": batch, "drop_last": drop_last,
                                "explicit": explicit, "shuffle": shuffle, "len": len(loader), "epochs": epochs,
                                "default_after": after(None),
                                "generator_after": after(g) if explicit else None,
                            })
    return cases


def replacement_cases():
    cases = []
    for seed in [0, 3]:
        for n, num in [(10, 5), (10, 70), (40, 33)]:
            g = torch.Generator().manual_seed(seed)
            s = RandomSampler(range(n), replacement=True, num_samples=num, generator=g)
            first = list(s)
            second = list(s)
            cases.append({"seed": seed, "n": n, "num_samples": num, "epochs": [first, second], "generator_after": after(g)})
        for n, num in [(10, 25), (7, 3)]:
            g = torch.Generator().manual_seed(seed)
            s = RandomSampler(range(n), replacement=False, num_samples=num, generator=g)
            cases.append({"seed": seed, "n": n, "num_samples": num, "replacement": False,
                          "epochs": [list(s)], "generator_after": after(g)})
    return cases


def subset_sampler_cases():
    cases = []
    indices = list(range(10, 30, 2))
    for seed in [0, 5]:
        # The sampler and the loader share g: the base seed and the permutation both come from it.
        g = torch.Generator().manual_seed(seed)
        loader = DataLoader(TensorDataset(torch.arange(30)), batch_size=3,
                            sampler=SubsetRandomSampler(indices, generator=g), generator=g)
        shared = batches_of(loader, 2)
        shared_after = after(g)
        # A sampler without a generator permutes with the default generator, after the base seed drawn from it.
        torch.manual_seed(seed)
        loader = DataLoader(TensorDataset(torch.arange(30)), batch_size=4, sampler=SubsetRandomSampler(indices))
        default = batches_of(loader, 2)
        cases.append({"seed": seed, "indices": indices, "shared": shared, "shared_after": shared_after,
                      "default": default, "default_after": after(None)})
    return cases


def split_cases():
    cases = []
    for seed, n, lengths in [(42, 10, [3, 7]), (42, 30, [0.3, 0.3, 0.4]), (0, 10, [0.5, 0.5]),
                             (1, 11, [0.25, 0.25, 0.5]), (5, 7, [0.1, 0.2, 0.3, 0.4]), (3, 100, [80, 20])]:
        g = torch.Generator().manual_seed(seed)
        parts = random_split(range(n), lengths, generator=g)
        cases.append({"seed": seed, "n": n, "lengths": lengths, "fractions": any(isinstance(x, float) for x in lengths),
                      "indices": [list(p.indices) for p in parts], "generator_after": after(g)})
    torch.manual_seed(9)
    parts = random_split(range(12), [5, 7])
    cases.append({"seed": 9, "n": 12, "lengths": [5, 7], "fractions": False, "default": True,
                  "indices": [list(p.indices) for p in parts], "generator_after": after(None)})
    return cases


def main():
    out = {"torch": torch.__version__, "loader": loader_cases(), "replacement": replacement_cases(),
           "split": split_cases(), "subset_sampler": subset_sampler_cases()}
    try:
        TensorDataset(torch.zeros(3), torch.zeros(4))
    except AssertionError as e:
        out["size_mismatch"] = str(e)
    with open(sys.argv[1], "w") as f:
        json.dump(out, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
